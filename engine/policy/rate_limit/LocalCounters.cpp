#include "LocalCounters.h"

#include <QDateTime>

#include <chrono>

namespace portico {

namespace {

constexpr qint64 kSweepEveryUs = 10'000'000;

int slidingIndex(RateWindow window)
{
    return window == RateWindow::Second ? 0 : window == RateWindow::Minute ? 1 : 2;
}

qint64 ceilMs(qint64 us)
{
    return us <= 0 ? 0 : (us + 999) / 1000;
}

} // namespace

RateClock RateClock::now(bool withUtc)
{
    const auto mono = std::chrono::steady_clock::now().time_since_epoch();
    return {std::chrono::duration_cast<std::chrono::microseconds>(mono).count(),
            withUtc ? QDateTime::currentMSecsSinceEpoch() : 0};
}

LocalCounters::ScopeState &LocalCounters::SubjectState::scope(const QByteArray &name)
{
    for (ScopeState &s : scopes) {
        if (s.scope == name)
            return s;
    }
    scopes.emplace_back().scope = name;
    return scopes.back();
}

bool LocalCounters::ScopeState::isIdle(qint64 nowUs, qint64 utcMs)
{
    for (RateWindow w : {RateWindow::Second, RateWindow::Minute, RateWindow::Hour}) {
        if (logs[size_t(slidingIndex(w))].countSince(nowUs - slidingWindowUs(w)) > 0)
            return false;
    }
    for (const QuotaCounter &q : quotas) {
        if (q.changed || (q.used > 0 && utcMs < q.endMs))
            return false;
    }
    return true;
}

LocalCounters::Shard &LocalCounters::shardFor(const QByteArray &subject)
{
    return m_shards[BytesHash{}(subject) % kShards];
}

LocalCounters::QuotaCounter &LocalCounters::currentQuota(Shard &shard, const QByteArray &subject,
                                                         ScopeState &scope, RateWindow window,
                                                         const QuotaCalendar &calendar,
                                                         qint64 utcMs)
{
    QuotaCounter &counter = scope.quotas[window == RateWindow::Day ? 0 : 1];
    const QuotaPeriod &period = shard.periods.current(calendar, window, utcMs);
    if (counter.endMs != period.endMs) {
        // A new day or month: the old count starts over, once it is safe for the store.
        if (counter.changed)
            shard.endedUnsaved.push_back({subject, scope.scope, window, counter.period,
                                          counter.used});
        counter = {period.id, period.endMs, 0, false};
    }
    return counter;
}

RateDecision LocalCounters::evaluate(Shard &shard, SubjectState &state, const RateQuery &query,
                                     const QuotaCalendar &calendar, RateClock now, bool count)
{
    Q_ASSERT(query.size() <= kMaxLimitChecks);
    // Every scope first: creating one may move the others, so no pointer is taken before.
    query.forEachCheck([&](const LimitCheck &check) { state.scope(check.scope); });

    RateDecision decision;
    std::array<SlidingLog *, kMaxLimitChecks> logs{};
    std::array<QuotaCounter *, kMaxLimitChecks> quotas{};
    query.forEachCheck([&](const LimitCheck &check) {
        const int i = decision.count++;
        LimitOutcome &out = decision.outcomes[size_t(i)];
        out.check = &check;
        ScopeState &scope = state.scope(check.scope);
        if (isQuotaWindow(check.window)) {
            QuotaCounter &quota = currentQuota(shard, query.subject, scope, check.window,
                                               calendar, now.utcMs);
            quotas[size_t(i)] = &quota;
            out.used = quota.used;
            out.resetMs = quota.endMs - now.utcMs;
            if (quota.used >= check.limit)
                out.waitMs = std::max<qint64>(1, out.resetMs);
        } else {
            SlidingLog &log = scope.logs[size_t(slidingIndex(check.window))];
            logs[size_t(i)] = &log;
            const qint64 windowUs = slidingWindowUs(check.window);
            out.used = log.countSince(now.monotonicUs - windowUs);
            if (out.used > 0)
                out.resetMs = ceilMs(log.timeOfRequest(0) + windowUs - now.monotonicUs);
            if (out.used >= check.limit) {
                // Room for one more once all but limit - 1 of the counted have left.
                const qint64 leaving = log.timeOfRequest(out.used - check.limit);
                out.waitMs = std::max<qint64>(1, ceilMs(leaving + windowUs - now.monotonicUs));
            }
        }
        if (out.waitMs > 0)
            decision.admitted = false;
    });

    const bool counts = count && decision.admitted;
    for (int i = 0; i < decision.count; ++i) {
        LimitOutcome &out = decision.outcomes[size_t(i)];
        if (counts) {
            ++out.used;
            if (SlidingLog *log = logs[size_t(i)]) {
                log->push(now.monotonicUs, slidingWindowUs(out.check->window));
                if (out.used == 1)
                    out.resetMs = ceilMs(slidingWindowUs(out.check->window));
            } else {
                ++quotas[size_t(i)]->used;
                quotas[size_t(i)]->changed = true;
            }
        }
        out.remaining = std::max<qint64>(0, out.check->limit - out.used);
    }
    decision.chooseTightest();
    return decision;
}

RateDecision LocalCounters::decide(const RateQuery &query, const QuotaCalendar &calendar,
                                   RateClock now)
{
    Shard &shard = shardFor(query.subject);
    std::lock_guard lock(shard.mutex);
    if (now.monotonicUs - shard.lastSweepUs > kSweepEveryUs)
        sweep(shard, now);
    return evaluate(shard, shard.subjects[query.subject], query, calendar, now, true);
}

RateDecision LocalCounters::peek(const RateQuery &query, const QuotaCalendar &calendar,
                                 RateClock now)
{
    Shard &shard = shardFor(query.subject);
    std::lock_guard lock(shard.mutex);
    const auto found = shard.subjects.find(query.subject);
    if (found != shard.subjects.end())
        return evaluate(shard, found->second, query, calendar, now, false);
    SubjectState unseen;
    return evaluate(shard, unseen, query, calendar, now, false);
}

void LocalCounters::sweep(Shard &shard, RateClock now)
{
    shard.lastSweepUs = now.monotonicUs;
    for (auto it = shard.subjects.begin(); it != shard.subjects.end();) {
        std::erase_if(it->second.scopes,
                      [&](ScopeState &s) { return s.isIdle(now.monotonicUs, now.utcMs); });
        it = it->second.scopes.empty() ? shard.subjects.erase(it) : std::next(it);
    }
}

std::vector<QuotaCount> LocalCounters::takeChangedQuotas()
{
    std::vector<QuotaCount> changed;
    for (Shard &shard : m_shards) {
        std::lock_guard lock(shard.mutex);
        for (QuotaCount &ended : shard.endedUnsaved)
            changed.push_back(std::move(ended));
        shard.endedUnsaved.clear();
        for (auto &[subject, state] : shard.subjects) {
            for (ScopeState &scope : state.scopes) {
                for (size_t q = 0; q < scope.quotas.size(); ++q) {
                    QuotaCounter &counter = scope.quotas[q];
                    if (!counter.changed)
                        continue;
                    counter.changed = false;
                    changed.push_back({subject, scope.scope,
                                       q == 0 ? RateWindow::Day : RateWindow::Month,
                                       counter.period, counter.used});
                }
            }
        }
    }
    return changed;
}

void LocalCounters::loadQuotas(const std::vector<QuotaCount> &counts,
                               const QuotaCalendar &calendar, qint64 utcMs)
{
    for (const QuotaCount &count : counts) {
        if (!isQuotaWindow(count.window))
            continue;
        Shard &shard = shardFor(count.subject);
        std::lock_guard lock(shard.mutex);
        ScopeState &scope = shard.subjects[count.subject].scope(count.scope);
        QuotaCounter &counter = currentQuota(shard, count.subject, scope, count.window,
                                             calendar, utcMs);
        if (counter.period == count.period)
            counter.used += count.used;
    }
}

} // namespace portico
