#pragma once

#include "policy/auth/KeyUsageRecorder.h"
#include "policy/jwt_auth/JwksRegistry.h"
#include "policy/rate_limit/LocalCounters.h"
#include "proxy/TargetHealth.h"
#include "proxy/UpstreamTlsRegistry.h"

#include <QList>

#include <memory>

namespace portico {

class ConsumerDirectory;
struct ConsumerConfig;
struct SettingsConfig;
class RedisCounters;

// What lives longer than one snapshot and the snapshots compiled from it refer to: target
// health, API key use, the JWT providers' key sets, the services' TLS contexts, and the last
// consumer directory (reused while the consumers are unchanged: compiling 100,000 of them on
// every route edit would cost more than the edit).
struct EngineRegistries
{
    HealthRegistry health;
    std::shared_ptr<KeyUsageRecorder> keyUsage = std::make_shared<KeyUsageRecorder>();
    std::shared_ptr<const ConsumerDirectory> consumers;
    JwksRegistry jwks;
    UpstreamTlsRegistry upstreamTls; // the services' client TLS contexts
    // Rate-limit counters: this process's (also Redis's stand-in while it is unreachable), and
    // Redis's when settings.rate_limit_store names it (kept while its settings are unchanged).
    std::shared_ptr<LocalCounters> rateCounters = std::make_shared<LocalCounters>();
    std::shared_ptr<RedisCounters> redisCounters;

    // The directory for these consumers: the last one when they are the same, else a new one.
    // Called where snapshots are compiled, on the engine's owner thread only.
    std::shared_ptr<const ConsumerDirectory> consumersFor(const QList<ConsumerConfig> &list);
    // The Redis counters these settings name, or null for local counting.
    std::shared_ptr<RedisCounters> redisCountersFor(const SettingsConfig &settings);

    // Registries for the route tester's dry run: the same counters, key sets, target health and
    // consumers as these, so its verdicts reflect what the engine has counted and cached.
    // Compiling a snapshot into them changes nothing here (their maps are their own, and a dry
    // run writes to none of what they share). On the engine's owner thread, like compiles.
    std::unique_ptr<EngineRegistries> forDryRun() const;
};

} // namespace portico
