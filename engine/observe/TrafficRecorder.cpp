#include "TrafficRecorder.h"

#include "config/Snapshot.h"
#include "policy/RequestContext.h"
#include "policy/auth/ConsumerDirectory.h"

namespace portico {

namespace {

// Keeps the slots listed in `touched` (renumbered in that order) and forgets the others.
template<typename Slot, typename Name>
void keepTouched(std::vector<Slot> &slots, std::vector<int> &touched, QHash<Name, int> &byName)
{
    std::vector<Slot> kept;
    kept.reserve(touched.size());
    byName.clear();
    for (int &index : touched) {
        const int keptIndex = int(kept.size());
        kept.push_back(std::move(slots[size_t(index)]));
        byName.insert(kept.back().name, keptIndex);
        index = keptIndex;
    }
    slots = std::move(kept);
}

} // namespace

void TrafficRecorder::record(const RequestContext &context, int status, qint64 micros)
{
    if (micros >= 0)
        m_latency.record(micros);
    const MethodClass method = methodClassOf(context.head.method);
    if (!context.route || !context.snapshot) {
        m_unrouted.count(method, status, micros);
        m_unroutedTouched = true;
    }
    const CompiledConsumer *consumer = context.identity.consumer;
    if ((!context.route && !consumer) || !context.snapshot)
        return;
    const quint64 version = context.snapshot->version;
    if (version > m_version)
        bind(*context.snapshot);
    // A request that started before the last swap seen is counted by name.
    const bool bound = version == m_version;
    if (context.route) {
        const int index = routeSlot(context, bound);
        RouteSlot &slot = m_routes[size_t(index)];
        if (slot.requests++ == 0)
            m_touchedRoutes.push_back(index);
        if (status >= 500 && status < 600)
            ++slot.serverErrors;
        if (micros >= 0)
            slot.latency.record(micros);
        slot.counts.count(method, status, micros);
    }
    if (consumer) {
        const int index = consumerSlot(*consumer, bound);
        ConsumerSlot &slot = m_consumers[size_t(index)];
        if (slot.requests++ == 0)
            m_touchedConsumers.push_back(index);
        if (status == 429)
            ++slot.rateLimited;
    }
    if (context.upstreamService >= 0)
        recordTargets(context, bound);
}

void TrafficRecorder::recordTargets(const RequestContext &context, bool bound)
{
    const Snapshot &snapshot = *context.snapshot;
    const int service = context.upstreamService;
    if (context.answeringTarget >= 0) {
        TargetSlot &slot = touchTarget(snapshot, service, context.answeringTarget, bound);
        ++slot.requests;
        slot.firstByte.record(context.upstreamFirstByteNs / 1000);
        slot.firstByteBuckets.record(context.upstreamFirstByteNs / 1000);
        if (context.upstreamConnectNs > 0)
            slot.connect.record(context.upstreamConnectNs / 1000);
    }
    // After the answering target's figures: this may add a slot, moving the one above.
    if (context.failedTarget >= 0)
        ++touchTarget(snapshot, service, context.failedTarget, bound).errors;
}

TrafficRecorder::TargetSlot &TrafficRecorder::touchTarget(const Snapshot &snapshot, int service,
                                                          int target, bool bound)
{
    int *cached = bound
        ? &m_targetSlotByIndex[size_t(m_targetBase[size_t(service)] + target)]
        : nullptr;
    int index = cached ? *cached : -1;
    if (index < 0) {
        const CompiledService &s = snapshot.services[size_t(service)];
        index = targetSlotByName(TargetName(s.name, s.targets[size_t(target)].url));
        if (cached)
            *cached = index;
    }
    TargetSlot &slot = m_targets[size_t(index)];
    if (!slot.touched) {
        slot.touched = true;
        m_touchedTargets.push_back(index);
    }
    return slot;
}

void TrafficRecorder::bind(const Snapshot &snapshot)
{
    m_version = snapshot.version;
    m_routeSlotByIndex.assign(snapshot.routes.size(), -1);
    m_consumerSlotByPointer.clear();
    m_lastConsumer = nullptr;
    m_targetBase.resize(snapshot.services.size());
    int targets = 0;
    for (size_t i = 0; i < snapshot.services.size(); ++i) {
        m_targetBase[i] = targets;
        targets += int(snapshot.services[i].targets.size());
    }
    m_targetSlotByIndex.assign(size_t(targets), -1);
    // Only slots with unflushed figures stay (a removed route's among them); the others come
    // back by name when they answer again.
    keepTouched(m_routes, m_touchedRoutes, m_routeByName);
    keepTouched(m_consumers, m_touchedConsumers, m_consumerByName);
    keepTouched(m_targets, m_touchedTargets, m_targetByName);
}

int TrafficRecorder::routeSlot(const RequestContext &context, bool bound)
{
    if (!bound)
        return routeSlotByName(context.route->name);
    int &slot = m_routeSlotByIndex[size_t(context.routeIndex)];
    if (slot < 0)
        slot = routeSlotByName(context.route->name);
    return slot;
}

int TrafficRecorder::consumerSlot(const CompiledConsumer &consumer, bool bound)
{
    if (!bound)
        return consumerSlotByName(consumer.name);
    // Keep-alive connections send one consumer's requests in a row: most end here.
    if (&consumer == m_lastConsumer)
        return m_lastConsumerSlot;
    const auto found = m_consumerSlotByPointer.constFind(&consumer);
    int slot = 0;
    if (found != m_consumerSlotByPointer.constEnd()) {
        slot = *found;
    } else {
        slot = consumerSlotByName(consumer.name);
        m_consumerSlotByPointer.insert(&consumer, slot);
    }
    m_lastConsumer = &consumer;
    m_lastConsumerSlot = slot;
    return slot;
}

int TrafficRecorder::routeSlotByName(const QString &name)
{
    const auto found = m_routeByName.constFind(name);
    if (found != m_routeByName.constEnd())
        return *found;
    const int slot = int(m_routes.size());
    m_routes.push_back(RouteSlot{name, 0, 0, {}, {}});
    m_routeByName.insert(name, slot);
    return slot;
}

int TrafficRecorder::consumerSlotByName(const QByteArray &name)
{
    const auto found = m_consumerByName.constFind(name);
    if (found != m_consumerByName.constEnd())
        return *found;
    const int slot = int(m_consumers.size());
    m_consumers.push_back(ConsumerSlot{name, 0, 0});
    m_consumerByName.insert(name, slot);
    return slot;
}

int TrafficRecorder::targetSlotByName(const TargetName &name)
{
    const auto found = m_targetByName.constFind(name);
    if (found != m_targetByName.constEnd())
        return *found;
    const int slot = int(m_targets.size());
    m_targets.push_back(TargetSlot{name, 0, 0, false, {}, {}, {}});
    m_targetByName.insert(name, slot);
    return slot;
}

TrafficDelta TrafficRecorder::takeDelta()
{
    TrafficDelta delta;
    delta.latency = m_latency;
    m_latency.clear();
    if (m_unroutedTouched) {
        delta.unrouted = m_unrouted;
        m_unrouted = {};
        m_unroutedTouched = false;
    }
    delta.routes.reserve(m_touchedRoutes.size());
    for (int index : m_touchedRoutes) {
        RouteSlot &slot = m_routes[size_t(index)];
        delta.routes.push_back(
            RouteDelta{slot.name, slot.requests, slot.serverErrors, slot.latency, slot.counts});
        slot.requests = slot.serverErrors = 0;
        slot.latency.clear();
        slot.counts = {};
    }
    m_touchedRoutes.clear();
    delta.consumers.reserve(m_touchedConsumers.size());
    for (int index : m_touchedConsumers) {
        ConsumerSlot &slot = m_consumers[size_t(index)];
        delta.consumers.push_back(ConsumerDelta{slot.name, slot.requests, slot.rateLimited});
        slot.requests = slot.rateLimited = 0;
    }
    m_touchedConsumers.clear();
    delta.targets.reserve(m_touchedTargets.size());
    for (int index : m_touchedTargets) {
        TargetSlot &slot = m_targets[size_t(index)];
        delta.targets.push_back(TargetDelta{slot.name.first, slot.name.second, slot.requests,
                                            slot.errors, slot.firstByte, slot.connect,
                                            slot.firstByteBuckets});
        slot.requests = slot.errors = 0;
        slot.touched = false;
        slot.firstByte.clear();
        slot.connect.clear();
        slot.firstByteBuckets = {};
    }
    m_touchedTargets.clear();
    return delta;
}

} // namespace portico
