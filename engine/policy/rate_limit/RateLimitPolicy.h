#pragma once

#include "policy/Policy.h"
#include "policy/rate_limit/RateQuery.h"

#include <memory>
#include <vector>

namespace portico {

struct LimitsConfig;
class RateLimiter;

// Rate limits and quotas, after authentication: the route's own limits (per consumer, or per
// client address for anonymous callers) and the consumer's plan apply together, and a request
// passes only when each has room. Refused requests get 429 with Retry-After; every answer
// carries the RateLimit fields the settings ask for, so clients can pace themselves.
class RateLimitPolicy : public Policy
{
public:
    // The route's own limits and its name (UTF-8), which names their counters.
    RateLimitPolicy(const LimitsConfig &routeLimits, const QByteArray &routeName,
                    std::shared_ptr<const RateLimiter> limiter);

    QByteArray name() const override { return QByteArrayLiteral("rate limit"); }
    PolicyResult onRequest(RequestContext &context, const PolicyResumer &resume) const override;

    // The subject and limits of a request: what onRequest decides on, and what the Admin
    // API's usage shows for a consumer.
    RateQuery queryFor(const RequestContext &context) const;

private:
    PolicyResult finish(RequestContext &context, const RateQuery &query,
                        const RateDecision &decision) const;

    std::vector<LimitCheck> m_routeChecks;
    std::shared_ptr<const RateLimiter> m_limiter;
};

} // namespace portico
