#pragma once

#include "ConfigDiff.h"

#include <QtGlobal>

#include <vector>

namespace portico {

// The `position` column of each list's rows, in list order. Positions only need to increase
// along the list, so they are spread out with gaps: removing or appending an entity, or moving
// one between two others, writes that entity's row and no other.
struct StoredPositions
{
    std::vector<qint64> services;
    std::vector<qint64> routes;
    std::vector<qint64> consumers;
    std::vector<qint64> plans;
    std::vector<qint64> jwtProviders;
    std::vector<qint64> certificates;

    std::vector<qint64> &of(EntityKind kind);
};

// The space left between consecutive positions when a list is numbered afresh.
constexpr qint64 kPositionGap = qint64(1) << 16;

struct PositionPlan
{
    std::vector<qint64> positions; // for the new list
    // No room was left where entities were inserted: every row of the list gets a new
    // position, not only the changed ones.
    bool renumbered = false;
};

// Positions for a list of `newSize` entities after `changes` (this list's kind only) were
// applied to a list stored at `oldPositions`. Entities that neither moved nor were added keep
// theirs.
PositionPlan planPositions(const std::vector<qint64> &oldPositions, qsizetype newSize,
                           const std::vector<const EntityChange *> &changes);

} // namespace portico
