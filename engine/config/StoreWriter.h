#pragma once

#include "ConfigDiff.h"
#include "StorePositions.h"

#include <QSqlDatabase>

namespace portico {

// Writes the rows that `diff` says changed from `before` to `after`, inside the caller's
// transaction, and nothing else. `positions` holds the stored positions of `before`'s lists
// and becomes those of `after`'s. False with *error when SQLite refuses a statement (the
// caller rolls back).
bool writeConfigChanges(QSqlDatabase &db, const Config &before, const Config &after,
                        const ConfigDiff &diff, StoredPositions &positions, QString *error);

// Writes all of `config` into empty tables (a new store), settings included.
bool writeInitialConfig(QSqlDatabase &db, const Config &config, StoredPositions &positions,
                        QString *error);

} // namespace portico
