#include "DeclarativeReader.h"

#include <yaml-cpp/yaml.h>

#include <limits>

namespace portico {

namespace {

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

} // namespace

void DeclarativeReader::error(const QString &path, const QString &message)
{
    m_errors.push_back({path, message});
    m_failed.insert(path);
}

bool DeclarativeReader::isMasked(const ConfigError &error) const
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

bool DeclarativeReader::expectMap(const YAML::Node &node, const QString &path)
{
    if (node.IsMap())
        return true;
    error(path, QStringLiteral("expected a mapping"));
    return false;
}

void DeclarativeReader::readMap(const YAML::Node &node, const QString &path, const FieldHandler &handler)
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
void DeclarativeReader::readInteger(const YAML::Node &node, const QString &path, T &out)
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

void DeclarativeReader::readBool(const YAML::Node &node, const QString &path, bool &out)
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

void DeclarativeReader::readString(const YAML::Node &node, const QString &path, QString &out)
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

void DeclarativeReader::readStringList(const YAML::Node &node, const QString &path, QStringList &out)
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

template<typename List, typename F>
void DeclarativeReader::readList(const YAML::Node &node, const QString &path, List &out,
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

void DeclarativeReader::readLimits(const YAML::Node &node, const QString &base,
                                   LimitsConfig &limits)
{
    readMap(node, base, [&](const std::string &key, const YAML::Node &value, const QString &path) {
        if (key == "second")
            readInteger(value, path, limits.second);
        else if (key == "minute")
            readInteger(value, path, limits.minute);
        else if (key == "hour")
            readInteger(value, path, limits.hour);
        else if (key == "day")
            readInteger(value, path, limits.day);
        else if (key == "month")
            readInteger(value, path, limits.month);
        else
            return false;
        return true;
    });
}

bool DeclarativeReader::readRoot(const YAML::Node &root, Config &config)
{
    if (!root.IsMap()) {
        error(QString(), root.IsNull() ? QStringLiteral("empty document")
                                       : QStringLiteral("expected a mapping at the top level"));
        return false;
    }
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
            readSettings(value, path, config.settings);
        else if (key == "services")
            readList(value, path, config.services, &DeclarativeReader::readService);
        else if (key == "routes")
            readList(value, path, config.routes, &DeclarativeReader::readRoute);
        else if (key == "consumers")
            readList(value, path, config.consumers, &DeclarativeReader::readConsumer);
        else if (key == "plans")
            readList(value, path, config.plans, &DeclarativeReader::readPlan);
        else if (key == "jwt_providers")
            readList(value, path, config.jwtProviders, &DeclarativeReader::readJwtProvider);
        else if (key == "certificates")
            readList(value, path, config.certificates, &DeclarativeReader::readCertificate);
        else
            return false;
        return true;
    });
    return true;
}

void DeclarativeReader::readSettings(const YAML::Node &node, const QString &base,
                                     SettingsConfig &s)
{
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
        else if (key == "rate_limit_headers")
            readString(value, path, s.rateLimitHeaders);
        else if (key == "rate_limit_redis_down")
            readString(value, path, s.rateLimitRedisDown);
        else if (key == "rate_limit_redis_timeout_ms")
            readInteger(value, path, s.rateLimitRedisTimeoutMs);
        else if (key == "quota_timezone")
            readString(value, path, s.quotaTimezone);
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
        else if (key == "listen_tls")
            readString(value, path, s.listenTls);
        else if (key == "redirect_http")
            readBool(value, path, s.redirectHttp);
        else if (key == "hsts_max_age_s")
            readInteger(value, path, s.hstsMaxAgeS);
        else if (key == "certificate_warning_days")
            readInteger(value, path, s.certificateWarningDays);
        else
            return readObserveSetting(key, value, path, s.observe);
        return true;
    });
}

bool DeclarativeReader::readObserveSetting(const std::string &key, const YAML::Node &value,
                                           const QString &path, ObserveConfig &o)
{
    if (key == "capture_records")
        readInteger(value, path, o.captureRecords);
    else if (key == "capture_bytes")
        readInteger(value, path, o.captureBytes);
    else if (key == "capture")
        readString(value, path, o.capture);
    else if (key == "capture_body_kib")
        readInteger(value, path, o.captureBodyKib);
    else if (key == "redact_headers")
        readStringList(value, path, o.redactHeaders);
    else if (key == "metrics_per_consumer")
        readBool(value, path, o.metricsPerConsumer);
    else if (key == "access_log")
        readString(value, path, o.accessLog);
    else if (key == "access_log_max_bytes")
        readInteger(value, path, o.accessLogMaxBytes);
    else if (key == "access_log_files")
        readInteger(value, path, o.accessLogFiles);
    else
        return false;
    return true;
}

