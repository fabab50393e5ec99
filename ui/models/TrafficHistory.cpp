#include "TrafficHistory.h"

namespace portico {

namespace {

double perSecond(quint64 now, quint64 before, qint64 spanMs)
{
    // A counter only goes down when the engine restarted: count from zero then.
    const quint64 delta = now >= before ? now - before : now;
    return spanMs > 0 ? double(delta) * 1000.0 / double(spanMs) : 0.0;
}

} // namespace

void TrafficHistory::add(const TrafficSample &sample)
{
    if (!m_samples.empty() && sample.msecsSinceEpoch <= m_samples.back().msecsSinceEpoch)
        return; // out of order: the chart's time only moves forward
    // Keep the samples of about the last second, plus the one just before it.
    m_samples.push_back(sample);
    while (m_samples.size() > 2
           && sample.msecsSinceEpoch - m_samples[1].msecsSinceEpoch >= 1000)
        m_samples.pop_front();

    TrafficPoint point;
    point.msecsSinceEpoch = sample.msecsSinceEpoch;
    point.latency = sample.latency;
    if (m_samples.size() >= 2) {
        const TrafficSample &before = m_samples.front();
        const qint64 span = sample.msecsSinceEpoch - before.msecsSinceEpoch;
        for (size_t i = 0; i < point.statusPerSecond.size(); ++i)
            point.statusPerSecond[i] =
                perSecond(sample.byStatusClass[i], before.byStatusClass[i], span);
        point.rateLimitedPerSecond = perSecond(sample.rateLimited, before.rateLimited, span);
        point.upstreamErrorsPerSecond =
            perSecond(sample.upstreamErrors, before.upstreamErrors, span);
    }
    m_points.push_back(point);
    while (m_points.front().msecsSinceEpoch < sample.msecsSinceEpoch - kKeepMs)
        m_points.pop_front();
}

void TrafficHistory::clear()
{
    m_points.clear();
    m_samples.clear();
}

} // namespace portico
