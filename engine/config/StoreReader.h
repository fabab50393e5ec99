#pragma once

#include "Config.h"
#include "StorePositions.h"

#include <QSqlDatabase>

namespace portico {

// Reads the whole configuration from the store's tables (inside the caller's transaction, for
// a consistent view). Returns false with *error only when SQLite fails; rows that do not make
// a configuration (edited by hand: a list column that is not JSON, a route whose service row
// is gone, an unknown setting) are reported in `problems`, each naming the field.
bool readStoredConfig(QSqlDatabase &db, Config &config, StoredPositions &positions,
                      ConfigErrors &problems, QString *error);

} // namespace portico
