#include "ConfigValidator.h"

#include "AccessChecks.h"
#include "Addresses.h"
#include "ApiKeys.h"
#include "Checker.h"
#include "ConsumerScan.h"
#include "FieldPath.h"
#include "NameIndex.h"
#include "ObserveChecks.h"
#include "RateLimitChecks.h"
#include "ServiceTlsChecks.h"
#include "TlsChecks.h"
#include "policy/jwt_auth/JwtKey.h"
#include "routing/PathNormalizer.h"

#include <QRegularExpression>
#include <QUrl>

#include <algorithm>

namespace portico {

namespace {

using namespace validation;

constexpr qint64 kHour = 3'600'000;
constexpr qint64 kDay = 24 * kHour;
constexpr qint64 kMiB = 1024 * 1024;
constexpr qint64 kMaxLimit = 1'000'000'000'000;
constexpr qint64 kMaxJwksCacheS = 30 * 24 * 3600;

// Reports a repeated name, naming the earlier entry. Call in list order.
void checkUniqueName(Checker &check, RepeatFinder &repeats, const FieldPath &list, qsizetype index,
                     const QString &name)
{
    const qint64 first = repeats.firstOf(index);
    if (first >= 0)
        check.add(
            list[index].field("name"),
            QStringLiteral("duplicate name \"%1\" (also %2)").arg(name, list[first].toString()));
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

QString checkPlainPath(QStringView path)
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
    // An empty admin_listen turns the Admin API off.
    const auto admin = s.adminListen.isEmpty() ? std::nullopt
                                               : parseHostPort(s.adminListen, &message);
    if (!admin && !s.adminListen.isEmpty()) {
        check.add(QStringLiteral("settings.admin_listen"), message);
    } else if (admin) {
        // Port 0 (any free port) on both is fine: they get different ones.
        if (listen && admin->port != 0 && listen->port == admin->port
            && listen->host == admin->host)
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
    checkRateLimitSettings(check, s);
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
    checkObserveSettings(check, s.observe);
}

void checkService(Checker &check, const FieldPath &base, const ServiceConfig &service)
{
    check.name(base.field("name"), service.name);
    const FieldPath targetsPath = base.field("targets");
    if (service.targets.empty()) {
        check.add(targetsPath, QStringLiteral("at least one target is required"));
    } else {
        bool anyWeight = false;
        for (size_t t = 0; t < service.targets.size(); ++t) {
            const TargetConfig &target = service.targets[t];
            const FieldPath targetPath = targetsPath[qsizetype(t)];
            QString message;
            const std::optional<TargetUrl> url = parseTargetUrl(target.url, &message);
            if (!url)
                check.add(targetPath.field("url"), message);
            check.range(targetPath.field("weight"), target.weight, 0, 1000);
            anyWeight = anyWeight || target.weight > 0;
        }
        if (!anyWeight)
            check.add(targetsPath, QStringLiteral("at least one target needs a weight above 0"));
    }
    check.range(base.field("connect_timeout_ms"), service.connectTimeoutMs, 1, kHour);
    check.range(base.field("read_timeout_ms"), service.readTimeoutMs, 1, kDay);
    check.range(base.field("retries"), service.retries, 0, 5);
}

void checkLimits(Checker &check, const FieldPath &base, const LimitsConfig &limits);

template<typename HasService>
void checkRoute(Checker &check, const FieldPath &base, const RouteConfig &route,
                HasService hasService)
{
    check.name(base.field("name"), route.name);
    if (route.paths.isEmpty())
        check.add(base.field("paths"), QStringLiteral("at least one path is required"));
    for (qsizetype p = 0; p < route.paths.size(); ++p) {
        const QString message = checkRoutePath(route.paths[p]);
        if (!message.isEmpty())
            check.add(base.field("paths")[p], message);
    }
    for (qsizetype h = 0; h < route.hosts.size(); ++h) {
        const QString message = checkRouteHost(route.hosts[h]);
        if (!message.isEmpty())
            check.add(base.field("hosts")[h], message);
    }
    for (qsizetype m = 0; m < route.methods.size(); ++m) {
        const QString message = checkMethod(route.methods[m]);
        if (!message.isEmpty())
            check.add(base.field("methods")[m], message);
    }
    if (route.service.isEmpty())
        check.add(base.field("service"), QStringLiteral("missing"));
    else if (!hasService(route.service))
        check.add(base.field("service"),
                  QStringLiteral("unknown service \"%1\"").arg(route.service));
    for (qsizetype a = 0; a < route.auth.size(); ++a) {
        const QString &kind = route.auth[a];
        if (kind != QStringLiteral("key") && kind != QStringLiteral("jwt"))
            check.add(base.field("auth")[a],
                      QStringLiteral("unknown auth \"%1\" (expected key or jwt)").arg(kind));
        else if (route.auth.indexOf(kind) < a)
            check.add(base.field("auth")[a], QStringLiteral("duplicate auth \"%1\"").arg(kind));
    }
    if (route.maxBodyBytes < -1)
        check.add(base.field("max_body_bytes"),
                  QStringLiteral("must be -1 (the settings default) or at least 0"));
    checkLimits(check, base.field("rate_limit"), route.rateLimit);
}

void checkLimits(Checker &check, const FieldPath &base, const LimitsConfig &limits)
{
    for (const auto &[name, value] : limits.windows())
        check.range(base.field(name), value, 0, kMaxLimit);
}

void checkApiKey(Checker &check, const FieldPath &base, qint64 number, const ApiKeyConfig &key,
                 ConsumerScan &scan)
{
    bool sameKey = false;
    if (!isApiKeyHash(key.hash)) {
        check.add(base.field("hash"),
                  QStringLiteral("expected sha256: and 64 lowercase hex digits"));
    } else if (const std::optional<KeyUse> first = scan.firstHash(number)) {
        sameKey = true;
        check.add(base.field("hash"),
                  QStringLiteral("the same key as %1").arg(first->path("hash")));
    }
    if (key.id.isEmpty() && !isApiKeyHash(key.hash)) {
        // The id comes from the hash; the hash error already says what is wrong.
    } else if (!isApiKeyId(key.id)) {
        check.add(base.field("id"), QStringLiteral("expected key_ and 16 lowercase hex digits"));
    } else if (const std::optional<KeyUse> first = scan.firstId(number);
               first && !sameKey) { // a repeated key repeats its derived id
        check.add(base.field("id"),
                  QStringLiteral("duplicate id \"%1\" (also %2)").arg(key.id, first->path("id")));
    }
    if (key.prefix.size() > 16)
        check.add(base.field("prefix"), QStringLiteral("longer than 16 characters"));
    if (!key.created.isValid())
        check.add(base.field("created"), QStringLiteral("missing"));
    if (key.expires.isValid() && key.created.isValid() && key.expires < key.created)
        check.add(base.field("expires"), QStringLiteral("before created"));
}

void checkConsumer(Checker &check, const FieldPath &base, qsizetype index,
                   const ConsumerConfig &consumer, const NameLookup<PlanConfig> &hasPlan,
                   ConsumerScan &scan)
{
    check.name(base.field("name"), consumer.name);
    if (!consumer.plan.isEmpty() && !hasPlan(consumer.plan))
        check.add(base.field("plan"), QStringLiteral("unknown plan \"%1\"").arg(consumer.plan));
    checkConsumerAccess(check, base, index, consumer, scan);
    const FieldPath keysPath = base.field("keys");
    for (qsizetype k = 0; k < qsizetype(consumer.keys.size()); ++k)
        checkApiKey(check, keysPath[k], scan.numberOf(index, k), consumer.keys[size_t(k)], scan);
}

// The PEM is read as the gateway will read it, and must verify every algorithm listed: an
// EC key on an RS256 provider would otherwise refuse every token at run time.
void checkPublicKey(Checker &check, const FieldPath &base, const JwtProviderConfig &p)
{
    QString why;
    const std::shared_ptr<const JwtKey> key = JwtKey::fromPem(p.publicKey.toUtf8(), &why);
    if (!key) {
        check.add(base.field("public_key"),
                  why.isEmpty() ? QStringLiteral("expected a PEM public key or certificate") : why);
        return;
    }
    for (qsizetype a = 0; a < p.algorithms.size(); ++a) {
        const std::optional<JwtAlgorithm> algorithm =
            jwtAlgorithmFromName(p.algorithms[a].toLatin1());
        if (algorithm && !jwtAlgorithmName(*algorithm).startsWith("HS")
            && !key->canVerify(*algorithm))
            check.add(base.field("algorithms")[a],
                      QStringLiteral("the public_key cannot verify %1 (wrong key type or size)")
                          .arg(p.algorithms[a]));
    }
}

void checkJwtProvider(Checker &check, const FieldPath &base, const JwtProviderConfig &p)
{
    check.name(base.field("name"), p.name);
    if (p.issuer.isEmpty())
        check.add(base.field("issuer"), QStringLiteral("missing"));
    const FieldPath algorithmsPath = base.field("algorithms");
    if (p.algorithms.isEmpty())
        check.add(algorithmsPath, QStringLiteral("at least one algorithm is required"));
    static const QStringList known = {
        QStringLiteral("HS256"), QStringLiteral("HS384"), QStringLiteral("HS512"),
        QStringLiteral("RS256"), QStringLiteral("RS384"), QStringLiteral("RS512"),
        QStringLiteral("PS256"), QStringLiteral("PS384"), QStringLiteral("PS512"),
        QStringLiteral("ES256"), QStringLiteral("ES384"), QStringLiteral("ES512"),
        QStringLiteral("EdDSA")};
    bool symmetric = false;
    bool asymmetric = false;
    for (qsizetype a = 0; a < p.algorithms.size(); ++a) {
        const QString &alg = p.algorithms[a];
        if (!known.contains(alg)) {
            check.add(algorithmsPath[a],
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
        check.add(base.field("secret"), QStringLiteral("HS* algorithms need a secret"));
    else if (asymmetric && !p.secret.isEmpty())
        check.add(base.field("secret"),
                  QStringLiteral("public-key algorithms need public_key or jwks_url"));
    if (!p.jwksUrl.isEmpty()) {
        const QUrl url(p.jwksUrl, QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty()
            || (url.scheme() != QStringLiteral("https") && url.scheme() != QStringLiteral("http")))
            check.add(base.field("jwks_url"), QStringLiteral("expected an http(s) URL"));
    }
    if (!p.publicKey.isEmpty())
        checkPublicKey(check, base, p);
    if (p.consumerClaim.isEmpty())
        check.add(base.field("consumer_claim"), QStringLiteral("missing"));
    check.range(base.field("clock_skew_s"), p.clockSkewS, 0, 3600);
    // A fetched JWKS is kept for its max-age clamped into [min, max]: at least a second, at
    // most 30 days.
    const auto inRange = [](int seconds) { return seconds >= 1 && seconds <= kMaxJwksCacheS; };
    check.range(base.field("jwks_cache_min_s"), p.jwksCacheMinS, 1, kMaxJwksCacheS);
    check.range(base.field("jwks_cache_max_s"), p.jwksCacheMaxS, 1, kMaxJwksCacheS);
    if (inRange(p.jwksCacheMinS) && inRange(p.jwksCacheMaxS) && p.jwksCacheMinS > p.jwksCacheMaxS)
        check.add(base.field("jwks_cache_min_s"),
                  QStringLiteral("must not be above jwks_cache_max_s (%1)").arg(p.jwksCacheMaxS));
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
        return checkPlainPath(QStringView(path).sliced(1));
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
    // Token characters are ASCII: only a-z differ from their upper case (no toUpper() copy).
    if (std::any_of(method.cbegin(), method.cend(), [](QChar c) { return c >= u'a' && c <= u'z'; }))
        return QStringLiteral("methods are case-sensitive; write \"%1\"").arg(method.toUpper());
    return {};
}

QString checkKeyHeader(const QString &header)
{
    if (header.isEmpty())
        return QStringLiteral("empty header name");
    if (!std::all_of(header.cbegin(), header.cend(), isTokenChar))
        return QStringLiteral("invalid header name \"%1\"").arg(header);
    if (header.compare(QLatin1StringView("Authorization"), Qt::CaseInsensitive) == 0)
        return QStringLiteral("header \"%1\" is reserved (\"Authorization: Bearer <key>\" is "
                              "always accepted on key routes)")
            .arg(header);
    // Headers that frame the message, or that the gateway itself sets for the upstream: a key
    // there would be lost, or would let a caller pose as a consumer.
    static const char *const owned[] = {
        "Host", "Content-Length", "Transfer-Encoding", "Connection", "Cookie", "Via",
        "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Request-Id",
        "X-Consumer-Name", "X-Consumer-Id", "X-Authenticated-Subject", "X-Authenticated-Scope"};
    for (const char *name : owned) {
        if (header.compare(QLatin1StringView(name), Qt::CaseInsensitive) == 0)
            return QStringLiteral("header \"%1\" is reserved (the gateway sets it, or it "
                                  "frames the message)")
                .arg(header);
    }
    return {};
}

ConfigErrors validateConfig(const Config &config, const Config *validBase)
{
    Checker check;
    if (config.formatVersion != 1)
        check.add(QStringLiteral("format_version"),
                  QStringLiteral("unsupported version %1 (expected 1)").arg(config.formatVersion));
    checkSettings(check, config.settings);
    checkTlsSettings(check, config.settings, config.certificates);

    const FieldPath servicesPath("services");
    RepeatFinder serviceRepeats = nameRepeats(config.services);
    for (qsizetype i = 0; i < qsizetype(config.services.size()); ++i) {
        const ServiceConfig &service = config.services[size_t(i)];
        checkService(check, servicesPath[i], service);
        checkServiceTls(check, servicesPath[i], service, config.certificates);
        checkUniqueName(check, serviceRepeats, servicesPath, i, service.name);
    }

    const FieldPath routesPath("routes");
    RepeatFinder routeRepeats = nameRepeats(config.routes);
    const NameLookup<ServiceConfig> hasService(config.services);
    const NameLookup<JwtProviderConfig> hasProvider(config.jwtProviders);
    for (qsizetype i = 0; i < qsizetype(config.routes.size()); ++i) {
        const RouteConfig &route = config.routes[size_t(i)];
        checkRoute(check, routesPath[i], route, hasService);
        checkRouteAccess(check, routesPath[i], route, hasProvider);
        checkUniqueName(check, routeRepeats, routesPath, i, route.name);
    }

    const FieldPath plansPath("plans");
    RepeatFinder planRepeats = nameRepeats(config.plans);
    for (qsizetype i = 0; i < qsizetype(config.plans.size()); ++i) {
        const PlanConfig &plan = config.plans[size_t(i)];
        check.name(plansPath[i].field("name"), plan.name);
        checkLimits(check, plansPath[i].field("limits"), plan.limits);
        checkUniqueName(check, planRepeats, plansPath, i, plan.name);
    }

    // The consumers' checks depend on the consumers and the plans' names alone: when neither
    // changed since a valid base, they pass again.
    const bool consumersAsBefore = validBase
        && config.consumers.isSharedWith(validBase->consumers)
        && std::equal(config.plans.begin(), config.plans.end(), validBase->plans.begin(),
                      validBase->plans.end(),
                      [](const PlanConfig &a, const PlanConfig &b) { return a.name == b.name; });
    const FieldPath consumersPath("consumers");
    const NameLookup<PlanConfig> hasPlan(config.plans);
    const QList<ConsumerConfig> noConsumers;
    ConsumerScan scan(consumersAsBefore ? noConsumers : config.consumers, hasPlan);
    for (qsizetype i = 0; !consumersAsBefore && i < qsizetype(config.consumers.size()); ++i) {
        if (scan.isClean(i))
            continue;
        const ConsumerConfig &consumer = config.consumers[size_t(i)];
        checkConsumer(check, consumersPath[i], i, consumer, hasPlan, scan);
        const qint64 first = scan.firstName(i);
        if (first >= 0)
            check.add(consumersPath[i].field("name"),
                      QStringLiteral("duplicate name \"%1\" (also %2)")
                          .arg(consumer.name, consumersPath[first].toString()));
    }

    const FieldPath jwtPath("jwt_providers");
    RepeatFinder providerRepeats = nameRepeats(config.jwtProviders);
    for (qsizetype i = 0; i < qsizetype(config.jwtProviders.size()); ++i) {
        const JwtProviderConfig &provider = config.jwtProviders[size_t(i)];
        checkJwtProvider(check, jwtPath[i], provider);
        checkUniqueName(check, providerRepeats, jwtPath, i, provider.name);
    }
    checkCertificates(check, config.certificates);
    return check.take();
}

} // namespace portico
