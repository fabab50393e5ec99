#include "ConsumerUsage.h"

#include "config/Snapshot.h"
#include "policy/rate_limit/RateLimiter.h"

namespace portico {

namespace {

// One set of limits (a plan's or a route's) as the counters stand; false when Redis could not
// be asked.
bool appendUsage(std::vector<LimitUsage> &out, const RateLimiter &limiter,
                 const QByteArray &subject, std::span<const LimitCheck> checks,
                 const QString &route, const QDateTime &now)
{
    if (checks.empty())
        return true;
    RateQuery query;
    query.subject = subject;
    query.parts[0] = checks;
    const RateDecision decision = limiter.peek(query);
    if (decision.basis != RateDecision::Basis::Counted)
        return false;
    for (int i = 0; i < decision.count; ++i) {
        const LimitOutcome &o = decision.outcomes[size_t(i)];
        LimitUsage usage;
        usage.scope = route.isEmpty() ? LimitUsage::Scope::Plan : LimitUsage::Scope::Route;
        usage.route = route;
        usage.window = o.check->window;
        usage.limit = o.check->limit;
        usage.used = o.used;
        usage.remaining = o.remaining;
        if (o.used > 0 || isQuotaWindow(o.check->window))
            usage.reset = now.addMSecs(o.resetMs);
        out.push_back(std::move(usage));
    }
    return true;
}

} // namespace

ConsumerUsage consumerUsage(const Snapshot &snapshot, const QString &consumerName,
                            const QString &plan, const QDateTime &now)
{
    ConsumerUsage usage;
    const RateLimiter &limiter = *snapshot.rateLimiter;
    const QByteArray subject = consumerRateSubject(consumerName.toUtf8());
    if (!plan.isEmpty())
        usage.answered =
            appendUsage(usage.limits, limiter, subject, limiter.planChecks(plan), {}, now);
    // Route limits count per consumer on the routes that can tell who the caller is.
    for (const RouteConfig &route : snapshot.config.routes) {
        if (usage.answered && !route.rateLimit.isEmpty() && !route.auth.isEmpty())
            usage.answered = appendUsage(usage.limits, limiter, subject,
                                         compileRouteChecks(route.rateLimit, route.name.toUtf8()),
                                         route.name, now);
    }
    return usage;
}

} // namespace portico
