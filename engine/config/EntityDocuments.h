#pragma once

#include "ConfigDiff.h"

#include <QByteArray>
#include <QSet>

namespace portico {

// One entity of a configuration as a compact JSON document in the declarative format's shape,
// as the history keeps it ("before"/"after" of each change).
QByteArray entityDocument(const Config &config, EntityKind kind, qsizetype index);

// Reads `document` (from entityDocument()) and puts it at `index` of its list in `config`
// (settings: replaces them). False with *error when the document cannot be read.
bool insertEntity(Config &config, EntityKind kind, qsizetype index, const QByteArray &document,
                  QString *error);

// Removes the entities of `kind` whose names are in `names` (nothing for settings).
void eraseEntities(Config &config, EntityKind kind, const QSet<QString> &names);

} // namespace portico
