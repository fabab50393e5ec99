#include "ConfigTransfer.h"

#include "DeclarativeFormat.h"
#include "foreign/KongFormat.h"
#include "foreign/NginxExport.h"
#include "foreign/OpenApiImport.h"

#include <QFileInfo>

namespace portico {

std::optional<TransferFormat> transferFormat(const QString &option, const QString &path,
                                             TransferDirection direction, QString *error)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    const bool json = suffix == QLatin1String("json");
    const bool yaml = suffix == QLatin1String("yaml") || suffix == QLatin1String("yml");
    const bool importing = direction == TransferDirection::Import;
    if (option.isEmpty() || option == QLatin1String("native")) {
        if (json)
            return TransferFormat::NativeJson;
        if (yaml || (!option.isEmpty() && importing)) // import reads either syntax
            return TransferFormat::NativeYaml;
        if (!option.isEmpty())
            return TransferFormat::NativeYaml;
        *error = QStringLiteral("cannot tell the format of %1 from its extension: name it "
                                ".yaml, .yml or .json, or give --format")
                     .arg(path);
        return std::nullopt;
    }
    if (option == QLatin1String("kong"))
        return TransferFormat::Kong;
    if (option == QLatin1String("nginx")) {
        if (importing) {
            *error = QStringLiteral("nginx configurations can be exported, not imported");
            return std::nullopt;
        }
        return TransferFormat::Nginx;
    }
    if (option == QLatin1String("openapi")) {
        if (!importing) {
            *error = QStringLiteral("OpenAPI documents can be imported, not exported");
            return std::nullopt;
        }
        return TransferFormat::OpenApi;
    }
    *error = QStringLiteral("unknown format \"%1\" (expected native, kong, nginx or openapi)")
                 .arg(option);
    return std::nullopt;
}

namespace {

ExportOutcome fromForeign(ForeignExport exported)
{
    return {std::move(exported.text), std::move(exported.report.notCarried),
            std::move(exported.report.notes)};
}

ImportOutcome fromForeign(ForeignImport imported)
{
    ImportOutcome outcome;
    outcome.config = std::move(imported.config);
    outcome.errors = std::move(imported.errors);
    outcome.notCarried = std::move(imported.report.notCarried);
    outcome.notes = std::move(imported.report.notes);
    return outcome;
}

} // namespace

ExportOutcome exportConfig(const Config &config, TransferFormat format, PrivateKeys keys)
{
    switch (format) {
    case TransferFormat::NativeYaml:
        return {toDeclarativeYaml(config, keys), {}, {}};
    case TransferFormat::NativeJson:
        return {toDeclarativeJson(config, keys), {}, {}};
    case TransferFormat::Kong:
        return fromForeign(exportKong(config, keys));
    case TransferFormat::Nginx:
        return fromForeign(exportNginx(config));
    case TransferFormat::OpenApi:
        break; // refused by transferFormat()
    }
    Q_UNREACHABLE();
    return {};
}

ImportOutcome importConfig(const QByteArray &text, TransferFormat format, const Config &current,
                           const QString &service)
{
    switch (format) {
    case TransferFormat::NativeYaml:
    case TransferFormat::NativeJson: {
        ConfigLoadResult loaded = parseDeclarative(text, &current);
        ImportOutcome outcome;
        outcome.config = std::move(loaded.config);
        outcome.errors = std::move(loaded.errors);
        outcome.warnings = std::move(loaded.warnings);
        return outcome;
    }
    case TransferFormat::Kong:
        return fromForeign(importKong(text));
    case TransferFormat::OpenApi:
        return fromForeign(importOpenApi(text, current, service));
    case TransferFormat::Nginx:
        break; // refused by transferFormat()
    }
    Q_UNREACHABLE();
    return {};
}

} // namespace portico
