#pragma once

#include "policy/rate_limit/RateWindow.h"

#include <QByteArray>

#include <array>
#include <span>

namespace portico {

// Whose counters a request uses: its consumer's, or (anonymous) its client address's.
inline QByteArray consumerRateSubject(const QByteArray &consumerName)
{
    return "consumer:" + consumerName;
}
inline QByteArray addressRateSubject(const QByteArray &clientIp)
{
    return "ip:" + clientIp;
}

// One limit to apply to a request: at most `limit` requests of the subject in `window`,
// counted separately for each scope ("plan" for the consumer's plan, "route:NAME" for a
// route's own limit).
struct LimitCheck
{
    QByteArray scope;
    RateWindow window = RateWindow::Second;
    qint64 limit = 0;
    QByteArray policyName; // the limit's name in RateLimit fields, e.g. "plan.minute"
    QByteArray policyItem; // its RateLimit-Policy item, e.g. `"plan.minute";q=100;w=60`
};

// Every limit that applies to one request. A request passes only when every limit has room,
// and then counts in all of them; the tightest decides.
struct RateQuery
{
    QByteArray subject; // "consumer:NAME" or "ip:ADDRESS"
    // The route's checks and the plan's, kept apart so neither list is copied per request.
    std::array<std::span<const LimitCheck>, 2> parts;

    template<typename F>
    void forEachCheck(F &&f) const
    {
        for (const std::span<const LimitCheck> &part : parts) {
            for (const LimitCheck &check : part)
                f(check);
        }
    }
    qsizetype size() const { return qsizetype(parts[0].size() + parts[1].size()); }
    bool hasQuota() const
    {
        bool any = false;
        forEachCheck([&](const LimitCheck &check) { any = any || isQuotaWindow(check.window); });
        return any;
    }
};

// How one limit stood once the request was decided.
struct LimitOutcome
{
    const LimitCheck *check = nullptr;
    qint64 used = 0;      // counted in the window, this request included when it passed
    qint64 remaining = 0; // limit - used, never below 0
    qint64 resetMs = 0;   // until the oldest counted request leaves the window (quota: its end)
    qint64 waitMs = 0;    // when this limit refused: until it has room for one more
};

constexpr int kMaxLimitChecks = 10; // five windows for the route, five for the plan

struct RateDecision
{
    // How it was decided: on the counters, or without them while Redis is unreachable
    // (settings.rate_limit_redis_down).
    enum class Basis { Counted, StoreDownLocal, StoreDownOpen, StoreDownClosed };
    Basis basis = Basis::Counted;
    bool admitted = true;
    std::array<LimitOutcome, kMaxLimitChecks> outcomes;
    int count = 0;
    int tightest = -1; // the outcome the answer's headers describe; -1 when there is none
    qint64 retryAfterMs = 0; // refused: until every refusing limit has room again

    // The tightest limit: when refused, the refusing one with the longest wait; otherwise the
    // one with the fewest remaining (on a tie, the one that resets last).
    void chooseTightest();
    // Turns a peek (nothing counted) into the decision counting would have made: when admitted,
    // the request counts in every limit, as LocalCounters::decide() counts it.
    void countAsDecided();
};

} // namespace portico
