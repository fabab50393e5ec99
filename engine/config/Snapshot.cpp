#include "Snapshot.h"

#include "config/Addresses.h"
#include "config/ConfigValidator.h"
#include "proxy/TargetHealth.h"

namespace portico {

namespace {

std::vector<int> weightsOf(const ServiceConfig &service)
{
    std::vector<int> weights;
    for (const TargetConfig &t : service.targets)
        weights.push_back(t.weight);
    return weights;
}

CompiledService compileService(const ServiceConfig &service, HealthRegistry &health)
{
    CompiledService out{service.name, {}, LoadBalancer(weightsOf(service)),
                        service.connectTimeoutMs, service.readTimeoutMs,
                        service.preserveHost, service.retries};
    for (const TargetConfig &t : service.targets) {
        const std::optional<TargetUrl> url = parseTargetUrl(t.url);
        Q_ASSERT(url); // validated before
        CompiledTarget target;
        target.url = t.url;
        target.host = url->host;
        target.port = url->port;
        const QString hostPort = (url->host.contains(QLatin1Char(':'))
                                      ? QLatin1Char('[') + url->host + QLatin1Char(']')
                                      : url->host)
            + QLatin1Char(':') + QString::number(url->port);
        target.hostPort = hostPort.toUtf8();
        target.basePath = url->basePath;
        target.weight = t.weight;
        target.health = health.healthFor(hostPort);
        out.targets.push_back(std::move(target));
    }
    return out;
}

} // namespace

Snapshot::Snapshot(Config c, quint64 v)
    : version(v)
    , config(std::move(c))
    , router(config.routes)
{
}

std::shared_ptr<const Snapshot> compileSnapshot(const Config &config, quint64 version,
                                                HealthRegistry &health, ConfigErrors *errors,
                                                ConfigCheck check)
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
    for (const ServiceConfig &service : config.services) {
        serviceIndex.insert(service.name, int(snapshot->services.size()));
        snapshot->services.push_back(compileService(service, health));
    }
    for (const RouteConfig &route : config.routes) {
        CompiledRoute compiled;
        compiled.name = route.name;
        compiled.nameUtf8 = route.name.toUtf8();
        compiled.serviceIndex = serviceIndex.value(route.service, -1);
        compiled.maxBodyBytes = route.maxBodyBytes >= 0 ? route.maxBodyBytes
                                                        : config.settings.limits.maxBodyBytes;
        // Policies (auth, rate limits, ...) are appended here by the issues that add them.
        snapshot->routes.push_back(std::move(compiled));
    }
    return snapshot;
}

} // namespace portico
