#pragma once

#include "observe/DurationHistogram.h"
#include "observe/LatencyHistogram.h"
#include "observe/RequestCounts.h"

#include <QByteArray>
#include <QString>
#include <QtGlobal>

#include <vector>

namespace portico {

// What one worker recorded between two flushes, by name: names survive snapshot swaps, the
// indices and pointers the worker counts by do not.
struct RouteDelta
{
    QString route;
    quint64 requests = 0;
    quint64 serverErrors = 0;
    LatencyHistogram latency;
    RequestCounts counts; // for GET /metrics
};

struct ConsumerDelta
{
    QByteArray consumer; // CompiledConsumer::name (UTF-8)
    quint64 requests = 0;
    quint64 rateLimited = 0;
};

// An upstream target, named by its service and URL (the same URL in two services is two).
struct TargetDelta
{
    QString service;
    QString url;
    quint64 requests = 0;               // answered (sent a response head)
    quint64 errors = 0;                 // failed tries
    LatencyHistogram firstByte;         // request head sent to response head read
    LatencyHistogram connect;           // new connections only
    DurationHistogram firstByteBuckets; // the same answers as firstByte, for GET /metrics
};

struct TrafficDelta
{
    LatencyHistogram latency; // every request, routed or not
    RequestCounts unrouted;   // requests no route matched (or refused before matching)
    std::vector<RouteDelta> routes;
    std::vector<ConsumerDelta> consumers;
    std::vector<TargetDelta> targets;

    bool isEmpty() const
    {
        return latency.isEmpty() && unrouted.total() == 0 && routes.empty() && consumers.empty()
            && targets.empty();
    }
};

} // namespace portico
