#pragma once

#include "observe/DurationHistogram.h"
#include "observe/RequestCounts.h"

#include <QString>
#include <QtGlobal>

#include <vector>

namespace portico {

// The traffic figures GET /metrics exposes: all totals since the engine started, summed over
// the workers by TrafficAggregator, each list in name order. Like TrafficSample's lists, a
// route or target removed by a new configuration stays under its old name.
struct RouteMetrics
{
    QString route;
    RequestCounts counts;
};

struct TargetMetrics
{
    QString service;
    QString url;
    quint64 requests = 0;        // answered (sent a response head)
    quint64 errors = 0;          // failed tries
    DurationHistogram firstByte; // request head sent to response head read
};

struct ConsumerMetrics
{
    QString consumer;
    quint64 requests = 0;
    quint64 rateLimited = 0; // 429 answers
};

struct TrafficMetrics
{
    RequestCounts unrouted; // requests no route matched
    std::vector<RouteMetrics> routes;
    std::vector<TargetMetrics> targets;     // by service, then URL
    std::vector<ConsumerMetrics> consumers; // only when asked for (there may be very many)
};

} // namespace portico
