#pragma once

#include "ConfigDiff.h"
#include "ConfigStore.h"

#include <QSqlDatabase>

#include <optional>
#include <vector>

namespace portico {

// The store's history (tables history and history_changes): one row per revision, and for
// each revision the entities it changed with their places and documents before and after.
// An older configuration is rebuilt from the current one by undoing later revisions' changes,
// so an edit of one route costs one change row, whatever the size of the configuration.

ConfigSource configSourceFromName(const QString &name); // unknown names read as Init

// Appends `version` with what `diff` changed from `before` to `after`. The first revision
// passes an empty diff: nothing is older, so nothing needs undoing.
bool recordVersion(QSqlDatabase &db, const ConfigVersion &version, const ConfigDiff &diff,
                   const Config &before, const Config &after, QString *error);

// Keeps the newest `limit` revisions, and the changes needed to rebuild the oldest of them.
bool pruneHistory(QSqlDatabase &db, qint64 newestRevision, int limit, QString *error);

// Newest first, at most `limit`.
std::optional<std::vector<ConfigVersion>> readHistory(QSqlDatabase &db, int limit, QString *error);

// The configuration right after `target`, from `current` (the configuration at
// `currentRevision`). nullopt with an empty *error when `target` is not in the history; with
// *error set when reading or undoing failed.
std::optional<Config> rebuildConfig(QSqlDatabase &db, const Config &current, qint64 currentRevision,
                                    qint64 target, QString *error);

} // namespace portico
