#pragma once

#include "http/HeaderMap.h"
#include "policy/rate_limit/RateQuery.h"

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
void addRateLimitHeaders(HeaderMap &headers, const RateQuery &query,
                         const RateDecision &decision, RateLimitHeaderStyle style);

} // namespace portico
