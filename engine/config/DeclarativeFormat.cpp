#include "DeclarativeFormat.h"

#include "ConfigTree.h"
#include "ConfigValidator.h"
#include "DeclarativeReader.h"

#include <QFile>

#include <yaml-cpp/yaml.h>

namespace portico {

namespace {

// YAML::Load, with its exceptions turned into one error that says where the syntax broke.
bool loadTree(const QByteArray &text, YAML::Node &root, ConfigErrors &errors)
{
    try {
        root = YAML::Load(text.toStdString());
        return true;
    } catch (const YAML::ParserException &e) {
        errors.push_back({QString(), QStringLiteral("syntax error at line %1, column %2: %3")
                                         .arg(e.mark.line + 1)
                                         .arg(e.mark.column + 1)
                                         .arg(QString::fromStdString(e.msg))});
    } catch (const std::exception &e) {
        errors.push_back({QString(), QStringLiteral("cannot read the document: %1").arg(e.what())});
    }
    return false;
}

template<typename T>
PartLoadResult<T> parsePart(const QByteArray &text,
                            void (DeclarativeReader::*read)(const YAML::Node &, const QString &,
                                                            T &))
{
    PartLoadResult<T> result;
    YAML::Node root;
    if (!loadTree(text, root, result.errors))
        return result;
    if (!root.IsMap()) {
        result.errors.push_back({QString(), QStringLiteral("expected an object")});
        return result;
    }
    QStringList warnings; // the whole configuration's warnings are what users see
    DeclarativeReader reader(result.errors, warnings);
    try {
        (reader.*read)(root, QString(), result.value);
    } catch (const std::exception &e) {
        result.errors.push_back({QString(), QStringLiteral("cannot read: %1").arg(e.what())});
    }
    return result;
}

} // namespace

void keepStoredKeys(Config &config, const Config &keysFrom)
{
    for (CertificateConfig &certificate : config.certificates) {
        if (!certificate.key.isEmpty())
            continue;
        for (const CertificateConfig &stored : keysFrom.certificates) {
            if (stored.name == certificate.name && stored.certificate == certificate.certificate)
                certificate.key = stored.key;
        }
    }
}

ConfigLoadResult parseDeclarative(const QByteArray &text, const Config *keysFrom)
{
    ConfigLoadResult result;
    YAML::Node root;
    if (!loadTree(text, root, result.errors))
        return result;
    DeclarativeReader reader(result.errors, result.warnings);
    try {
        if (!reader.readRoot(root, result.config))
            return result; // nothing was read that validation could speak about
    } catch (const std::exception &e) {
        result.errors.push_back(
            {QString(), QStringLiteral("cannot read the document: %1").arg(e.what())});
        return result;
    }
    if (keysFrom)
        keepStoredKeys(result.config, *keysFrom);
    for (ConfigError &error : validateConfig(result.config)) {
        if (!reader.isMasked(error))
            result.errors.push_back(std::move(error));
    }
    return result;
}

ConfigLoadResult loadDeclarativeFile(const QString &path, const Config *keysFrom)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        ConfigLoadResult result;
        result.errors.push_back(
            {QString(), QStringLiteral("cannot read %1: %2").arg(path, file.errorString())});
        return result;
    }
    return parseDeclarative(file.readAll(), keysFrom);
}

QByteArray toDeclarativeYaml(const Config &config, PrivateKeys keys)
{
    return configToTree(config, keys).toYaml();
}

QByteArray toDeclarativeJson(const Config &config, PrivateKeys keys)
{
    return configToTree(config, keys).toJson();
}

PartLoadResult<SettingsConfig> parseSettingsPart(const QByteArray &text)
{
    return parsePart(text, &DeclarativeReader::readSettings);
}

PartLoadResult<ServiceConfig> parseServicePart(const QByteArray &text)
{
    return parsePart(text, &DeclarativeReader::readService);
}

PartLoadResult<RouteConfig> parseRoutePart(const QByteArray &text)
{
    return parsePart(text, &DeclarativeReader::readRoute);
}

PartLoadResult<ConsumerConfig> parseConsumerPart(const QByteArray &text)
{
    return parsePart(text, &DeclarativeReader::readConsumer);
}

PartLoadResult<PlanConfig> parsePlanPart(const QByteArray &text)
{
    return parsePart(text, &DeclarativeReader::readPlan);
}

PartLoadResult<JwtProviderConfig> parseJwtProviderPart(const QByteArray &text)
{
    return parsePart(text, &DeclarativeReader::readJwtProvider);
}

PartLoadResult<CertificateConfig> parseCertificatePart(const QByteArray &text)
{
    return parsePart(text, &DeclarativeReader::readCertificate);
}

} // namespace portico
