#include "EngineRegistries.h"

#include "config/Config.h"
#include "policy/auth/ConsumerDirectory.h"
#include "policy/rate_limit/RedisCounters.h"

namespace portico {

std::shared_ptr<const ConsumerDirectory>
EngineRegistries::consumersFor(const QList<ConsumerConfig> &list)
{
    if (!consumers || !consumers->isCompiledFrom(list))
        consumers = std::make_shared<const ConsumerDirectory>(list, keyUsage);
    return consumers;
}

std::shared_ptr<RedisCounters> EngineRegistries::redisCountersFor(const SettingsConfig &settings)
{
    const std::optional<RedisEndpoint> endpoint = RedisEndpoint::parse(settings.rateLimitStore);
    if (!endpoint) { // "local" (validation refused anything else)
        redisCounters.reset();
        return nullptr;
    }
    const RedisDownMode mode = settings.rateLimitRedisDown == QLatin1String("open")
        ? RedisDownMode::Open
        : settings.rateLimitRedisDown == QLatin1String("closed") ? RedisDownMode::Closed
                                                                 : RedisDownMode::Local;
    if (!redisCounters || redisCounters->endpoint().text != endpoint->text
        || redisCounters->timeoutMs() != settings.rateLimitRedisTimeoutMs
        || redisCounters->downMode() != mode)
        redisCounters = std::make_shared<RedisCounters>(
            *endpoint, settings.rateLimitRedisTimeoutMs, mode, rateCounters);
    return redisCounters;
}

std::unique_ptr<EngineRegistries> EngineRegistries::forDryRun() const
{
    auto out = std::make_unique<EngineRegistries>();
    out->health.shareFrom(health);
    out->consumers = consumers; // reused while the tested consumers are the same
    out->jwks.shareFrom(jwks);
    out->upstreamTls.shareFrom(upstreamTls);
    out->rateCounters = rateCounters;
    out->redisCounters = redisCounters;
    return out;
}

} // namespace portico
