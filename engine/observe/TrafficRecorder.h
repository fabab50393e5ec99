#pragma once

#include "observe/LatencyHistogram.h"
#include "observe/TrafficDelta.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <utility>
#include <vector>

namespace portico {

struct CompiledConsumer;
struct CompiledRoute;
struct RequestContext;
struct Snapshot;

// One worker's traffic figures per route (and for requests no route matched), per consumer and
// per upstream target since its last flush. Used only on its worker's thread, so nothing here
// is atomic or locked.
//
// Per request it costs a version compare, a vector index (the route's index in the snapshot)
// and a pointer lookup (the consumer), a method classified by length and one compare, three
// histogram records and a few additions (a proxied request: one more index, the target's, and
// two or three histogram records); names are
// looked up only the first time a route or consumer answers after a snapshot swap, and for
// requests that started on an older snapshot than the last one seen. Only routes and consumers
// that answer get a slot, so 100,000 configured consumers cost nothing until they send traffic.
class TrafficRecorder
{
public:
    // An answered request; `micros` is how long it took, or negative when unknown (a request
    // refused before its head was complete).
    void record(const RequestContext &context, int status, qint64 micros);
    bool isEmpty() const
    {
        return m_latency.isEmpty() && !m_unroutedTouched && m_touchedRoutes.empty()
            && m_touchedConsumers.empty() && m_touchedTargets.empty();
    }
    // What was recorded since the last call, by name; the recorder starts over empty.
    TrafficDelta takeDelta();

private:
    struct RouteSlot
    {
        QString name;
        quint64 requests = 0;
        quint64 serverErrors = 0;
        LatencyHistogram latency;
        RequestCounts counts;
    };
    struct ConsumerSlot
    {
        QByteArray name;
        quint64 requests = 0;
        quint64 rateLimited = 0;
    };
    using TargetName = std::pair<QString, QString>; // service, URL
    struct TargetSlot
    {
        TargetName name;
        quint64 requests = 0;
        quint64 errors = 0;
        bool touched = false;
        LatencyHistogram firstByte;
        LatencyHistogram connect;
        DurationHistogram firstByteBuckets;
    };

    void bind(const Snapshot &snapshot);
    int routeSlot(const RequestContext &context, bool bound);
    int consumerSlot(const CompiledConsumer &consumer, bool bound);
    void recordTargets(const RequestContext &context, bool bound);
    TargetSlot &touchTarget(const Snapshot &snapshot, int service, int target, bool bound);
    int routeSlotByName(const QString &name);
    int consumerSlotByName(const QByteArray &name);
    int targetSlotByName(const TargetName &name);

    LatencyHistogram m_latency;
    RequestCounts m_unrouted; // requests without a route
    bool m_unroutedTouched = false;
    // Slots, found by name; kept between flushes (only their figures are reset) until the next
    // snapshot swap, which keeps only those holding figures not yet flushed.
    std::vector<RouteSlot> m_routes;
    std::vector<ConsumerSlot> m_consumers;
    QHash<QString, int> m_routeByName;
    QHash<QByteArray, int> m_consumerByName;
    std::vector<int> m_touchedRoutes; // slots with figures since the last flush
    std::vector<int> m_touchedConsumers;
    std::vector<TargetSlot> m_targets;
    QHash<TargetName, int> m_targetByName;
    std::vector<int> m_touchedTargets;
    // Shortcuts valid for the snapshot of version m_version only: slot by route index, and by
    // consumer (whose directory that snapshot keeps alive).
    quint64 m_version = 0;
    std::vector<int> m_routeSlotByIndex; // -1: not looked up yet
    QHash<const CompiledConsumer *, int> m_consumerSlotByPointer;
    const CompiledConsumer *m_lastConsumer = nullptr; // the last one looked up, and its slot
    int m_lastConsumerSlot = -1;
    // Targets are numbered across services: service s's target t is m_targetBase[s] + t.
    std::vector<int> m_targetBase;
    std::vector<int> m_targetSlotByIndex; // -1: not looked up yet
};

} // namespace portico
