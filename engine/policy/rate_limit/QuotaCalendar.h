#pragma once

#include "policy/rate_limit/RateWindow.h"

#include <QByteArray>
#include <QTimeZone>

namespace portico {

// One day or month of a quota, in the configured time zone.
struct QuotaPeriod
{
    QByteArray id;      // "2026-11-28" or "2026-11": what the store and Redis keys name it by
    qint64 startMs = 0; // UTC milliseconds since the epoch
    qint64 endMs = 0;   // the next period's start
    bool contains(qint64 utcMs) const { return utcMs >= startMs && utcMs < endMs; }
};

// Where days and months begin: midnight in `settings.quota_timezone` (UTC unless configured).
// Computing a period takes a few microseconds of calendar work, so callers keep the current
// one and ask again only when it has ended (see QuotaPeriodCache).
class QuotaCalendar
{
public:
    explicit QuotaCalendar(const QTimeZone &zone = QTimeZone::utc()) : m_zone(zone) {}
    QuotaPeriod periodAt(RateWindow window, qint64 utcMs) const;
    const QTimeZone &zone() const { return m_zone; }

private:
    QTimeZone m_zone;
};

// The current day and month, recomputed only when time has left them.
class QuotaPeriodCache
{
public:
    const QuotaPeriod &current(const QuotaCalendar &calendar, RateWindow window, qint64 utcMs)
    {
        QuotaPeriod &cached = window == RateWindow::Day ? m_day : m_month;
        if (!cached.contains(utcMs) || m_zone != calendar.zone()) {
            if (m_zone != calendar.zone()) {
                m_zone = calendar.zone();
                m_day = m_month = {};
            }
            cached = calendar.periodAt(window, utcMs);
        }
        return cached;
    }

private:
    QTimeZone m_zone = QTimeZone::utc();
    QuotaPeriod m_day;
    QuotaPeriod m_month;
};

} // namespace portico
