#include "QuotaCalendar.h"

#include <QDateTime>

namespace portico {

QuotaPeriod QuotaCalendar::periodAt(RateWindow window, qint64 utcMs) const
{
    Q_ASSERT(isQuotaWindow(window));
    const QDate date = QDateTime::fromMSecsSinceEpoch(utcMs, m_zone).date();
    const bool day = window == RateWindow::Day;
    const QDate first = day ? date : QDate(date.year(), date.month(), 1);
    const QDate next = day ? first.addDays(1) : first.addMonths(1);
    // Midnight can be missing on a day that starts with a DST jump; QDateTime then moves it
    // forward to the first valid time, which is the day's real start.
    QuotaPeriod period;
    period.id = first.toString(day ? QStringLiteral("yyyy-MM-dd") : QStringLiteral("yyyy-MM"))
                    .toLatin1();
    period.startMs = QDateTime(first, QTime(0, 0), m_zone).toMSecsSinceEpoch();
    period.endMs = QDateTime(next, QTime(0, 0), m_zone).toMSecsSinceEpoch();
    return period;
}

} // namespace portico
