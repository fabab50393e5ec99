#include "Snapshot.h"

#include "config/Addresses.h"
#include "config/ConfigValidator.h"
#include "config/EngineRegistries.h"
#include "policy/access/GroupAclPolicy.h"
#include "policy/access/IpRulesPolicy.h"
#include "policy/auth/AuthPolicy.h"
#include "policy/auth/ConsumerDirectory.h"
#include "policy/jwt_auth/CompiledJwtProvider.h"
#include "policy/jwt_auth/JwtAuthenticator.h"
#include "policy/rate_limit/RateLimitPolicy.h"
#include "policy/rate_limit/RateLimiter.h"
#include "proxy/TargetHealth.h"
#include "proxy/UpstreamTlsRegistry.h"

#include <algorithm>

namespace portico {

namespace {

std::vector<int> weightsOf(const ServiceConfig &service)
{
    std::vector<int> weights;
    for (const TargetConfig &t : service.targets)
        weights.push_back(t.weight);
    return weights;
}

// The service's TLS context for its https:// targets, from the registry; null when it has none.
// An error (a client certificate whose key does not load) is reported on the field.
std::shared_ptr<const TlsClientContext> serviceTls(const ServiceConfig &service, qsizetype index,
                                                   const Config &config,
                                                   UpstreamTlsRegistry &registry,
                                                   ConfigErrors &errors)
{
    if (std::none_of(service.targets.begin(), service.targets.end(),
                     [](const TargetConfig &t) { return isHttpsTarget(t.url); }))
        return nullptr;
    TlsClientSettings settings;
    settings.verify = service.tlsVerify;
    settings.caBundle = service.caBundle.toUtf8();
    settings.serverName = service.tlsServerName;
    for (const CertificateConfig &certificate : config.certificates) {
        if (certificate.name == service.clientCertificate && !service.clientCertificate.isEmpty()) {
            settings.certificate = certificate.certificate.toUtf8();
            settings.key = certificate.key.toUtf8();
        }
    }
    QString error;
    std::shared_ptr<const TlsClientContext> context = registry.contextFor(settings, &error);
    if (!context)
        errors.push_back(
            {QStringLiteral("services[%1].%2")
                 .arg(index)
                 .arg(settings.certificate.isEmpty() ? QStringLiteral("ca_bundle")
                                                     : QStringLiteral("client_certificate")),
             error});
    return context;
}

CompiledService compileService(const ServiceConfig &service, HealthRegistry &health,
                               std::shared_ptr<const TlsClientContext> tls)
{
    CompiledService out{service.name,
                        {},
                        LoadBalancer(weightsOf(service)),
                        service.connectTimeoutMs,
                        service.readTimeoutMs,
                        service.preserveHost,
                        service.retries,
                        service.name.toUtf8(),
                        std::move(tls)};
    for (const TargetConfig &t : service.targets) {
        const std::optional<TargetUrl> url = parseTargetUrl(t.url);
        Q_ASSERT(url); // validated before
        CompiledTarget target;
        target.url = t.url;
        target.urlUtf8 = t.url.toUtf8();
        target.host = url->host;
        target.port = url->port;
        const QString hostPort = (url->host.contains(QLatin1Char(':'))
                                      ? QLatin1Char('[') + url->host + QLatin1Char(']')
                                      : url->host)
            + QLatin1Char(':') + QString::number(url->port);
        target.hostPort = hostPort.toUtf8();
        target.tls = url->scheme == QStringLiteral("https");
        target.poolKey = target.tls ? target.hostPort + " tls#" + QByteArray::number(out.tls->id())
                                    : target.hostPort;
        target.basePath = url->basePath;
        target.weight = t.weight;
        target.health = health.healthFor(hostPort);
        out.targets.push_back(std::move(target));
    }
    return out;
}

using Providers = std::vector<std::shared_ptr<const CompiledJwtProvider>>;

std::shared_ptr<const TokenAuthenticator> tokenAuthenticator(const RouteConfig &route,
                                                             const Snapshot &snapshot,
                                                             const Providers &providers)
{
    Providers accepted;
    for (const auto &provider : providers) {
        if (route.jwtProviders.isEmpty() || route.jwtProviders.contains(provider->name))
            accepted.push_back(provider);
    }
    return std::make_shared<JwtAuthenticator>(std::move(accepted), snapshot.consumers,
                                              route.jwtAnonymous);
}

// The route's policies in the order of the request path (DESIGN.md): access, auth, acl,
// rate limit.
void compilePolicies(const RouteConfig &route, const Snapshot &snapshot,
                     const Providers &providers, CompiledRoute &out)
{
    if (!route.allowIps.isEmpty() || !route.denyIps.isEmpty())
        out.policies.append(std::make_shared<IpRulesPolicy>(route.allowIps, route.denyIps));
    if (!route.auth.isEmpty()) {
        CredentialSources sources;
        sources.keys = route.auth.contains(QStringLiteral("key"));
        sources.tokens = route.auth.contains(QStringLiteral("jwt"));
        sources.keyHeader = route.keyHeader.toLatin1();
        sources.keyInQuery = route.keyInQuery;
        std::shared_ptr<const TokenAuthenticator> tokens;
        if (sources.tokens)
            tokens = tokenAuthenticator(route, snapshot, providers);
        out.policies.append(
            std::make_shared<AuthPolicy>(std::move(sources), snapshot.consumers, tokens));
    }
    if (!route.allowGroups.isEmpty() || !route.denyGroups.isEmpty())
        out.policies.append(std::make_shared<GroupAclPolicy>(route.allowGroups, route.denyGroups));
    // Plans apply wherever a consumer is known, so on every authenticating route.
    if (!route.rateLimit.isEmpty()
        || (!route.auth.isEmpty() && snapshot.rateLimiter->anyPlanLimits()))
        out.policies.append(
            std::make_shared<RateLimitPolicy>(route.rateLimit, out.nameUtf8, snapshot.rateLimiter));
}

bool anyRouteAuthenticates(const Config &config)
{
    return std::any_of(config.routes.begin(), config.routes.end(),
                       [](const RouteConfig &r) { return !r.auth.isEmpty(); });
}

} // namespace

Snapshot::Snapshot(Config c, quint64 v)
    : version(v)
    , config(std::move(c))
    , router(config.routes)
    , redactor(Redactor::forConfig(config))
    , hstsValue(config.settings.hstsMaxAgeS > 0
                    ? "max-age=" + QByteArray::number(config.settings.hstsMaxAgeS)
                    : QByteArray())
{
}

std::shared_ptr<const Snapshot> compileSnapshot(const Config &config, quint64 version,
                                                EngineRegistries &registries,
                                                ConfigErrors *errors, ConfigCheck check)
{
    Q_ASSERT(check == ConfigCheck::Validate || validateConfig(config).empty());
    if (check == ConfigCheck::Validate) {
        ConfigErrors found = validateConfig(config);
        if (!found.empty()) {
            if (errors)
                *errors = std::move(found);
            return nullptr;
        }
    }
    auto snapshot = std::make_shared<Snapshot>(config, version);
    QHash<QString, int> serviceIndex;
    serviceIndex.reserve(qsizetype(config.services.size()));
    ConfigErrors tlsErrors;
    std::vector<std::shared_ptr<const TlsClientContext>> tlsInUse;
    for (qsizetype index = 0; index < qsizetype(config.services.size()); ++index) {
        const ServiceConfig &service = config.services[size_t(index)];
        const size_t errorsBefore = tlsErrors.size();
        auto tls = serviceTls(service, index, config, registries.upstreamTls, tlsErrors);
        if (tlsErrors.size() > errorsBefore)
            continue; // reported below; nothing is compiled
        if (tls)
            tlsInUse.push_back(tls);
        serviceIndex.insert(service.name, int(index));
        snapshot->services.push_back(compileService(service, registries.health, std::move(tls)));
    }
    if (!tlsErrors.empty()) {
        if (errors)
            *errors = std::move(tlsErrors);
        return nullptr;
    }
    registries.upstreamTls.keepOnly(tlsInUse);
    if (anyRouteAuthenticates(config))
        snapshot->consumers = registries.consumersFor(config.consumers);
    Providers providers;
    std::vector<std::shared_ptr<JwksSource>> jwksInUse;
    for (const JwtProviderConfig &provider : config.jwtProviders) {
        providers.push_back(compileJwtProvider(provider, registries.jwks));
        if (providers.back()->jwks)
            jwksInUse.push_back(providers.back()->jwks);
    }
    registries.jwks.keepOnly(jwksInUse);
    snapshot->rateLimiter = std::make_shared<const RateLimiter>(
        config, registries.rateCounters, registries.redisCountersFor(config.settings));
    for (const RouteConfig &route : config.routes) {
        CompiledRoute compiled;
        compiled.name = route.name;
        compiled.nameUtf8 = route.name.toUtf8();
        compiled.serviceIndex = serviceIndex.value(route.service, -1);
        compiled.maxBodyBytes = route.maxBodyBytes >= 0 ? route.maxBodyBytes
                                                        : config.settings.limits.maxBodyBytes;
        compilePolicies(route, *snapshot, providers, compiled);
        snapshot->routes.push_back(std::move(compiled));
    }
    return snapshot;
}

} // namespace portico
