#pragma once

#include "http/BytesHash.h"
#include "policy/rate_limit/QuotaCalendar.h"
#include "policy/rate_limit/RateQuery.h"
#include "policy/rate_limit/SlidingLog.h"

#include <QByteArray>

#include <array>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace portico {

// "Now" for a decision: the monotonic clock for the sliding windows (immune to the wall clock
// being set), UTC for the calendar quotas.
struct RateClock
{
    qint64 monotonicUs = 0;
    qint64 utcMs = 0; // read only when a quota is checked (it costs a clock read of its own)
    static RateClock now(bool withUtc = true);
};

// A day or month count, as the store keeps it.
struct QuotaCount
{
    QByteArray subject;
    QByteArray scope;
    RateWindow window = RateWindow::Day;
    QByteArray period;
    qint64 used = 0;
};

// The rate-limit counters of this process, exact across worker threads. Subjects are spread
// over shards, each with its own short lock, so workers deciding for different clients do
// not wait for each other and no lock is shared by every request.
class LocalCounters
{
public:
    LocalCounters() = default;
    LocalCounters(const LocalCounters &) = delete;
    LocalCounters &operator=(const LocalCounters &) = delete;

    // Decides whether the request has room in every limit and, when it has, counts it in all
    // of them; all in one step under the subject's shard lock.
    RateDecision decide(const RateQuery &query, const QuotaCalendar &calendar, RateClock now);
    // How the limits stand, counting nothing (the Admin API's usage).
    RateDecision peek(const RateQuery &query, const QuotaCalendar &calendar, RateClock now);

    // Day and month counts changed since the last call, to be written to the store.
    std::vector<QuotaCount> takeChangedQuotas();
    // Counts read back from the store at start, added to what was counted meanwhile.
    void loadQuotas(const std::vector<QuotaCount> &counts, const QuotaCalendar &calendar,
                    qint64 utcMs);

private:
    struct QuotaCounter
    {
        QByteArray period;
        qint64 endMs = 0;
        qint64 used = 0;
        bool changed = false;
    };
    struct ScopeState
    {
        QByteArray scope;
        std::array<SlidingLog, 3> logs; // second, minute, hour
        std::array<QuotaCounter, 2> quotas; // day, month
        bool isIdle(qint64 nowUs, qint64 utcMs);
    };
    struct SubjectState
    {
        std::vector<ScopeState> scopes;
        ScopeState &scope(const QByteArray &name);
    };
    struct alignas(64) Shard
    {
        std::mutex mutex;
        std::unordered_map<QByteArray, SubjectState, BytesHash> subjects;
        QuotaPeriodCache periods;
        std::vector<QuotaCount> endedUnsaved; // counts of periods that ended before a flush
        qint64 lastSweepUs = 0;
    };
    static constexpr int kShards = 64;

    Shard &shardFor(const QByteArray &subject);
    RateDecision evaluate(Shard &shard, SubjectState &state, const RateQuery &query,
                          const QuotaCalendar &calendar, RateClock now, bool count);
    QuotaCounter &currentQuota(Shard &shard, const QByteArray &subject, ScopeState &scope,
                               RateWindow window, const QuotaCalendar &calendar, qint64 utcMs);
    void sweep(Shard &shard, RateClock now);

    std::array<Shard, kShards> m_shards;
};

} // namespace portico
