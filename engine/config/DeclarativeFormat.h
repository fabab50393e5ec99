#pragma once

#include "Config.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace portico {

struct ConfigLoadResult
{
    Config config;
    ConfigErrors errors;  // parse, type and validation errors, each naming its field
    QStringList warnings; // accepted but not applied yet ("consumers is not applied yet")
    bool ok() const { return errors.empty(); }
};

// Reads the declarative format (format_version 1; YAML or JSON, same shape) and validates the
// result. Unknown fields are errors ("routes[2].pahts: unknown field"), wrong types too
// ("settings.workers: expected an integer"); a field that is absent or null keeps its default.
// Syntax errors come back as one error with an empty path and the line and column.
ConfigLoadResult parseDeclarative(const QByteArray &text);

// parseDeclarative() on a file's contents; a file that cannot be read gives one error with an
// empty path naming the file.
ConfigLoadResult loadDeclarativeFile(const QString &path);

// Writes every field in contract order (format_version, settings, services, routes). The output
// is deterministic and parses back to an equal Config.
QByteArray toDeclarativeYaml(const Config &config);

} // namespace portico
