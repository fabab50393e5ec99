#pragma once

#include "Config.h"
#include "ConfigTree.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace portico {

struct ConfigLoadResult
{
    Config config;
    ConfigErrors errors;  // parse, type and validation errors, each naming its field
    QStringList warnings; // accepted, but not taking effect as written; callers print them
    bool ok() const { return errors.empty(); }
};

// Reads the declarative format (format_version 1; YAML or JSON, same shape) and validates the
// result. Unknown fields are errors ("routes[2].pahts: unknown field"), wrong types too
// ("settings.workers: expected an integer"); a field that is absent or null keeps its default.
// Syntax errors come back as one error with an empty path and the line and column. Plaintext
// API keys are hashed while reading; the plaintext is kept nowhere. A certificate written
// without its key (exports leave keys out unless asked) takes the key of `keysFrom`'s
// certificate of the same name and text, when there is one: re-importing an export into the
// store it came from loses nothing.
ConfigLoadResult parseDeclarative(const QByteArray &text, const Config *keysFrom = nullptr);

// parseDeclarative() on a file's contents; a file that cannot be read gives one error with an
// empty path naming the file.
ConfigLoadResult loadDeclarativeFile(const QString &path, const Config *keysFrom = nullptr);

// Gives each certificate of `config` that has no key the key of `keysFrom`'s certificate of the
// same name and certificate text.
void keepStoredKeys(Config &config, const Config &keysFrom);

// Write every field in contract order (format_version, settings, services, routes, consumers,
// plans, jwt_providers, certificates). The output is deterministic: export -> import -> export
// gives the same bytes. Certificates' private keys only with PrivateKeys::Include.
QByteArray toDeclarativeYaml(const Config &config, PrivateKeys keys = PrivateKeys::Omit);
QByteArray toDeclarativeJson(const Config &config, PrivateKeys keys = PrivateKeys::Omit);

// One part of a configuration in the declarative shape (JSON or YAML), as the Admin API
// receives it. Checks fields and types only (errors name the field relative to the part, such
// as "paths[0]"); values and cross-references are checked on the whole configuration.
template<typename T>
struct PartLoadResult
{
    T value;
    ConfigErrors errors;
    bool ok() const { return errors.empty(); }
};
PartLoadResult<SettingsConfig> parseSettingsPart(const QByteArray &text);
PartLoadResult<ServiceConfig> parseServicePart(const QByteArray &text);
PartLoadResult<RouteConfig> parseRoutePart(const QByteArray &text);
PartLoadResult<ConsumerConfig> parseConsumerPart(const QByteArray &text);
PartLoadResult<PlanConfig> parsePlanPart(const QByteArray &text);
PartLoadResult<JwtProviderConfig> parseJwtProviderPart(const QByteArray &text);
PartLoadResult<CertificateConfig> parseCertificatePart(const QByteArray &text);

} // namespace portico
