#include "TrafficAggregator.h"

#include <algorithm>

namespace portico {

namespace {

LatencySummary summarize(const LatencyHistogram &histogram)
{
    LatencySummary summary;
    summary.count = histogram.count();
    if (summary.count > 0) {
        summary.p50Ms = histogram.percentile(0.50) / 1000.0;
        summary.p95Ms = histogram.percentile(0.95) / 1000.0;
        summary.p99Ms = histogram.percentile(0.99) / 1000.0;
    }
    return summary;
}

template<typename Record>
void sortBusiestFirst(std::vector<int> &order, const std::vector<Record> &records)
{
    std::sort(order.begin(), order.end(), [&records](int a, int b) {
        const Record &x = records[size_t(a)];
        const Record &y = records[size_t(b)];
        if (x.total.requests != y.total.requests)
            return x.total.requests > y.total.requests;
        return x.name < y.name;
    });
}

} // namespace

void TrafficAggregator::reset()
{
    *this = TrafficAggregator();
}

void TrafficAggregator::add(const TrafficDelta &delta)
{
    m_latency.merge(delta.latency);
    m_unrouted.merge(delta.unrouted);
    for (const RouteDelta &in : delta.routes) {
        const int index = routeRecord(in.route);
        m_routeCounts[size_t(index)].merge(in.counts);
        Record &record = m_routes[size_t(index)];
        record.total.requests += in.requests;
        record.total.flagged += in.serverErrors;
        if (in.latency.isEmpty())
            continue;
        if (record.latency < 0) {
            record.latency = int(m_routeLatencies.size());
            m_routeLatencies.push_back(in.latency);
        } else {
            m_routeLatencies[size_t(record.latency)].merge(in.latency);
        }
    }
    for (const ConsumerDelta &in : delta.consumers) {
        Record &record = m_consumers[size_t(consumerRecord(in.consumer))];
        record.total.requests += in.requests;
        record.total.flagged += in.rateLimited;
    }
    for (const TargetDelta &in : delta.targets) {
        TargetRecord &record = m_targets[size_t(targetRecord(in.service, in.url))];
        record.total.requests += in.requests;
        record.total.flagged += in.errors;
        record.firstByte.merge(in.firstByte);
        record.connect.merge(in.connect);
        record.firstByteTotal.merge(in.firstByteBuckets);
    }
    m_routesChanged = m_routesChanged || !delta.routes.empty();
    m_targetsChanged = m_targetsChanged || !delta.targets.empty();
    m_consumersChanged = m_consumersChanged || !delta.consumers.empty();
}

int TrafficAggregator::routeRecord(const QString &name)
{
    const auto found = m_routeByName.constFind(name);
    if (found != m_routeByName.constEnd())
        return *found;
    const int index = int(m_routes.size());
    m_routes.push_back(Record{name, {}, {}, -1});
    m_routeCounts.emplace_back();
    m_routeByName.insert(name, index);
    m_routeOrder.push_back(index);
    return index;
}

int TrafficAggregator::consumerRecord(const QByteArray &name)
{
    const auto found = m_consumerByName.constFind(name);
    if (found != m_consumerByName.constEnd())
        return *found;
    const int index = int(m_consumers.size());
    m_consumers.push_back(Record{QString::fromUtf8(name), {}, {}, -1});
    m_consumerByName.insert(name, index);
    m_consumerOrder.push_back(index);
    return index;
}

int TrafficAggregator::targetRecord(const QString &service, const QString &url)
{
    TargetName name(service, url);
    const auto found = m_targetByName.constFind(name);
    if (found != m_targetByName.constEnd())
        return *found;
    const int index = int(m_targets.size());
    // Its first window starts at the last sample, when its first figures were not there yet.
    TargetRecord record;
    record.name = name;
    record.windowStartMs = m_seq > 0 ? m_timeAt[size_t((m_seq - 1) % kHistory)] : 0;
    m_targets.push_back(std::move(record));
    m_targetByName.insert(name, index);
    m_targetOrder.push_back(index);
    return index;
}

void TrafficAggregator::finish(TrafficSample &sample)
{
    // Rates compare with the oldest kept sample within about a second: the window drops its
    // oldest sample while the next one is already a second old.
    const size_t now = size_t(m_seq % kHistory);
    m_timeAt[now] = sample.msecsSinceEpoch;
    m_requestsAt[now] = sample.requests;
    m_window = std::min(m_window + 1, kHistory);
    while (m_window > 2
           && sample.msecsSinceEpoch - m_timeAt[size_t((m_seq - m_window + 2) % kHistory)] >= 1000)
        --m_window;
    const size_t oldest = size_t((m_seq - m_window + 1) % kHistory);
    const qint64 spanMs = sample.msecsSinceEpoch - m_timeAt[oldest];
    const double spanS = spanMs > 0 ? double(spanMs) / 1000.0 : 0.0;
    if (spanS > 0)
        sample.requestsPerSecond = double(sample.requests - m_requestsAt[oldest]) / spanS;

    sample.latency = summarize(m_latency);
    m_latency.clear();
    listRoutes(sample, now, oldest, spanS);
    listConsumers(sample, now, oldest, spanS);
    listTargets(sample, now, oldest, spanS);
    m_routeLatencies.clear();
    ++m_seq;
}

void TrafficAggregator::listRoutes(TrafficSample &sample, size_t now, size_t oldest, double spanS)
{
    if (m_routesChanged)
        sortBusiestFirst(m_routeOrder, m_routes);
    m_routesChanged = false;
    sample.routes.reserve(m_routeOrder.size());
    for (int index : m_routeOrder) {
        Record &record = m_routes[size_t(index)];
        record.history[now] = record.total;
        const Counts &then = record.history[oldest];
        RouteTraffic out;
        out.route = record.name;
        out.requests = record.total.requests;
        out.serverErrors = record.total.flagged;
        const quint64 requests = record.total.requests - then.requests;
        if (spanS > 0)
            out.requestsPerSecond = double(requests) / spanS;
        if (requests > 0)
            out.errorRate = double(record.total.flagged - then.flagged) / double(requests);
        if (record.latency >= 0)
            out.latency = summarize(m_routeLatencies[size_t(record.latency)]);
        record.latency = -1;
        sample.routes.push_back(std::move(out));
    }
}

void TrafficAggregator::listConsumers(TrafficSample &sample, size_t now, size_t oldest,
                                      double spanS)
{
    if (m_consumersChanged)
        sortBusiestFirst(m_consumerOrder, m_consumers);
    m_consumersChanged = false;
    sample.consumers.reserve(m_consumerOrder.size());
    for (int index : m_consumerOrder) {
        Record &record = m_consumers[size_t(index)];
        record.history[now] = record.total;
        ConsumerTraffic out;
        out.consumer = record.name;
        out.requests = record.total.requests;
        out.rateLimited = record.total.flagged;
        if (spanS > 0)
            out.requestsPerSecond =
                double(record.total.requests - record.history[oldest].requests) / spanS;
        sample.consumers.push_back(std::move(out));
    }
}

void TrafficAggregator::listTargets(TrafficSample &sample, size_t now, size_t oldest,
                                    double spanS)
{
    if (m_targetsChanged)
        sortBusiestFirst(m_targetOrder, m_targets);
    m_targetsChanged = false;
    sample.targets.reserve(m_targetOrder.size());
    for (int index : m_targetOrder) {
        TargetRecord &record = m_targets[size_t(index)];
        record.history[now] = record.total;
        if (record.firstByte.count() >= kTargetLatencyMin
            || sample.msecsSinceEpoch - record.windowStartMs >= kTargetLatencySpanMs) {
            record.latency = summarize(record.firstByte);
            record.connectLatency = summarize(record.connect);
            record.firstByte.clear();
            record.connect.clear();
            record.windowStartMs = sample.msecsSinceEpoch;
        }
        TargetTraffic out;
        out.service = record.name.first;
        out.url = record.name.second;
        out.requests = record.total.requests;
        out.errors = record.total.flagged;
        if (spanS > 0)
            out.requestsPerSecond =
                double(record.total.requests - record.history[oldest].requests) / spanS;
        out.latency = record.latency;
        out.connect = record.connectLatency;
        sample.targets.push_back(std::move(out));
    }
}

TrafficMetrics TrafficAggregator::metrics(bool withConsumers) const
{
    TrafficMetrics out;
    out.unrouted = m_unrouted;
    out.routes.reserve(m_routes.size());
    for (size_t i = 0; i < m_routes.size(); ++i)
        out.routes.push_back(RouteMetrics{m_routes[i].name, m_routeCounts[i]});
    std::sort(out.routes.begin(), out.routes.end(),
              [](const RouteMetrics &a, const RouteMetrics &b) { return a.route < b.route; });
    out.targets.reserve(m_targets.size());
    for (const TargetRecord &record : m_targets) {
        out.targets.push_back(TargetMetrics{record.name.first, record.name.second,
                                            record.total.requests, record.total.flagged,
                                            record.firstByteTotal});
    }
    std::sort(out.targets.begin(), out.targets.end(),
              [](const TargetMetrics &a, const TargetMetrics &b) {
                  return a.service != b.service ? a.service < b.service : a.url < b.url;
              });
    if (withConsumers) {
        out.consumers.reserve(m_consumers.size());
        for (const Record &record : m_consumers) {
            out.consumers.push_back(
                ConsumerMetrics{record.name, record.total.requests, record.total.flagged});
        }
        std::sort(out.consumers.begin(), out.consumers.end(),
                  [](const ConsumerMetrics &a, const ConsumerMetrics &b) {
                      return a.consumer < b.consumer;
                  });
    }
    return out;
}

} // namespace portico