void DeclarativeReader::readService(const YAML::Node &node, const QString &base,
                                    ServiceConfig &service)
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
                readList(value, path, service.targets, &DeclarativeReader::readTarget);
        } else if (key == "connect_timeout_ms") {
            readInteger(value, path, service.connectTimeoutMs);
        } else if (key == "read_timeout_ms") {
            readInteger(value, path, service.readTimeoutMs);
        } else if (key == "preserve_host") {
            readBool(value, path, service.preserveHost);
        } else if (key == "retries") {
            readInteger(value, path, service.retries);
        } else if (key == "tls_verify") {
            readBool(value, path, service.tlsVerify);
        } else if (key == "ca_bundle") {
            readString(value, path, service.caBundle);
        } else if (key == "tls_server_name") {
            readString(value, path, service.tlsServerName);
        } else if (key == "client_certificate") {
            readString(value, path, service.clientCertificate);
        } else {
            return false;
        }
        return true;
    });
}

void DeclarativeReader::readTarget(const YAML::Node &node, const QString &base,
                                   TargetConfig &target)
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

void DeclarativeReader::readRoute(const YAML::Node &node, const QString &base, RouteConfig &route)
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
            readLimits(value, path, route.rateLimit);
        else if (key == "key_header")
            readString(value, path, route.keyHeader);
        else if (key == "key_in_query")
            readBool(value, path, route.keyInQuery);
        else if (key == "jwt_providers")
            readStringList(value, path, route.jwtProviders);
        else if (key == "jwt_anonymous")
            readBool(value, path, route.jwtAnonymous);
        else if (key == "allow_groups")
            readStringList(value, path, route.allowGroups);
        else if (key == "deny_groups")
            readStringList(value, path, route.denyGroups);
        else if (key == "allow_ips")
            readStringList(value, path, route.allowIps);
        else if (key == "deny_ips")
            readStringList(value, path, route.denyIps);
        else
            return false;
        return true;
    });
}

void DeclarativeReader::readConsumer(const YAML::Node &node, const QString &base,
                                     ConsumerConfig &consumer)
{
    readMap(node, base, [&](const std::string &key, const YAML::Node &value, const QString &path) {
        if (key == "name")
            readString(value, path, consumer.name);
        else if (key == "plan")
            readString(value, path, consumer.plan);
        else if (key == "custom_id")
            readString(value, path, consumer.customId);
        else if (key == "groups")
            readStringList(value, path, consumer.groups);
        else if (key == "keys")
            readList(value, path, consumer.keys, &DeclarativeReader::readApiKey);
        else
            return false;
        return true;
    });
}

void DeclarativeReader::readPlan(const YAML::Node &node, const QString &base, PlanConfig &plan)
{
    readMap(node, base, [&](const std::string &key, const YAML::Node &value, const QString &path) {
        if (key == "name")
            readString(value, path, plan.name);
        else if (key == "limits")
            readLimits(value, path, plan.limits);
        else
            return false;
        return true;
    });
}

void DeclarativeReader::readJwtProvider(const YAML::Node &node, const QString &base,
                                        JwtProviderConfig &jwt)
{
    readMap(node, base, [&](const std::string &key, const YAML::Node &value, const QString &path) {
        if (key == "name")
            readString(value, path, jwt.name);
        else if (key == "issuer")
            readString(value, path, jwt.issuer);
        else if (key == "audiences")
            readStringList(value, path, jwt.audiences);
        else if (key == "algorithms")
            readStringList(value, path, jwt.algorithms);
        else if (key == "secret")
            readString(value, path, jwt.secret);
        else if (key == "public_key")
            readString(value, path, jwt.publicKey);
        else if (key == "jwks_url")
            readString(value, path, jwt.jwksUrl);
        else if (key == "consumer_claim")
            readString(value, path, jwt.consumerClaim);
        else if (key == "clock_skew_s")
            readInteger(value, path, jwt.clockSkewS);
        else if (key == "jwks_cache_min_s")
            readInteger(value, path, jwt.jwksCacheMinS);
        else if (key == "jwks_cache_max_s")
            readInteger(value, path, jwt.jwksCacheMaxS);
        else
            return false;
        return true;
    });
}

void DeclarativeReader::readCertificate(const YAML::Node &node, const QString &base,
                                        CertificateConfig &certificate)
{
    readMap(node, base, [&](const std::string &key, const YAML::Node &value, const QString &path) {
        if (key == "name")
            readString(value, path, certificate.name);
        else if (key == "hosts")
            readStringList(value, path, certificate.hosts);
        else if (key == "certificate")
            readString(value, path, certificate.certificate);
        else if (key == "key")
            readString(value, path, certificate.key);
        else if (key == "details")
            return true; // what the Admin API adds when it answers (issuer, expiry): read-only
        else
            return false;
        return true;
    });
}

} // namespace portico
