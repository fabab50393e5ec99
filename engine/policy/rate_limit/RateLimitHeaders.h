#pragma once

#include "http/HeaderMap.h"
#include "policy/rate_limit/RateQuery.h"

#include <vector>

namespace portico {

// Which rate-limit fields answers carry (settings.rate_limit_headers).
struct RateLimitHeaderStyle
{
    bool ietf = true;    // RateLimit-Policy and RateLimit (draft-ietf-httpapi-ratelimit-headers)
    bool legacy = false; // X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset

    static RateLimitHeaderStyle fromSetting(const QString &setting);
    bool any() const { return ietf || legacy; }
};

// One limit's item of the RateLimit-Policy field, e.g. `"plan.minute";q=100;w=60`.
QByteArray rateLimitPolicyItem(const QByteArray &policyName, RateWindow window, qint64 limit);

// Adds the fields of `style` for a decided request: every limit that applied in
// RateLimit-Policy, and the tightest one's remaining count and reset in RateLimit (or the
// X-RateLimit-* trio). Resets are whole seconds, rounded up.
// `fields` is a HeaderMap's (a 429's) or a request context's inline list (an answer's).
template<typename Fields>
void addRateLimitHeaders(Fields &fields, const RateQuery &query, const RateDecision &decision,
                         RateLimitHeaderStyle style);
extern template void addRateLimitHeaders(std::vector<HeaderMap::Field> &, const RateQuery &,
                                         const RateDecision &, RateLimitHeaderStyle);
extern template void addRateLimitHeaders(InlineHeaderFields &, const RateQuery &,
                                         const RateDecision &, RateLimitHeaderStyle);

} // namespace portico
