#include "QuotaFlusher.h"

#include "config/ConfigStore.h"
#include "config/QuotaUsage.h"
#include "policy/rate_limit/LocalCounters.h"

#include <QDateTime>
#include <QTimer>

namespace portico {

QuotaFlusher::QuotaFlusher(LocalCounters &counters, ConfigStore &store,
                           const QuotaCalendar &calendar, QObject *parent)
    : QObject(parent)
    , m_counters(counters)
    , m_store(store)
    , m_timer(new QTimer(this))
{
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    const QStringList current{QString::fromLatin1(calendar.periodAt(RateWindow::Day, nowMs).id),
                              QString::fromLatin1(calendar.periodAt(RateWindow::Month, nowMs).id)};
    m_store.pruneQuotaUsage(current);
    std::vector<QuotaCount> counts;
    for (const QuotaUsage &row : m_store.readQuotaUsage(current)) {
        if (const std::optional<RateWindow> window = rateWindowNamed(row.window.toLatin1()))
            counts.push_back({row.subject.toUtf8(), row.scope.toUtf8(), *window,
                              row.period.toLatin1(), row.used});
    }
    m_counters.loadQuotas(counts, calendar, nowMs);

    connect(m_timer, &QTimer::timeout, this, &QuotaFlusher::flush);
    m_timer->start(kIntervalMs);
}

QuotaFlusher::~QuotaFlusher()
{
    flush();
}

void QuotaFlusher::flush()
{
    const std::vector<QuotaCount> changed = m_counters.takeChangedQuotas();
    if (changed.empty())
        return;
    std::vector<QuotaUsage> rows;
    rows.reserve(changed.size());
    for (const QuotaCount &count : changed) {
        rows.push_back({QString::fromUtf8(count.subject), QString::fromUtf8(count.scope),
                        QString::fromLatin1(rateWindowName(count.window)),
                        QString::fromLatin1(count.period), count.used});
    }
    if (!m_store.writeQuotaUsage(rows))
        qWarning("portico: could not save %d quota counts to the store", int(rows.size()));
}

} // namespace portico
