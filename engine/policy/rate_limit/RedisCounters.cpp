#include "RedisCounters.h"

#include "policy/rate_limit/LocalCounters.h"
#include "policy/rate_limit/QuotaCalendar.h"
#include "policy/rate_limit/RedisLink.h"
#include "policy/rate_limit/RedisLinks.h"
#include "policy/rate_limit/RedisSyncClient.h"

#include <QRandomGenerator>

namespace portico {

namespace {

// The same rules as LocalCounters, in Redis, for every limit of a request at once. Times are
// Redis's own clock (microseconds), so instances with drifting clocks still agree.
//   KEYS[i]  a sorted set of request times (sliding window) or a counter (quota period)
//   ARGV     count (1/0), member, then per key: kind (s/q), window us or period end (UTC ms),
//            limit, and for quotas the caller's UTC ms
// Returns {admitted, used1, reset1, wait1, used2, ...}, resets and waits in microseconds.
constexpr char kDecideScript[] = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local count = ARGV[1] == '1'
local member = ARGV[2]
local out = {1}
for i = 1, #KEYS do
  local kind, span = ARGV[3 + (i - 1) * 4], tonumber(ARGV[4 + (i - 1) * 4])
  local limit, utcMs = tonumber(ARGV[5 + (i - 1) * 4]), tonumber(ARGV[6 + (i - 1) * 4])
  local key, used, reset, wait = KEYS[i], 0, 0, 0
  if kind == 's' then
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - span)
    used = redis.call('ZCARD', key)
    if used > 0 then
      reset = tonumber(redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2]) + span - now
    end
    if used >= limit then
      local at = used - limit
      wait = tonumber(redis.call('ZRANGE', key, at, at, 'WITHSCORES')[2]) + span - now
      wait = math.max(1, wait)
    end
  else
    used = tonumber(redis.call('GET', key) or '0')
    reset = (span - utcMs) * 1000
    if used >= limit then wait = math.max(1, reset) end
  end
  if wait > 0 then out[1] = 0 end
  out[2 + (i - 1) * 3], out[3 + (i - 1) * 3], out[4 + (i - 1) * 3] = used, reset, wait
end
if count and out[1] == 1 then
  for i = 1, #KEYS do
    local kind, span = ARGV[3 + (i - 1) * 4], tonumber(ARGV[4 + (i - 1) * 4])
    if kind == 's' then
      redis.call('ZADD', KEYS[i], now, member)
      redis.call('PEXPIRE', KEYS[i], math.floor(span / 1000) + 1000)
      if out[2 + (i - 1) * 3] == 0 then out[3 + (i - 1) * 3] = span end
    else
      redis.call('INCR', KEYS[i])
      redis.call('PEXPIREAT', KEYS[i], span + 86400000)
    end
    out[2 + (i - 1) * 3] = out[2 + (i - 1) * 3] + 1
  end
end
return out
)lua";

const RedisScript &decideScript()
{
    static const RedisScript script{QByteArray(kDecideScript)};
    return script;
}

std::atomic<quint64> g_generations{0};

qint64 ceilMs(qint64 us)
{
    return us <= 0 ? 0 : (us + 999) / 1000;
}

} // namespace

struct RedisCounters::Call
{
    std::vector<QByteArray> keys;
    std::vector<QByteArray> args;
};

RedisCounters::RedisCounters(RedisEndpoint endpoint, int timeoutMs, RedisDownMode downMode,
                             std::shared_ptr<LocalCounters> fallback)
    : m_endpoint(std::move(endpoint))
    , m_timeoutMs(timeoutMs)
    , m_downMode(downMode)
    , m_fallback(std::move(fallback))
    , m_generation(++g_generations)
    , m_instance(QByteArray::number(QRandomGenerator::global()->generate64(), 36))
{
}

