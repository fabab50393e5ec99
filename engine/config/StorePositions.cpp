#include "StorePositions.h"

namespace portico {

std::vector<qint64> &StoredPositions::of(EntityKind kind)
{
    switch (kind) {
    case EntityKind::Service: return services;
    case EntityKind::Route: return routes;
    case EntityKind::Consumer: return consumers;
    case EntityKind::Plan: return plans;
    case EntityKind::Certificate: return certificates;
    case EntityKind::JwtProvider:
    case EntityKind::Settings: // has no list; never asked for
        break;
    }
    return jwtProviders;
}

PositionPlan planPositions(const std::vector<qint64> &oldPositions, qsizetype newSize,
                           const std::vector<const EntityChange *> &changes)
{
    constexpr qint64 kUnset = -1;
    std::vector<bool> oldLeaves(oldPositions.size(), false); // removed or moved
    std::vector<bool> newArrives(size_t(newSize), false);    // added or moved
    for (const EntityChange *change : changes) {
        if (change->oldIndex >= 0 && (change->removed() || change->moved))
            oldLeaves[size_t(change->oldIndex)] = true;
        if (change->newIndex >= 0 && (change->added() || change->moved))
            newArrives[size_t(change->newIndex)] = true;
    }

    // The entities that stay are in the same order in both lists: pair them up in order.
    PositionPlan plan;
    plan.positions.assign(size_t(newSize), kUnset);
    size_t old = 0;
    for (size_t j = 0; j < size_t(newSize); ++j) {
        if (newArrives[j])
            continue;
        while (old < oldPositions.size() && oldLeaves[old])
            ++old;
        Q_ASSERT(old < oldPositions.size());
        plan.positions[j] = old < oldPositions.size() ? oldPositions[old++] : kUnset;
    }

    // Fill each run of arrivals between the neighbours' positions.
    for (size_t start = 0; start < size_t(newSize);) {
        if (plan.positions[start] != kUnset) {
            ++start;
            continue;
        }
        size_t end = start;
        while (end < size_t(newSize) && plan.positions[end] == kUnset)
            ++end;
        const qint64 low = start > 0 ? plan.positions[start - 1] : 0;
        const qint64 count = qint64(end - start);
        if (end == size_t(newSize)) {
            for (qint64 k = 0; k < count; ++k)
                plan.positions[start + size_t(k)] = low + kPositionGap * (k + 1);
        } else {
            const qint64 high = plan.positions[end];
            if (high - low <= count) { // no room: number the whole list afresh
                plan.renumbered = true;
                break;
            }
            for (qint64 k = 0; k < count; ++k)
                plan.positions[start + size_t(k)] = low + (high - low) * (k + 1) / (count + 1);
        }
        start = end;
    }
    if (plan.renumbered) {
        for (size_t j = 0; j < size_t(newSize); ++j)
            plan.positions[j] = kPositionGap * qint64(j + 1);
    }
    return plan;
}

} // namespace portico
