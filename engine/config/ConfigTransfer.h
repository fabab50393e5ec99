#pragma once

#include "Config.h"
#include "ConfigTree.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace portico {

// The formats a configuration goes in and out of Portico in (--import/--export, the desktop
// app's Import and Export). Native is lossless; the foreign ones report what they could not
// carry instead of dropping it silently (docs/formats.md).
enum class TransferFormat {
    NativeYaml,
    NativeJson,
    Kong,    // decK declarative (_format_version "3.0"), import and export
    Nginx,   // export only
    OpenApi, // import only: routes for one service
};

enum class TransferDirection { Import, Export };

// The format for a --format value ("native", "kong", "nginx", "openapi"; empty: from the file's
// extension, .yaml/.yml/.json being native). nullopt and `error` when it cannot be told or does
// not go that way (nginx cannot be imported, OpenAPI not exported).
std::optional<TransferFormat> transferFormat(const QString &option, const QString &path,
                                             TransferDirection direction, QString *error);

struct ExportOutcome
{
    QByteArray text;
    QStringList notCarried; // foreign formats: what the output lacks, one line each
    QStringList notes;
};
// Native exports carry certificates' private keys only with PrivateKeys::Include.
ExportOutcome exportConfig(const Config &config, TransferFormat format,
                           PrivateKeys keys = PrivateKeys::Omit);

struct ImportOutcome
{
    Config config;       // the whole configuration after the import (valid when ok())
    ConfigErrors errors; // naming the field in the imported document
    QStringList warnings;
    QStringList notCarried;
    QStringList notes;
    bool ok() const { return errors.empty(); }
};
// Native and Kong documents replace the configuration (keeping of `current` only the private
// keys of certificates the document names without one); an OpenAPI document adds (or
// replaces, by name) routes to `service` in `current`.
ImportOutcome importConfig(const QByteArray &text, TransferFormat format, const Config &current,
                           const QString &service = QString());

} // namespace portico
