#pragma once

#include "Config.h"

#include <QString>

#include <optional>
#include <vector>

namespace portico {

// The parts of a configuration the store writes, diffs and keeps history for one by one.
enum class EntityKind { Settings, Service, Route, Consumer, Plan, JwtProvider, Certificate };
QString entityKindName(EntityKind kind); // "settings", "service", ..., "certificate"
std::optional<EntityKind> entityKindFromName(QStringView name);

// One entity that differs between two configurations, identified by kind and name. Indexes
// are places in the entity's list (0 for settings).
struct EntityChange
{
    EntityKind kind = EntityKind::Settings;
    QString name;            // empty for settings
    qsizetype oldIndex = -1; // -1: added
    qsizetype newIndex = -1; // -1: removed
    bool contentChanged = false;
    // Survivors that changed places relative to the others. The rest keep their relative
    // order, so undoing the change needs only the moved ones (a longest increasing run of old
    // indexes stays; everything else moved).
    bool moved = false;

    bool added() const { return oldIndex < 0; }
    bool removed() const { return newIndex < 0; }
};

// Every changed entity: settings, then services, routes, consumers, plans, jwt_providers and
// certificates;
// in each kind the removed ones (by old index), then the others by new index.
struct ConfigDiff
{
    std::vector<EntityChange> changes;
    bool isEmpty() const { return changes.empty(); }
};

// Compares by name and order. Both configurations must have unique names in each list (valid
// configurations do).
ConfigDiff diffConfigs(const Config &before, const Config &after);

// "route users updated; service b added"; many changes of one kind are counted instead
// ("10000 routes added").
QString summarizeDiff(const ConfigDiff &diff);

} // namespace portico
