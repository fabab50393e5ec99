#pragma once

#include "config/Config.h"

#include <QByteArray>
#include <QStringList>

namespace portico {

// What a conversion to or from another product's format could not carry, so that nothing is
// dropped silently. Each line names where (the source path and the entity's name), what, and
// why: "routes[3] (orders): auth [key, jwt]: Kong requires both credentials ...".
struct ForeignReport
{
    QStringList notCarried; // left out, or carried only in part
    QStringList notes;      // carried, but worth knowing: generated names, changed semantics
    bool isEmpty() const { return notCarried.isEmpty() && notes.isEmpty(); }
};

struct ForeignExport
{
    QByteArray text;
    ForeignReport report;
};

struct ForeignImport
{
    Config config;
    ConfigErrors errors; // syntax, type and validation errors, each naming its source location
    ForeignReport report;
    bool ok() const { return errors.empty(); }
};

} // namespace portico
