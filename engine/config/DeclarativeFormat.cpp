#include "DeclarativeFormat.h"

#include "ConfigValidator.h"

#include <QFile>
#include <QSet>

#include <yaml-cpp/yaml.h>

#include <functional>
#include <limits>

namespace portico {

namespace {

using FieldHandler =
    std::function<bool(const std::string &key, const YAML::Node &value, const QString &path)>;

const char *const kIntTag = "tag:yaml.org,2002:int";
const char *const kBoolTag = "tag:yaml.org,2002:bool";

QString field(const QString &base, const std::string &key)
{
    const QString name = QString::fromStdString(key);
    return base.isEmpty() ? name : base + QLatin1Char('.') + name;
}

QString item(const QString &base, size_t index)
{
    return base + QLatin1Char('[') + QString::number(index) + QLatin1Char(']');
}

// Turns a YAML tree into a Config, collecting every problem instead of stopping at the first.
class Reader
{
public:
    explicit Reader(ConfigLoadResult &result) : m_result(result) {}

    bool readRoot(const YAML::Node &root); // false when the root is not a mapping

    // Validation errors under a field that already failed to parse only repeat that failure.
    bool isMasked(const ConfigError &error) const
    {
        if (m_failedExact.contains(error.path))
            return true;
        for (const QString &failed : m_failed) {
            if (error.path == failed
                || (error.path.startsWith(failed)
                    && (error.path[failed.size()] == u'.' || error.path[failed.size()] == u'[')))
                return true;
        }
        return false;
    }

private:
    void error(const QString &path, const QString &message)
    {
        m_result.errors.push_back({path, message});
        m_failed.insert(path);
    }

    void readMap(const YAML::Node &node, const QString &path, const FieldHandler &handler);
    bool expectMap(const YAML::Node &node, const QString &path);

    template<typename T>
    void readInteger(const YAML::Node &node, const QString &path, T &out);
    void readBool(const YAML::Node &node, const QString &path, bool &out);
    void readString(const YAML::Node &node, const QString &path, QString &out);
    void readStringList(const YAML::Node &node, const QString &path, QStringList &out);
    template<typename T, typename F>
    void readList(const YAML::Node &node, const QString &path, std::vector<T> &out, F readItem);

    void readSettings(const YAML::Node &node, const QString &path);
    void readService(const YAML::Node &node, const QString &path, ServiceConfig &service);
    void readTarget(const YAML::Node &node, const QString &path, TargetConfig &target);
    void readRoute(const YAML::Node &node, const QString &path, RouteConfig &route);

