#include "RateLimiter.h"

#include "config/Config.h"
#include "http/StackText.h"
#include "policy/rate_limit/LocalCounters.h"
#include "policy/rate_limit/RedisCounters.h"

namespace portico {

std::vector<LimitCheck> compileLimitChecks(const LimitsConfig &limits, const QByteArray &scope,
                                           const QByteArray &policyPrefix)
{
    std::vector<LimitCheck> checks;
    const auto windows = limits.windows();
    for (size_t i = 0; i < windows.size(); ++i) {
        if (windows[i].second <= 0)
            continue;
        LimitCheck check;
        check.scope = scope;
        check.window = kRateWindows[i];
        check.limit = windows[i].second;
        check.policyName = (StackText<64>() << policyPrefix << '.' << windows[i].first)
                               .toByteArray();
        check.policyItem = rateLimitPolicyItem(check.policyName, check.window, check.limit);
        checks.push_back(std::move(check));
    }
    return checks;
}

std::vector<LimitCheck> compileRouteChecks(const LimitsConfig &limits, const QByteArray &routeName)
{
    return compileLimitChecks(limits, "route:" + routeName, QByteArrayLiteral("route"));
}

RateLimiter::RateLimiter(const Config &config, std::shared_ptr<LocalCounters> local,
                         std::shared_ptr<RedisCounters> redis)
    : m_calendar(QTimeZone(config.settings.quotaTimezone.toUtf8()))
    , m_headers(RateLimitHeaderStyle::fromSetting(config.settings.rateLimitHeaders))
    , m_local(std::move(local))
    , m_redis(std::move(redis))
{
    for (const PlanConfig &plan : config.plans) {
        std::vector<LimitCheck> checks =
            compileLimitChecks(plan.limits, QByteArrayLiteral("plan"), QByteArrayLiteral("plan"));
        if (!checks.empty())
            m_plans.emplace_back(plan.name, std::move(checks));
    }
}

std::span<const LimitCheck> RateLimiter::planChecks(const QString &plan) const
{
    if (plan.isEmpty())
        return {};
    for (const auto &[name, checks] : m_plans) {
        if (name == plan)
            return checks;
    }
    return {};
}

RateDecision RateLimiter::peek(const RateQuery &query) const
{
    if (m_redis)
        return m_redis->peek(query, m_calendar);
    return m_local->peek(query, m_calendar, RateClock::now());
}

} // namespace portico
