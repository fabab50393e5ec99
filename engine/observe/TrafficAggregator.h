#pragma once

#include "observe/LatencyHistogram.h"
#include "observe/TrafficDelta.h"
#include "observe/TrafficMetrics.h"
#include "observe/TrafficStats.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <array>
#include <utility>
#include <vector>

namespace portico {

// The sampler's side of the traffic figures: sums the workers' deltas into totals by route,
// consumer and target name, and completes each TrafficSample with rates, latency percentiles
// and the busiest-first lists. Used on the sampler's thread only.
//
// Totals are kept by name for as long as the engine runs: a route removed or renamed by a new
// configuration keeps its figures under its old name (a renamed one starts again at 0 under
// the new name), so the lists say what answered since start, whatever the configuration now.
//
// A target's latency covers the last interval when that brought at least kTargetLatencyMin
// answers; otherwise intervals are pooled until they do or span kTargetLatencySpanMs, and the
// last pooled figures are shown meanwhile. A canary target taking a few requests a second still
// gets percentiles worth reading, and a busy one stays as fresh as the routes'.
//
// It also keeps what GET /metrics needs, as totals since start: per route answers by method
// and status class and a duration histogram, the same for requests no route matched, and per
// target a time-to-first-byte histogram. metrics() copies them out on demand; samples do not
// carry them.
class TrafficAggregator
{
public:
    void reset();
    void add(const TrafficDelta &delta);
    // Completes `sample`, whose time and totals are already set: requests/s over about the last
    // second, the latency of what the deltas added since the last call brought, the routes and
    // the consumers.
    void finish(TrafficSample &sample);
    // The totals for GET /metrics, of what add() has brought so far; consumers only when
    // `withConsumers` (a list as long as the consumers that sent anything).
    TrafficMetrics metrics(bool withConsumers) const;

private:
    // Samples kept for rates: at 4 samples a second, the one about a second back is within.
    static constexpr int kHistory = 8;
    static constexpr quint64 kTargetLatencyMin = 32;
    static constexpr qint64 kTargetLatencySpanMs = 5000;

    struct Counts
    {
        quint64 requests = 0;
        quint64 flagged = 0; // 5xx answers for a route, 429 answers for a consumer
    };
    struct Record
    {
        QString name;
        Counts total;
        std::array<Counts, kHistory> history{}; // total at each kept sample, by m_seq
        int latency = -1;                       // in m_routeLatencies, when this sample has any
    };

    using TargetName = std::pair<QString, QString>; // service, URL
    struct TargetRecord
    {
        TargetName name;
        Counts total; // flagged: failed tries
        std::array<Counts, kHistory> history{};
        // The latency window being pooled, since windowStartMs, and the last one closed.
        LatencyHistogram firstByte;
        LatencyHistogram connect;
        qint64 windowStartMs = 0;
        LatencySummary latency;
        LatencySummary connectLatency;
        DurationHistogram firstByteTotal; // since start
    };

    int routeRecord(const QString &name);
    int targetRecord(const QString &service, const QString &url);
    int consumerRecord(const QByteArray &name);
    void listRoutes(TrafficSample &sample, size_t now, size_t oldest, double spanS);
    void listConsumers(TrafficSample &sample, size_t now, size_t oldest, double spanS);
    void listTargets(TrafficSample &sample, size_t now, size_t oldest, double spanS);

    std::vector<Record> m_routes;
    std::vector<RequestCounts> m_routeCounts; // since start, by route record
    RequestCounts m_unrouted;
    std::vector<Record> m_consumers;
    QHash<QString, int> m_routeByName;
    QHash<QByteArray, int> m_consumerByName; // by CompiledConsumer::name, converted once
    std::vector<int> m_routeOrder;           // busiest first
    std::vector<int> m_consumerOrder;
    std::vector<TargetRecord> m_targets;
    QHash<TargetName, int> m_targetByName;
    std::vector<int> m_targetOrder;
    bool m_routesChanged = false;
    bool m_consumersChanged = false;
    bool m_targetsChanged = false;

    LatencyHistogram m_latency;
    std::vector<LatencyHistogram> m_routeLatencies; // this sample's, by Record::latency

    quint64 m_seq = 0; // samples finished
    int m_window = 0;  // kept samples within the rate window, the newest included
    std::array<qint64, kHistory> m_timeAt{};
    std::array<quint64, kHistory> m_requestsAt{};
};

} // namespace portico
