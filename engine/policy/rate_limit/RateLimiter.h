#pragma once

#include "policy/rate_limit/QuotaCalendar.h"
#include "policy/rate_limit/RateLimitHeaders.h"
#include "policy/rate_limit/RateQuery.h"

#include <QString>

#include <memory>
#include <span>
#include <utility>
#include <vector>

namespace portico {

struct Config;
struct LimitsConfig;
class LocalCounters;
class RedisCounters;

// The checks of one set of limits (a plan's or a route's), one per window that has a limit.
// `scope` names whose counters they use; `policyPrefix` names them in RateLimit fields.
std::vector<LimitCheck> compileLimitChecks(const LimitsConfig &limits, const QByteArray &scope,
                                           const QByteArray &policyPrefix);

// A route's own limits, counted per route (scope "route:NAME", fields named "route.WINDOW").
std::vector<LimitCheck> compileRouteChecks(const LimitsConfig &limits, const QByteArray &routeName);

// What every route's rate-limit policy of one snapshot shares: the plans' limits, where days
// begin, which fields answers carry, and where the counters live. Plans are read from the
// snapshot, so changing one applies to every consumer on it with the next request.
class RateLimiter
{
public:
    RateLimiter(const Config &config, std::shared_ptr<LocalCounters> local,
                std::shared_ptr<RedisCounters> redis);

    // The checks of the consumer's plan; empty for no plan or a plan without limits.
    std::span<const LimitCheck> planChecks(const QString &plan) const;
    bool anyPlanLimits() const { return !m_plans.empty(); }

    const QuotaCalendar &calendar() const { return m_calendar; }
    RateLimitHeaderStyle headerStyle() const { return m_headers; }
    LocalCounters &local() const { return *m_local; }
    RedisCounters *redis() const { return m_redis.get(); } // null: counters are local

    // How the limits stand for a query, counting nothing; blocks on Redis (for the Admin API,
    // never for a worker).
    RateDecision peek(const RateQuery &query) const;

private:
    std::vector<std::pair<QString, std::vector<LimitCheck>>> m_plans; // plans with limits
    QuotaCalendar m_calendar;
    RateLimitHeaderStyle m_headers;
    std::shared_ptr<LocalCounters> m_local;
    std::shared_ptr<RedisCounters> m_redis;
};

} // namespace portico
