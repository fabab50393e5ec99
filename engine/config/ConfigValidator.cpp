#include "ConfigValidator.h"

#include "Addresses.h"
#include "ApiKeys.h"
#include "routing/PathNormalizer.h"

#include <QRegularExpression>
#include <QSet>
#include <QUrl>

#include <algorithm>

namespace portico {

namespace {

constexpr qint64 kHour = 3'600'000;
constexpr qint64 kDay = 24 * kHour;
constexpr qint64 kMiB = 1024 * 1024;
constexpr qint64 kMaxLimit = 1'000'000'000'000;

class Checker
{
public:
    void add(const QString &path, const QString &message) { m_errors.push_back({path, message}); }

    void range(const QString &path, qint64 value, qint64 min, qint64 max)
    {
        if (value < min || value > max)
            add(path, QStringLiteral("must be between %1 and %2").arg(min).arg(max));
    }

    void name(const QString &path, const QString &value)
    {
        const QString message = checkName(value);
        if (!message.isEmpty())
            add(path, message);
    }

    ConfigErrors take() { return std::move(m_errors); }

private:
    ConfigErrors m_errors;
};

QString at(const QString &path, qsizetype index)
{
    return path + QLatin1Char('[') + QString::number(index) + QLatin1Char(']');
}

bool isTokenChar(QChar c)
{
    // tchar (RFC 9110 5.6.2)
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9')
        || QStringView(u"!#$%&'*+-.^_`|~").contains(c);
}

bool isHexDigit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

QString checkPlainPath(const QString &path)
{
    if (!path.startsWith(u'/'))
        return QStringLiteral("must start with \"/\"");
    const QByteArray bytes = path.toUtf8();
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const char c = bytes[i];
        if (c == '%') {
            if (i + 2 >= bytes.size() || !isHexDigit(bytes[i + 1]) || !isHexDigit(bytes[i + 2]))
                return QStringLiteral("invalid percent-encoding");
            i += 2;
            continue;
        }
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || QByteArrayView("-._~!$&'()*+,;=:@/").contains(c);
        if (!ok)
            return QStringLiteral("invalid character '%1' (percent-encode it)")
                .arg(QString::fromUtf8(bytes.sliced(i, 1)));
    }
    // Requests are matched in normalized form, so any other spelling could never match.
    const auto normalized = normalizePath(bytes);
    if (!normalized)
        return QStringLiteral("invalid path (NUL or \"..\" above the root)");
    if (*normalized != bytes)
        return QStringLiteral("not in normalized form; write \"%1\"")
            .arg(QString::fromUtf8(*normalized));
    return {};
}

void checkSettings(Checker &check, const SettingsConfig &s)
{
    QString message;
    const auto listen = parseHostPort(s.listen, &message);
    if (!listen)
        check.add(QStringLiteral("settings.listen"), message);
    const auto admin = parseHostPort(s.adminListen, &message);
    if (!admin) {
        check.add(QStringLiteral("settings.admin_listen"), message);
    } else if (admin->port == 0) {
        check.add(QStringLiteral("settings.admin_listen"),
                  QStringLiteral("port must be between 1 and 65535"));
    } else {
        if (listen && listen->port == admin->port && listen->host == admin->host)
            check.add(QStringLiteral("settings.admin_listen"),
                      QStringLiteral("same address as settings.listen"));
        if (s.adminToken.isEmpty() && !isLoopbackHost(admin->host))
            check.add(QStringLiteral("settings.admin_token"),
                      QStringLiteral("required when admin_listen is not a loopback address"));
    }
    for (QChar c : s.adminToken) {
        if (c.unicode() <= 0x20 || c.unicode() >= 0x7f) {
            check.add(QStringLiteral("settings.admin_token"),
                      QStringLiteral("only visible ASCII characters are allowed"));
            break;
        }
    }
    check.range(QStringLiteral("settings.workers"), s.workers, 0, 256);
    if (s.rateLimitStore != QStringLiteral("local")) {
        const QUrl url(s.rateLimitStore, QUrl::StrictMode);
        const QString path = url.path();
        bool dbOk = path.isEmpty() || path == QStringLiteral("/");
        if (!dbOk)
            path.sliced(1).toUInt(&dbOk);
        if (!url.isValid() || url.scheme() != QStringLiteral("redis") || url.host().isEmpty()
            || !dbOk || url.hasQuery() || url.hasFragment())
            check.add(QStringLiteral("settings.rate_limit_store"),
                      QStringLiteral("expected \"local\" or redis://host[:port][/db]"));
    }
    const HttpLimitsConfig &l = s.limits;
    check.range(QStringLiteral("settings.max_uri_bytes"), l.maxUriBytes, 64, kMiB);
    check.range(QStringLiteral("settings.max_header_bytes"), l.maxHeaderBytes, 1024, 16 * kMiB);
    check.range(QStringLiteral("settings.max_body_bytes"), l.maxBodyBytes, 0, 1024 * 1024 * kMiB);
    check.range(QStringLiteral("settings.header_timeout_ms"), l.headerTimeoutMs, 1, kHour);
    check.range(QStringLiteral("settings.idle_timeout_ms"), l.idleTimeoutMs, 1, kDay);
    check.range(QStringLiteral("settings.upstream_idle_timeout_ms"), s.upstreamIdleTimeoutMs, 1,
                kDay);
    check.range(QStringLiteral("settings.upstream_pool_size"), s.upstreamPoolSize, 1, 100'000);
    check.range(QStringLiteral("settings.eject_after_failures"), s.ejectAfterFailures, 1, 1000);
    check.range(QStringLiteral("settings.eject_duration_ms"), s.ejectDurationMs, 1, kHour);
    check.range(QStringLiteral("settings.shutdown_timeout_ms"), s.shutdownTimeoutMs, 1, kHour);
}

void checkService(Checker &check, const QString &base, const ServiceConfig &service)
{
    check.name(base + QStringLiteral(".name"), service.name);
    const QString targetsPath = base + QStringLiteral(".targets");
    if (service.targets.empty()) {
        check.add(targetsPath, QStringLiteral("at least one target is required"));
    } else {
        bool anyWeight = false;
        for (size_t t = 0; t < service.targets.size(); ++t) {
            const TargetConfig &target = service.targets[t];
            const QString targetPath = at(targetsPath, qsizetype(t));
            QString message;
            const std::optional<TargetUrl> url = parseTargetUrl(target.url, &message);
            if (!url) {
                check.add(targetPath + QStringLiteral(".url"), message);
            } else if (url->scheme == QStringLiteral("https")) {
                // Refused rather than silently sent in clear text to the TLS port.
                check.add(targetPath + QStringLiteral(".url"),
                          QStringLiteral("https:// targets are not supported yet (TLS to "
                                         "upstreams is not implemented); use http://"));
            }
            check.range(targetPath + QStringLiteral(".weight"), target.weight, 0, 1000);
            anyWeight = anyWeight || target.weight > 0;
        }
        if (!anyWeight)
            check.add(targetsPath, QStringLiteral("at least one target needs a weight above 0"));
    }
    check.range(base + QStringLiteral(".connect_timeout_ms"), service.connectTimeoutMs, 1, kHour);
    check.range(base + QStringLiteral(".read_timeout_ms"), service.readTimeoutMs, 1, kDay);
    check.range(base + QStringLiteral(".retries"), service.retries, 0, 5);
}

void checkLimits(Checker &check, const QString &base, const LimitsConfig &limits);

void checkRoute(Checker &check, const QString &base, const RouteConfig &route,
                const QSet<QString> &services)
{
    check.name(base + QStringLiteral(".name"), route.name);
    if (route.paths.isEmpty())
        check.add(base + QStringLiteral(".paths"), QStringLiteral("at least one path is required"));
    for (qsizetype p = 0; p < route.paths.size(); ++p) {
        const QString message = checkRoutePath(route.paths[p]);
        if (!message.isEmpty())
            check.add(at(base + QStringLiteral(".paths"), p), message);
    }
    for (qsizetype h = 0; h < route.hosts.size(); ++h) {
        const QString message = checkRouteHost(route.hosts[h]);
        if (!message.isEmpty())
            check.add(at(base + QStringLiteral(".hosts"), h), message);
    }
    for (qsizetype m = 0; m < route.methods.size(); ++m) {
        const QString message = checkMethod(route.methods[m]);
        if (!message.isEmpty())
            check.add(at(base + QStringLiteral(".methods"), m), message);
    }
    const QString servicePath = base + QStringLiteral(".service");
    if (route.service.isEmpty())
        check.add(servicePath, QStringLiteral("missing"));
    else if (!services.contains(route.service))
        check.add(servicePath, QStringLiteral("unknown service \"%1\"").arg(route.service));
    for (qsizetype a = 0; a < route.auth.size(); ++a) {
        const QString &kind = route.auth[a];
        const QString path = at(base + QStringLiteral(".auth"), a);
        if (kind != QStringLiteral("key") && kind != QStringLiteral("jwt"))
            check.add(path, QStringLiteral("unknown auth \"%1\" (expected key or jwt)").arg(kind));
        else if (route.auth.indexOf(kind) < a)
            check.add(path, QStringLiteral("duplicate auth \"%1\"").arg(kind));
    }
    if (route.maxBodyBytes < -1)
        check.add(base + QStringLiteral(".max_body_bytes"),
                  QStringLiteral("must be -1 (the settings default) or at least 0"));
    checkLimits(check, base + QStringLiteral(".rate_limit"), route.rateLimit);
}

void checkLimits(Checker &check, const QString &base, const LimitsConfig &limits)
{
    const std::pair<const char *, qint64> windows[] = {{"second", limits.second},
                                                       {"minute", limits.minute},
                                                       {"hour", limits.hour},
                                                       {"day", limits.day},
                                                       {"month", limits.month}};
    for (const auto &[name, value] : windows)
        check.range(base + QLatin1Char('.') + QLatin1String(name), value, 0, kMaxLimit);
}

// Key ids and hashes must be unique across every consumer: a key that belonged to two
// consumers would authenticate as whichever the lookup found first.
struct KeyIndex
{
    QHash<QString, QString> ids;    // id -> path of its first use
    QHash<QString, QString> hashes; // hash -> path of its first use
};

void checkApiKey(Checker &check, const QString &base, const ApiKeyConfig &key, KeyIndex &index)
{
    const QString idPath = base + QStringLiteral(".id");
    const QString hashPath = base + QStringLiteral(".hash");
    bool sameKey = false;
    if (!isApiKeyHash(key.hash)) {
        check.add(hashPath, QStringLiteral("expected sha256: and 64 lowercase hex digits"));
    } else {
        const auto it = index.hashes.constFind(key.hash);
        sameKey = it != index.hashes.cend();
        if (sameKey)
            check.add(hashPath, QStringLiteral("the same key as %1").arg(*it));
        else
            index.hashes.insert(key.hash, hashPath);
    }
    if (key.id.isEmpty() && !isApiKeyHash(key.hash)) {
        // The id comes from the hash; the hash error already says what is wrong.
    } else if (!isApiKeyId(key.id)) {
        check.add(idPath, QStringLiteral("expected key_ and 16 lowercase hex digits"));
    } else {
        const auto it = index.ids.constFind(key.id);
        if (it != index.ids.cend() && !sameKey) // a repeated key repeats its derived id
            check.add(idPath, QStringLiteral("duplicate id \"%1\" (also %2)").arg(key.id, *it));
        else if (it == index.ids.cend())
            index.ids.insert(key.id, idPath);
    }
    if (key.prefix.size() > 16)
        check.add(base + QStringLiteral(".prefix"), QStringLiteral("longer than 16 characters"));
    if (!key.created.isValid())
        check.add(base + QStringLiteral(".created"), QStringLiteral("missing"));
    if (key.expires.isValid() && key.created.isValid() && key.expires < key.created)
        check.add(base + QStringLiteral(".expires"), QStringLiteral("before created"));
}

void checkConsumer(Checker &check, const QString &base, const ConsumerConfig &consumer,
                   const QSet<QString> &plans, KeyIndex &keys)
{
    check.name(base + QStringLiteral(".name"), consumer.name);
    if (!consumer.plan.isEmpty() && !plans.contains(consumer.plan))
        check.add(base + QStringLiteral(".plan"),
                  QStringLiteral("unknown plan \"%1\"").arg(consumer.plan));
    const QString keysPath = base + QStringLiteral(".keys");
    for (qsizetype k = 0; k < qsizetype(consumer.keys.size()); ++k)
        checkApiKey(check, at(keysPath, k), consumer.keys[size_t(k)], keys);
}

void checkJwtProvider(Checker &check, const QString &base, const JwtProviderConfig &p)
{
    check.name(base + QStringLiteral(".name"), p.name);
    if (p.issuer.isEmpty())
        check.add(base + QStringLiteral(".issuer"), QStringLiteral("missing"));
    const QString algorithmsPath = base + QStringLiteral(".algorithms");
    if (p.algorithms.isEmpty())
        check.add(algorithmsPath, QStringLiteral("at least one algorithm is required"));
    static const QStringList known = {
        QStringLiteral("HS256"), QStringLiteral("HS384"), QStringLiteral("HS512"),
        QStringLiteral("RS256"), QStringLiteral("RS384"), QStringLiteral("RS512"),
        QStringLiteral("PS256"), QStringLiteral("ES256"), QStringLiteral("ES384"),
        QStringLiteral("EdDSA")};
    bool symmetric = false;
    bool asymmetric = false;
    for (qsizetype a = 0; a < p.algorithms.size(); ++a) {
        const QString &alg = p.algorithms[a];
        if (!known.contains(alg)) {
            check.add(at(algorithmsPath, a),
                      QStringLiteral("unsupported algorithm \"%1\" (expected one of %2)")
                          .arg(alg, known.join(QStringLiteral(", "))));
            continue;
        }
        (alg.startsWith(QStringLiteral("HS")) ? symmetric : asymmetric) = true;
    }
    // One kind of key per provider: mixing them is how HS/RS key confusion happens.
    if (symmetric && asymmetric)
        check.add(algorithmsPath, QStringLiteral("HS* and public-key algorithms cannot be mixed"));
    const int sources = int(!p.secret.isEmpty()) + int(!p.publicKey.isEmpty())
        + int(!p.jwksUrl.isEmpty());
    if (sources != 1)
        check.add(base, QStringLiteral("give exactly one of secret, public_key or jwks_url"));
    else if (symmetric && asymmetric)
        ; // reported above; either key kind would be wrong for half of the algorithms
    else if (symmetric && p.secret.isEmpty())
        check.add(base + QStringLiteral(".secret"), QStringLiteral("HS* algorithms need a secret"));
    else if (asymmetric && !p.secret.isEmpty())
        check.add(base + QStringLiteral(".secret"),
                  QStringLiteral("public-key algorithms need public_key or jwks_url"));
    if (!p.jwksUrl.isEmpty()) {
        const QUrl url(p.jwksUrl, QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty()
            || (url.scheme() != QStringLiteral("https") && url.scheme() != QStringLiteral("http")))
            check.add(base + QStringLiteral(".jwks_url"), QStringLiteral("expected an http(s) URL"));
    }
    if (!p.publicKey.isEmpty() && !p.publicKey.contains(QStringLiteral("-----BEGIN ")))
        check.add(base + QStringLiteral(".public_key"), QStringLiteral("expected a PEM key"));
    if (p.consumerClaim.isEmpty())
        check.add(base + QStringLiteral(".consumer_claim"), QStringLiteral("missing"));
    check.range(base + QStringLiteral(".clock_skew_s"), p.clockSkewS, 0, 3600);
}

// Records name -> first index, and reports a repeat naming the earlier entry.
void checkUniqueName(Checker &check, QHash<QString, qsizetype> &seen, const QString &list,
                     qsizetype index, const QString &name)
{
    if (name.isEmpty())
        return;
    const auto it = seen.constFind(name);
    if (it == seen.cend()) {
        seen.insert(name, index);
        return;
    }
    check.add(at(list, index) + QStringLiteral(".name"),
              QStringLiteral("duplicate name \"%1\" (also %2)").arg(name, at(list, *it)));
}

} // namespace

QString checkName(const QString &name)
{
    if (name.isEmpty())
        return QStringLiteral("missing");
    if (name.size() > 128)
        return QStringLiteral("longer than 128 characters");
    for (QChar c : name) {
        const bool ok = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z')
            || (c >= u'0' && c <= u'9') || c == u'.' || c == u'_' || c == u'-';
        if (!ok)
            return QStringLiteral("only letters, digits, '.', '_' and '-' are allowed");
    }
    return {};
}

QString checkRoutePath(const QString &path)
{
    if (path.isEmpty())
        return QStringLiteral("empty path");
    if (path.startsWith(u'~')) {
        const QString pattern = path.sliced(1);
        if (pattern.isEmpty())
            return QStringLiteral("empty regex");
        const QRegularExpression re(pattern);
        if (!re.isValid())
            return QStringLiteral("invalid regex: %1 at offset %2")
                .arg(re.errorString())
                .arg(re.patternErrorOffset());
        return {};
    }
    if (path.startsWith(u'='))
        return checkPlainPath(path.sliced(1));
    if (!path.startsWith(u'/'))
        return QStringLiteral("must start with \"/\" (prefix), \"=/\" (exact) or \"~\" (regex)");
    return checkPlainPath(path);
}

QString checkRouteHost(const QString &host)
{
    if (host.isEmpty())
        return QStringLiteral("empty host");
    if (host.startsWith(QStringLiteral("*."))) {
        if (!isValidHostName(QStringView(host).sliced(2)))
            return QStringLiteral("invalid wildcard host (expected \"*.example.test\")");
        return {};
    }
    if (host.startsWith(u'[') && host.endsWith(u']')) {
        if (!isIpAddress(QStringView(host).sliced(1, host.size() - 2)))
            return QStringLiteral("invalid IPv6 address");
        return {};
    }
    if (host.contains(u':')) {
        if (isIpAddress(host))
            return QStringLiteral("IPv6 addresses need brackets, as in [::1]");
        return QStringLiteral("must not include a port");
    }
    if (host.contains(u'*'))
        return QStringLiteral("a wildcard is only allowed as the first label (\"*.example.test\")");
    if (!isValidHostName(host) && !isIpAddress(host))
        return QStringLiteral("invalid host name");
    return {};
}

QString checkMethod(const QString &method)
{
    if (method.isEmpty())
        return QStringLiteral("empty method");
    if (!std::all_of(method.cbegin(), method.cend(), isTokenChar))
        return QStringLiteral("invalid method \"%1\"").arg(method);
    if (method != method.toUpper())
        return QStringLiteral("methods are case-sensitive; write \"%1\"").arg(method.toUpper());
    return {};
}

ConfigErrors validateConfig(const Config &config)
{
    Checker check;
    if (config.formatVersion != 1)
        check.add(QStringLiteral("format_version"),
                  QStringLiteral("unsupported version %1 (expected 1)").arg(config.formatVersion));
    checkSettings(check, config.settings);

    QSet<QString> serviceNames;
    QHash<QString, qsizetype> seen;
    const QString servicesPath = QStringLiteral("services");
    for (qsizetype i = 0; i < qsizetype(config.services.size()); ++i) {
        const ServiceConfig &service = config.services[size_t(i)];
        checkService(check, at(servicesPath, i), service);
        checkUniqueName(check, seen, servicesPath, i, service.name);
        serviceNames.insert(service.name);
    }

    seen.clear();
    const QString routesPath = QStringLiteral("routes");
    for (qsizetype i = 0; i < qsizetype(config.routes.size()); ++i) {
        const RouteConfig &route = config.routes[size_t(i)];
        checkRoute(check, at(routesPath, i), route, serviceNames);
        checkUniqueName(check, seen, routesPath, i, route.name);
    }

    QSet<QString> planNames;
    seen.clear();
    const QString plansPath = QStringLiteral("plans");
    for (qsizetype i = 0; i < qsizetype(config.plans.size()); ++i) {
        const PlanConfig &plan = config.plans[size_t(i)];
        check.name(at(plansPath, i) + QStringLiteral(".name"), plan.name);
        checkLimits(check, at(plansPath, i) + QStringLiteral(".limits"), plan.limits);
        checkUniqueName(check, seen, plansPath, i, plan.name);
        planNames.insert(plan.name);
    }

    seen.clear();
    KeyIndex keys;
    const QString consumersPath = QStringLiteral("consumers");
    for (qsizetype i = 0; i < qsizetype(config.consumers.size()); ++i) {
        const ConsumerConfig &consumer = config.consumers[size_t(i)];
        checkConsumer(check, at(consumersPath, i), consumer, planNames, keys);
        checkUniqueName(check, seen, consumersPath, i, consumer.name);
    }

    seen.clear();
    const QString jwtPath = QStringLiteral("jwt_providers");
    for (qsizetype i = 0; i < qsizetype(config.jwtProviders.size()); ++i) {
        checkJwtProvider(check, at(jwtPath, i), config.jwtProviders[size_t(i)]);
        checkUniqueName(check, seen, jwtPath, i, config.jwtProviders[size_t(i)].name);
    }
    return check.take();
}

} // namespace portico
