#include "RateLimitPolicy.h"

#include "config/Config.h"
#include "config/Snapshot.h"
#include "http/StackText.h"
#include "policy/RequestContext.h"
#include "policy/auth/ConsumerDirectory.h"
#include "policy/rate_limit/LocalCounters.h"
#include "policy/rate_limit/RateLimiter.h"
#include "policy/rate_limit/RedisCounters.h"

namespace portico {

namespace {

qint64 retryAfterSeconds(const RateDecision &decision)
{
    return std::max<qint64>(1, (decision.retryAfterMs + 999) / 1000);
}

// "plan.minute 97/100 left", "route.second 10/10 used, retry in 1 s": what the inspector shows.
QByteArray describe(const RateDecision &decision)
{
    using Basis = RateDecision::Basis;
    if (decision.basis == Basis::StoreDownOpen)
        return QByteArrayLiteral("redis unreachable: passed uncounted");
    if (decision.basis == Basis::StoreDownClosed)
        return QByteArrayLiteral("redis unreachable: refused");
    if (decision.tightest < 0)
        return QByteArrayLiteral("no limit");
    const LimitOutcome &o = decision.outcomes[size_t(decision.tightest)];
    StackText<192> text;
    if (decision.admitted) {
        text << o.check->policyName << ' ' << o.remaining << '/' << o.check->limit << " left";
    } else {
        text << "refused: " << o.check->policyName << ' ' << o.used << '/' << o.check->limit
             << " used, retry in " << retryAfterSeconds(decision) << " s";
    }
    if (decision.basis == Basis::StoreDownLocal)
        text << " (redis unreachable: counted locally)";
    return text.toByteArray();
}

} // namespace

RateLimitPolicy::RateLimitPolicy(const LimitsConfig &routeLimits, const QByteArray &routeName,
                                 std::shared_ptr<const RateLimiter> limiter)
    : m_routeChecks(compileRouteChecks(routeLimits, routeName))
    , m_limiter(std::move(limiter))
{
}

RateQuery RateLimitPolicy::queryFor(const RequestContext &context) const
{
    RateQuery query;
    const CompiledConsumer *consumer = context.identity.consumer;
    query.subject = consumer ? consumer->rateSubject : addressRateSubject(context.clientIp);
    query.parts[0] = m_routeChecks;
    if (consumer)
        query.parts[1] = m_limiter->planChecks(consumer->plan);
    return query;
}

PolicyResult RateLimitPolicy::onRequest(RequestContext &context,
                                        const PolicyResumer &resume) const
{
    const RateQuery query = queryFor(context);
    if (query.size() == 0)
        return PolicyResult::proceed();
    if (context.dryRun) { // counts nothing: how the counters stand, with this request in them
        RateDecision decision = m_limiter->peek(query);
        decision.countAsDecided();
        return finish(context, query, decision);
    }
    RedisCounters *redis = m_limiter->redis();
    if (!redis)
        return finish(context, query,
                      m_limiter->local().decide(query, m_limiter->calendar(),
                                                RateClock::now(query.hasQuota())));

    // The snapshot holds the checks the decision points to: keep it until the answer.
    const auto later = [&] {
        return [this, context = &context, query, snapshot = context.snapshot,
                alive = context.alive, resume = resume.make()](const RateDecision &decision) {
            if (!alive.expired())
                resume(finish(*context, query, decision));
        };
    };
    if (std::optional<RateDecision> now =
            redis->decide(query, m_limiter->calendar(), context.redisLinks, later))
        return finish(context, query, *now);
    return PolicyResult::pause();
}

PolicyResult RateLimitPolicy::finish(RequestContext &context, const RateQuery &query,
                                     const RateDecision &decision) const
{
    if (context.recordsDecisions)
        context.record(QByteArrayLiteral("rate limit"), describe(decision));
    const RateLimitHeaderStyle style = m_limiter->headerStyle();
    if (decision.admitted) {
        if (style.any())
            addRateLimitHeaders(context.responseHeaders, query, decision, style);
        return PolicyResult::proceed();
    }
    if (decision.basis == RateDecision::Basis::StoreDownClosed) {
        LocalReply reply{503, "rate limit store unavailable", {}};
        reply.headers.add(QByteArrayLiteral("Retry-After"), QByteArrayLiteral("1"));
        return PolicyResult::stop(std::move(reply));
    }
    LocalReply reply{429, "rate limit exceeded", {}};
    StackText<24> retryAfter;
    reply.headers.add(QByteArrayLiteral("Retry-After"),
                      (retryAfter << retryAfterSeconds(decision)).toByteArray());
    addRateLimitHeaders(reply.headers.fields(), query, decision, style);
    return PolicyResult::stop(std::move(reply));
}

} // namespace portico
