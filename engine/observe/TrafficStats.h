#pragma once

#include <QMetaType>
#include <QString>
#include <QtGlobal>

#include <array>
#include <atomic>
#include <vector>

namespace portico {

// Latency percentiles of the requests completed in one interval, in milliseconds (0 when
// none completed).
struct LatencySummary
{
    quint64 count = 0;
    double p50Ms = 0.0;
    double p95Ms = 0.0;
    double p99Ms = 0.0;
};

// One route's figures: totals since start, the rest over the last sampling interval.
struct RouteTraffic
{
    QString route;                  // the route's name
    quint64 requests = 0;           // since start
    quint64 serverErrors = 0;       // 5xx answers since start
    double requestsPerSecond = 0.0; // over the last interval
    double errorRate = 0.0;         // share of the last interval's answers that were 5xx, 0..1
    LatencySummary latency;         // over the last interval
};

// One consumer's figures (requests from identified callers only).
struct ConsumerTraffic
{
    QString consumer;
    quint64 requests = 0;    // since start
    quint64 rateLimited = 0; // 429 answers since start
    double requestsPerSecond = 0.0;
};

// One upstream target's figures, as the proxy saw it (a service's URL; the same URL in two
// services is listed twice).
struct TargetTraffic
{
    QString service;
    QString url;
    quint64 requests = 0;           // answered (sent a response head) since start
    quint64 errors = 0;             // failed tries since start: connect, timeout, reset
    double requestsPerSecond = 0.0; // answered, over about the last second
    // Request head sent to response head read, and connect times of new connections, over
    // the last interval, or pooled over more intervals until 32 answers or 5 s (see
    // TrafficAggregator); count 0 when nothing answered in the last 5 s.
    LatencySummary latency;
    LatencySummary connect;
};

// Aggregated traffic figures at one moment, summed over all workers.
struct TrafficSample
{
    qint64 msecsSinceEpoch = 0;
    quint64 requests = 0;                 // completed requests since start
    std::array<quint64, 6> byStatusClass{}; // index 1..5 = 1xx..5xx, 0 = no response sent
    quint64 upstreamErrors = 0;           // 502/504 produced by the gateway
    quint64 rateLimited = 0;              // 429 answers since start
    quint64 activeConnections = 0;
    double requestsPerSecond = 0.0;       // over the last sampling interval
    LatencySummary latency;               // every request of the last interval
    // Routes, consumers and targets that have answered (a target: or failed) anything since
    // start, busiest (by requests since start) first.
    std::vector<RouteTraffic> routes;
    std::vector<ConsumerTraffic> consumers;
    std::vector<TargetTraffic> targets;
};

// Counters one worker owns. Only that worker writes them, so plain relaxed load+store suffice;
// other threads read them relaxed when sampling. (Per-route and per-consumer figures and
// latency are not here: see TrafficRecorder.)
struct WorkerCounters
{
    std::atomic<quint64> requests{0};
    std::array<std::atomic<quint64>, 6> byStatusClass{};
    std::atomic<quint64> upstreamErrors{0};
    std::atomic<quint64> rateLimited{0};
    std::atomic<quint64> activeConnections{0};

    static void bump(std::atomic<quint64> &c, qint64 delta = 1)
    {
        c.store(c.load(std::memory_order_relaxed) + quint64(delta), std::memory_order_relaxed);
    }
    void countResponse(int status)
    {
        bump(requests);
        bump(byStatusClass[status >= 100 && status < 600 ? status / 100 : 0]);
        if (status == 502 || status == 504)
            bump(upstreamErrors);
        else if (status == 429)
            bump(rateLimited);
    }
};

} // namespace portico

Q_DECLARE_METATYPE(portico::TrafficSample)
