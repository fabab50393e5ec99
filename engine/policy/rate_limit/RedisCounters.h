#pragma once

#include "policy/rate_limit/RateQuery.h"
#include "policy/rate_limit/RedisEndpoint.h"
#include "policy/rate_limit/RedisScript.h"

#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

namespace portico {

class LocalCounters;
class QuotaCalendar;
class RedisLinks;

// What to do while Redis cannot be reached (settings.rate_limit_redis_down).
enum class RedisDownMode {
    Local,  // count in this instance: each instance then allows the full limit
    Open,   // let every request through uncounted
    Closed, // refuse every limited request with 503
};

// Rate-limit counters kept in Redis, shared by every gateway instance using it. Each decision
// is one Lua script run atomically in Redis (sliding windows as sorted sets of request times,
// quotas as counters named by their period), so instances never race each other. Workers send
// it on their own connection and pause the request until the answer.
class RedisCounters
{
public:
    using Done = std::function<void(const RateDecision &)>;

    RedisCounters(RedisEndpoint endpoint, int timeoutMs, RedisDownMode downMode,
                  std::shared_ptr<LocalCounters> fallback);

    // Sends the decision on this worker's link and returns nothing: `makeDone()` is then
    // called, and its callback runs on this thread with the answer. When Redis is
    // unreachable (or a `links`-less caller asks), decides at once by the down mode instead.
    std::optional<RateDecision> decide(const RateQuery &query, const QuotaCalendar &calendar,
                                       RedisLinks *links,
                                       const std::function<Done()> &makeDone);
    // How the limits stand, counting nothing; blocks for at most the timeout (Admin API).
    RateDecision peek(const RateQuery &query, const QuotaCalendar &calendar);

    const RedisEndpoint &endpoint() const { return m_endpoint; }
    int timeoutMs() const { return m_timeoutMs; }
    RedisDownMode downMode() const { return m_downMode; }

private:
    struct Call;
    Call callFor(const RateQuery &query, const QuotaCalendar &calendar, bool count);
    RateDecision whileDown(const RateQuery &query, const QuotaCalendar &calendar) const;

    RedisEndpoint m_endpoint;
    int m_timeoutMs;
    RedisDownMode m_downMode;
    std::shared_ptr<LocalCounters> m_fallback;
    quint64 m_generation;
    QByteArray m_instance; // makes each request's member in a sorted set unique
    std::atomic<quint64> m_sequence{0};
};

} // namespace portico