    ConfigLoadResult &m_result;
    QSet<QString> m_failed;      // masks the path and everything below it
    QSet<QString> m_failedExact; // a list that lost an item: masks "list is empty" only
};

bool Reader::expectMap(const YAML::Node &node, const QString &path)
{
    if (node.IsMap())
        return true;
    error(path, QStringLiteral("expected a mapping"));
    return false;
}

void Reader::readMap(const YAML::Node &node, const QString &path, const FieldHandler &handler)
{
    if (node.IsNull())
        return;
    if (!expectMap(node, path))
        return;
    QSet<QString> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
        if (!it->first.IsScalar()) {
            error(path, QStringLiteral("field names must be strings"));
            continue;
        }
        const std::string &key = it->first.Scalar();
        const QString fieldPath = field(path, key);
        if (seen.contains(fieldPath)) {
            error(fieldPath, QStringLiteral("duplicate field"));
            continue;
        }
        seen.insert(fieldPath);
        // Readers leave the default in place for "key:" / "key: null", but the key must
        // still be a known one.
        if (!handler(key, it->second, fieldPath))
            error(fieldPath, QStringLiteral("unknown field"));
    }
}

template<typename T>
void Reader::readInteger(const YAML::Node &node, const QString &path, T &out)
{
    if (node.IsNull())
        return;
    // Quoted scalars ("4") carry the tag "!": a string, not a number.
    const std::string &tag = node.IsScalar() ? node.Tag() : std::string();
    if (!node.IsScalar() || (tag != "?" && tag != kIntTag)) {
        error(path, QStringLiteral("expected an integer"));
        return;
    }
    const QByteArray text = QByteArray::fromStdString(node.Scalar());
    const qsizetype digitsFrom = text.startsWith('-') || text.startsWith('+') ? 1 : 0;
    bool digits = text.size() > digitsFrom;
    for (qsizetype i = digitsFrom; i < text.size() && digits; ++i)
        digits = text[i] >= '0' && text[i] <= '9';
    if (!digits) {
        error(path, QStringLiteral("expected an integer"));
        return;
    }
    bool ok = false;
    const qlonglong value = text.toLongLong(&ok);
    if (!ok || value < qlonglong(std::numeric_limits<T>::min())
        || value > qlonglong(std::numeric_limits<T>::max())) {
        error(path, QStringLiteral("integer out of range"));
        return;
    }
    out = T(value);
}

void Reader::readBool(const YAML::Node &node, const QString &path, bool &out)
{
    if (node.IsNull())
        return;
    const std::string &tag = node.IsScalar() ? node.Tag() : std::string();
    if (node.IsScalar() && (tag == "?" || tag == kBoolTag)) {
        const QString text = QString::fromStdString(node.Scalar()).toLower();
        if (text == QStringLiteral("true") || text == QStringLiteral("false")) {
            out = text == QStringLiteral("true");
            return;
        }
    }
    error(path, QStringLiteral("expected true or false"));
}

void Reader::readString(const YAML::Node &node, const QString &path, QString &out)
{
    // Plain scalars such as 12345 are taken as text: a token or name may well look numeric.
    if (node.IsNull())
        return;
    if (!node.IsScalar()) {
        error(path, QStringLiteral("expected a string"));
        return;
    }
    out = QString::fromStdString(node.Scalar());
}

void Reader::readStringList(const YAML::Node &node, const QString &path, QStringList &out)
{
    if (node.IsNull())
        return;
    if (!node.IsSequence()) {
        error(path, QStringLiteral("expected a list"));
        return;
    }
    out.clear();
    for (size_t i = 0; i < node.size(); ++i) {
        const YAML::Node value = node[i];
        if (!value.IsScalar()) {
            error(item(path, i), QStringLiteral("expected a string"));
            m_failedExact.insert(path);
            continue;
        }
        out.append(QString::fromStdString(value.Scalar()));
    }
}

template<typename T, typename F>
void Reader::readList(const YAML::Node &node, const QString &path, std::vector<T> &out,
                      F readItem)
{
    if (node.IsNull())
        return;
    if (!node.IsSequence()) {
        error(path, QStringLiteral("expected a list"));
        return;
    }
    out.clear();
    out.reserve(node.size());
    for (size_t i = 0; i < node.size(); ++i) {
        out.emplace_back();
        (this->*readItem)(node[i], item(path, i), out.back());
    }
}

bool Reader::readRoot(const YAML::Node &root)
{
    if (!root.IsMap()) {
        error(QString(), root.IsNull() ? QStringLiteral("empty document")
                                       : QStringLiteral("expected a mapping at the top level"));
        return false;
    }
    Config &config = m_result.config;
    const YAML::Node version = root["format_version"];
    if (!version || version.IsNull()) {
        error(QStringLiteral("format_version"), QStringLiteral("missing"));
    } else {
        readInteger(version, QStringLiteral("format_version"), config.formatVersion);
        if (config.formatVersion != 1)
            return true; // another version's fields mean other things; validation reports it
    }
    readMap(root, QString(), [&](const std::string &key, const YAML::Node &value,
                                 const QString &path) {
        if (key == "format_version")
            return true; // read above
        if (key == "settings")
            readSettings(value, path);
        else if (key == "services")
            readList(value, path, config.services, &Reader::readService);
        else if (key == "routes")
            readList(value, path, config.routes, &Reader::readRoute);
        else if (key == "consumers" || key == "plans" || key == "jwt_providers")
            m_result.warnings.append(path + QStringLiteral(" is not applied yet"));
        else
            return false;
        return true;
    });
    return true;
}

void Reader::readSettings(const YAML::Node &node, const QString &base)
{
    SettingsConfig &s = m_result.config.settings;
    HttpLimitsConfig &l = s.limits;
    readMap(node, base, [&](const std::string &key, const YAML::Node &value, const QString &path) {
        if (key == "listen")
            readString(value, path, s.listen);
        else if (key == "admin_listen")
            readString(value, path, s.adminListen);
        else if (key == "admin_token")
            readString(value, path, s.adminToken);
        else if (key == "workers")
            readInteger(value, path, s.workers);
        else if (key == "rate_limit_store")
            readString(value, path, s.rateLimitStore);
        else if (key == "max_uri_bytes")
            readInteger(value, path, l.maxUriBytes);
        else if (key == "max_header_bytes")
            readInteger(value, path, l.maxHeaderBytes);
        else if (key == "max_body_bytes")
            readInteger(value, path, l.maxBodyBytes);
        else if (key == "header_timeout_ms")
            readInteger(value, path, l.headerTimeoutMs);
        else if (key == "idle_timeout_ms")
            readInteger(value, path, l.idleTimeoutMs);
        else if (key == "upstream_idle_timeout_ms")
            readInteger(value, path, s.upstreamIdleTimeoutMs);
        else if (key == "upstream_pool_size")
            readInteger(value, path, s.upstreamPoolSize);
        else if (key == "eject_after_failures")
            readInteger(value, path, s.ejectAfterFailures);
        else if (key == "eject_duration_ms")
            readInteger(value, path, s.ejectDurationMs);
        else if (key == "shutdown_timeout_ms")
            readInteger(value, path, s.shutdownTimeoutMs);
        else
            return false;
        return true;
    });
}

void Reader::readService(const YAML::Node &node, const QString &base, ServiceConfig &service)
{
    bool hasUrl = false;
    bool hasTargets = false;
    readMap(node, base, [&](const std::string &key, const YAML::Node &value, const QString &path) {
        if (key == "name") {
            readString(value, path, service.name);
        } else if (key == "url") {
            if (value.IsNull())
                return true;
            hasUrl = true;
            TargetConfig target; // the shorthand for one target of weight 100
            readString(value, path, target.url);
            if (hasTargets)
                error(path, QStringLiteral("use either url or targets, not both"));
            else
                service.targets = {target};
        } else if (key == "targets") {
            if (value.IsNull())
                return true;
            hasTargets = true;
            if (hasUrl)
                error(path, QStringLiteral("use either url or targets, not both"));
            else
                readList(value, path, service.targets, &Reader::readTarget);
        } else if (key == "connect_timeout_ms") {
            readInteger(value, path, service.connectTimeoutMs);
        } else if (key == "read_timeout_ms") {
            readInteger(value, path, service.readTimeoutMs);
        } else if (key == "preserve_host") {
            readBool(value, path, service.preserveHost);
        } else if (key == "retries") {
            readInteger(value, path, service.retries);
        } else {
            return false;
        }
        return true;
    });
}

void Reader::readTarget(const YAML::Node &node, const QString &base, TargetConfig &target)
{
    readMap(node, base, [&](const std::string &key, const YAML::Node &value, const QString &path) {
        if (key == "url")
            readString(value, path, target.url);
        else if (key == "weight")
            readInteger(value, path, target.weight);
        else
            return false;
        return true;
    });
}

void Reader::readRoute(const YAML::Node &node, const QString &base, RouteConfig &route)
{
    readMap(node, base, [&](const std::string &key, const YAML::Node &value, const QString &path) {
        if (key == "name")
            readString(value, path, route.name);
        else if (key == "paths")
            readStringList(value, path, route.paths);
        else if (key == "hosts")
            readStringList(value, path, route.hosts);
        else if (key == "methods")
            readStringList(value, path, route.methods);
        else if (key == "strip_path")
            readBool(value, path, route.stripPath);
        else if (key == "service")
            readString(value, path, route.service);
        else if (key == "auth")
            readStringList(value, path, route.auth);
        else if (key == "max_body_bytes")
            readInteger(value, path, route.maxBodyBytes);
        else if (key == "enabled")
            readBool(value, path, route.enabled);
        else if (key == "rate_limit")
            m_result.warnings.append(path + QStringLiteral(" is not applied yet"));
        else
            return false;
        return true;
    });
    if (!route.auth.isEmpty())
        m_result.warnings.append(base + QStringLiteral(".auth is not applied yet (the route is "
                                                        "public)"));
}

std::string str(const QString &text)
{
    return text.toStdString();
}

void emitList(YAML::Emitter &out, const char *key, const QStringList &values)
{
    out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const QString &value : values)
        out << str(value);
    out << YAML::EndSeq;
}

} // namespace