RedisCounters::Call RedisCounters::callFor(const RateQuery &query, const QuotaCalendar &calendar,
                                           bool count)
{
    Call call;
    call.keys.reserve(size_t(query.size()));
    call.args.reserve(size_t(2 + 4 * query.size()));
    call.args.push_back(count ? QByteArrayLiteral("1") : QByteArrayLiteral("0"));
    call.args.push_back(m_instance + ':' + QByteArray::number(++m_sequence));
    const qint64 utcMs = RateClock::now().utcMs;
    // This worker's current day and month: a period is computed again only when it has ended.
    thread_local QuotaPeriodCache periods;
    // One hash tag per subject: a cluster keeps all of a request's keys in one slot.
    const QByteArray prefix = "{" + query.subject + "}:";
    query.forEachCheck([&](const LimitCheck &check) {
        const QByteArray window = rateWindowName(check.window);
        if (isQuotaWindow(check.window)) {
            const QuotaPeriod &period = periods.current(calendar, check.window, utcMs);
            call.keys.push_back("portico:q:" + prefix + check.scope + ':' + window + ':'
                                + period.id);
            call.args.push_back(QByteArrayLiteral("q"));
            call.args.push_back(QByteArray::number(period.endMs));
        } else {
            call.keys.push_back("portico:rl:" + prefix + check.scope + ':' + window);
            call.args.push_back(QByteArrayLiteral("s"));
            call.args.push_back(QByteArray::number(slidingWindowUs(check.window)));
        }
        call.args.push_back(QByteArray::number(check.limit));
        call.args.push_back(QByteArray::number(utcMs));
    });
    return call;
}

namespace {

// The script's answer as a decision; nullopt when it is not the expected shape.
std::optional<RateDecision> decisionFrom(const RedisReply &reply, const RateQuery &query)
{
    const std::vector<RedisValue> &values = reply.value.elements;
    if (!reply.ok || reply.value.type != RedisValue::Type::Array
        || qsizetype(values.size()) != 1 + 3 * query.size())
        return std::nullopt;
    RateDecision decision;
    decision.admitted = values[0].integer == 1;
    query.forEachCheck([&](const LimitCheck &check) {
        const int i = decision.count++;
        LimitOutcome &out = decision.outcomes[size_t(i)];
        out.check = &check;
        out.used = values[size_t(1 + 3 * i)].integer;
        out.resetMs = ceilMs(values[size_t(2 + 3 * i)].integer);
        out.waitMs = ceilMs(values[size_t(3 + 3 * i)].integer);
        out.remaining = std::max<qint64>(0, check.limit - out.used);
    });
    decision.chooseTightest();
    return decision;
}

} // namespace

RateDecision RedisCounters::whileDown(const RateQuery &query, const QuotaCalendar &calendar) const
{
    RateDecision decision;
    switch (m_downMode) {
    case RedisDownMode::Local:
        decision = m_fallback->decide(query, calendar, RateClock::now());
        decision.basis = RateDecision::Basis::StoreDownLocal;
        break;
    case RedisDownMode::Open: decision.basis = RateDecision::Basis::StoreDownOpen; break;
    case RedisDownMode::Closed:
        decision.basis = RateDecision::Basis::StoreDownClosed;
        decision.admitted = false;
        decision.retryAfterMs = 1000;
        break;
    }
    return decision;
}

std::optional<RateDecision> RedisCounters::decide(const RateQuery &query,
                                                  const QuotaCalendar &calendar,
                                                  RedisLinks *links,
                                                  const std::function<Done()> &makeDone)
{
    RedisLink *link = links ? &links->linkFor(m_generation, m_endpoint, m_timeoutMs) : nullptr;
    if (!link || link->isDown())
        return whileDown(query, calendar);
    Call call = callFor(query, calendar, true);
    // The query's checks outlive the call: the caller's callback keeps their snapshot.
    link->evalScript(decideScript(), call.keys, call.args,
                     [this, query, &calendar, done = makeDone()](const RedisReply &reply) {
                         if (std::optional<RateDecision> decision = decisionFrom(reply, query))
                             done(*decision);
                         else
                             done(whileDown(query, calendar));
                     });
    return std::nullopt;
}

RateDecision RedisCounters::peek(const RateQuery &query, const QuotaCalendar &calendar)
{
    const Call call = callFor(query, calendar, false);
    const RedisReply reply =
        RedisSyncClient::evalScript(m_endpoint, decideScript(), call.keys, call.args, m_timeoutMs);
    if (std::optional<RateDecision> decision = decisionFrom(reply, query))
        return *decision;
    RateDecision unknown;
    unknown.basis = RateDecision::Basis::StoreDownOpen;
    return unknown;
}

} // namespace portico