ConfigLoadResult parseDeclarative(const QByteArray &text)
{
    ConfigLoadResult result;
    Reader reader(result);
    try {
        if (!reader.readRoot(YAML::Load(text.toStdString())))
            return result; // nothing was read that validation could speak about
    } catch (const YAML::ParserException &e) {
        result.errors.push_back(
            {QString(), QStringLiteral("syntax error at line %1, column %2: %3")
                            .arg(e.mark.line + 1)
                            .arg(e.mark.column + 1)
                            .arg(QString::fromStdString(e.msg))});
        return result;
    } catch (const std::exception &e) {
        result.errors.push_back(
            {QString(), QStringLiteral("cannot read the document: %1").arg(e.what())});
        return result;
    }
    for (ConfigError &error : validateConfig(result.config)) {
        if (!reader.isMasked(error))
            result.errors.push_back(std::move(error));
    }
    return result;
}

ConfigLoadResult loadDeclarativeFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        ConfigLoadResult result;
        result.errors.push_back(
            {QString(), QStringLiteral("cannot read %1: %2").arg(path, file.errorString())});
        return result;
    }
    return parseDeclarative(file.readAll());
}

QByteArray toDeclarativeYaml(const Config &config)
{
    const SettingsConfig &s = config.settings;
    const HttpLimitsConfig &l = s.limits;
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "format_version" << YAML::Value << config.formatVersion;

    out << YAML::Key << "settings" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "listen" << YAML::Value << str(s.listen);
    out << YAML::Key << "admin_listen" << YAML::Value << str(s.adminListen);
    out << YAML::Key << "admin_token" << YAML::Value << str(s.adminToken);
    out << YAML::Key << "workers" << YAML::Value << s.workers;
    out << YAML::Key << "rate_limit_store" << YAML::Value << str(s.rateLimitStore);
    out << YAML::Key << "max_uri_bytes" << YAML::Value << l.maxUriBytes;
    out << YAML::Key << "max_header_bytes" << YAML::Value << l.maxHeaderBytes;
    out << YAML::Key << "max_body_bytes" << YAML::Value << l.maxBodyBytes;
    out << YAML::Key << "header_timeout_ms" << YAML::Value << l.headerTimeoutMs;
    out << YAML::Key << "idle_timeout_ms" << YAML::Value << l.idleTimeoutMs;
    out << YAML::Key << "upstream_idle_timeout_ms" << YAML::Value << s.upstreamIdleTimeoutMs;
    out << YAML::Key << "upstream_pool_size" << YAML::Value << s.upstreamPoolSize;
    out << YAML::Key << "eject_after_failures" << YAML::Value << s.ejectAfterFailures;
    out << YAML::Key << "eject_duration_ms" << YAML::Value << s.ejectDurationMs;
    out << YAML::Key << "shutdown_timeout_ms" << YAML::Value << s.shutdownTimeoutMs;
    out << YAML::EndMap;

    out << YAML::Key << "services" << YAML::Value << YAML::BeginSeq;
    for (const ServiceConfig &service : config.services) {
        out << YAML::BeginMap;
        out << YAML::Key << "name" << YAML::Value << str(service.name);
        out << YAML::Key << "targets" << YAML::Value << YAML::BeginSeq;
        for (const TargetConfig &target : service.targets) {
            out << YAML::Flow << YAML::BeginMap;
            out << YAML::Key << "url" << YAML::Value << str(target.url);
            out << YAML::Key << "weight" << YAML::Value << target.weight;
            out << YAML::EndMap;
        }
        out << YAML::EndSeq;
        out << YAML::Key << "connect_timeout_ms" << YAML::Value << service.connectTimeoutMs;
        out << YAML::Key << "read_timeout_ms" << YAML::Value << service.readTimeoutMs;
        out << YAML::Key << "preserve_host" << YAML::Value << service.preserveHost;
        out << YAML::Key << "retries" << YAML::Value << service.retries;
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;

    out << YAML::Key << "routes" << YAML::Value << YAML::BeginSeq;
    for (const RouteConfig &route : config.routes) {
        out << YAML::BeginMap;
        out << YAML::Key << "name" << YAML::Value << str(route.name);
        emitList(out, "paths", route.paths);
        emitList(out, "hosts", route.hosts);
        emitList(out, "methods", route.methods);
        out << YAML::Key << "strip_path" << YAML::Value << route.stripPath;
        out << YAML::Key << "service" << YAML::Value << str(route.service);
        emitList(out, "auth", route.auth);
        out << YAML::Key << "max_body_bytes" << YAML::Value << route.maxBodyBytes;
        out << YAML::Key << "enabled" << YAML::Value << route.enabled;
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;
    out << YAML::EndMap;

    QByteArray yaml(out.c_str(), qsizetype(out.size()));
    yaml.append('\n');
    return yaml;
}

} // namespace portico
