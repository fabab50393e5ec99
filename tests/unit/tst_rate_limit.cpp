// The rate-limit counters without sockets, on a clock the test sets: sliding windows exact at
// every instant (never more than the limit in any window, never a refusal with room left),
// several limits deciding together, calendar quotas in a time zone, lowered limits, threads
// racing on one key, and the RateLimit fields an answer carries.

#include "config/Config.h"
#include "policy/rate_limit/LocalCounters.h"
#include "policy/rate_limit/RateLimitHeaders.h"
#include "policy/RequestContext.h"
#include "policy/rate_limit/RateLimitPolicy.h"
#include "policy/rate_limit/RateLimiter.h"

#include <QRandomGenerator>
#include <QTest>

#include <atomic>
#include <deque>
#include <thread>

using namespace portico;

namespace {

constexpr qint64 kSecondUs = 1'000'000;
// 2026-11-28T12:00:00Z
constexpr qint64 kNoonUtcMs = 1'795'867'200'000;

std::vector<LimitCheck> checks(const QByteArray &scope, LimitsConfig limits)
{
    return compileLimitChecks(limits, scope, scope.startsWith("route") ? "route" : "plan");
}

RateQuery query(const QByteArray &subject, const std::vector<LimitCheck> &first,
                const std::vector<LimitCheck> &second = {})
{
    RateQuery q;
    q.subject = subject;
    q.parts[0] = first;
    q.parts[1] = second;
    return q;
}

RateClock at(qint64 us, qint64 utcMs = kNoonUtcMs)
{
    return {us, utcMs};
}

// Local counters never pause, so nothing resumes.
struct NoResume final : PolicyResumer
{
    Resume make() const override { return {}; }
};

} // namespace

class TestRateLimit : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void slidingWindowRefusesAtTheLimitAndSaysWhen()
    {
        LocalCounters counters;
        QuotaCalendar calendar;
        const auto limit = checks("route:r", {.second = 5});
        const RateQuery q = query("ip:1", limit);
        for (int i = 0; i < 5; ++i) {
            const RateDecision d = counters.decide(q, calendar, at(10 * kSecondUs + i * 1000));
            QVERIFY(d.admitted);
            QCOMPARE(d.outcomes[0].remaining, 4 - i);
        }
        // The sixth within the second: refused until the first one (at 10 s) leaves.
        RateDecision refused = counters.decide(q, calendar, at(10 * kSecondUs + 500'000));
        QVERIFY(!refused.admitted);
        QCOMPARE(refused.outcomes[0].remaining, 0);
        QCOMPARE(refused.retryAfterMs, 500);
        refused = counters.decide(q, calendar, at(11 * kSecondUs - 1));
        QVERIFY(!refused.admitted);
        QCOMPARE(refused.retryAfterMs, 1); // rounded up, never 0
        const RateDecision again = counters.decide(q, calendar, at(11 * kSecondUs));
        QVERIFY(again.admitted);
        QCOMPARE(again.outcomes[0].remaining, 0);
        // A refused request counts nothing: the next slot frees when the second one leaves.
        QVERIFY(!counters.decide(q, calendar, at(11 * kSecondUs + 500)).admitted);
        QVERIFY(counters.decide(q, calendar, at(11 * kSecondUs + 1000)).admitted);
    }

    // Against a plain model (every admitted time kept), for random traffic: the counters admit
    // exactly when fewer than the limit passed in the window ending now.
    void slidingWindowMatchesTheDefinitionExactly()
    {
        LocalCounters counters;
        QuotaCalendar calendar;
        const qint64 limit = 7;
        const auto c = checks("route:r", {.second = limit});
        const RateQuery q = query("consumer:a", c);
        std::deque<qint64> admitted;
        QRandomGenerator random(42);
        qint64 now = 0;
        int passed = 0;
        for (int i = 0; i < 20'000; ++i) {
            now += random.bounded(300'000); // bursts and pauses, up to 0.3 s apart
            while (!admitted.empty() && admitted.front() <= now - kSecondUs)
                admitted.pop_front();
            const bool room = qint64(admitted.size()) < limit;
            const RateDecision d = counters.decide(q, calendar, at(now));
            QCOMPARE(d.admitted, room);
            if (room) {
                admitted.push_back(now);
                ++passed;
            } else {
                // Retry-After is exactly when the model has room again.
                const qint64 freeAt = admitted[size_t(qint64(admitted.size()) - limit)] + kSecondUs;
                QCOMPARE(d.retryAfterMs, std::max<qint64>(1, (freeAt - now + 999) / 1000));
            }
        }
        QVERIFY(passed > 1000);
    }

    // A limit far above 65,536 used fully: memory stays bounded, and a request is never counted
    // as leaving the window before it really does.
    void aHighLimitKeepsItsMemoryBounded()
    {
        SlidingLog log;
        constexpr qint64 kRequests = 500'000;
        for (qint64 t = 0; t < kRequests; ++t) // one a microsecond, within one second
            log.push(t, kSecondUs);
        QCOMPARE(log.countSince(-1), kRequests);
        QVERIFY2(log.entries() <= 2 * SlidingLog::kExactEntries,
                 qPrintable(QString::number(log.entries())));
        for (qint64 n : {qint64(0), qint64(65'535), qint64(65'536), qint64(100'000),
                         qint64(333'333), kRequests - 1}) {
            const qint64 time = log.timeOfRequest(n);
            QVERIFY(time >= n);                               // never early
            QVERIFY(time - n < kSecondUs / SlidingLog::kExactEntries); // late by under 1/65,536
        }
        // The exact part expires request by request; the rest by merged entries.
        QCOMPARE(log.countSince(1'000 - 1), kRequests - 1'000);
        QCOMPARE(log.countSince(kRequests), 0);
        QCOMPARE(log.entries(), 0);
    }

    void theTightestLimitDecidesAndARefusalCountsNowhere()
    {
        LocalCounters counters;
        QuotaCalendar calendar;
        const auto route = checks("route:r", {.second = 10});
        const auto plan = checks("plan", {.minute = 3, .day = 100});
        const RateQuery q = query("consumer:a", route, plan);
        for (int i = 0; i < 3; ++i) {
            const RateDecision d = counters.decide(q, calendar, at(i));
            QVERIFY(d.admitted);
            QCOMPARE(d.count, 3);
            // The minute limit is the tightest.
            QCOMPARE(d.outcomes[size_t(d.tightest)].check->policyName, QByteArray("plan.minute"));
            QCOMPARE(d.outcomes[size_t(d.tightest)].remaining, 2 - i);
        }
        const RateDecision refused = counters.decide(q, calendar, at(10));
        QVERIFY(!refused.admitted);
        QCOMPARE(refused.outcomes[size_t(refused.tightest)].check->policyName,
                 QByteArray("plan.minute"));
        QVERIFY(refused.retryAfterMs > 59'000 && refused.retryAfterMs <= 60'000);
        // Neither the second limit nor the day quota counted the refused request.
        const RateDecision peek = counters.peek(q, calendar, at(20));
        QCOMPARE(peek.outcomes[0].used, 3); // route.second (still within the second)
        QCOMPARE(peek.outcomes[2].used, 3); // plan.day
        // Another subject has its own counters.
        QVERIFY(counters.decide(query("consumer:b", route, plan), calendar, at(30)).admitted);
    }

    void peekCountsNothing()
    {
        LocalCounters counters;
        QuotaCalendar calendar;
        const auto c = checks("plan", {.second = 2});
        const RateQuery q = query("consumer:a", c);
        for (int i = 0; i < 5; ++i) {
            const RateDecision d = counters.peek(q, calendar, at(i));
            QVERIFY(d.admitted);
            QCOMPARE(d.outcomes[0].used, 0);
            QCOMPARE(d.outcomes[0].remaining, 2);
        }
        QVERIFY(counters.decide(q, calendar, at(10)).admitted);
        QCOMPARE(counters.peek(q, calendar, at(11)).outcomes[0].used, 1);
    }

    void aLoweredLimitLeavesNoMoreThanTheNewLimit()
    {
        LocalCounters counters;
        QuotaCalendar calendar;
        const auto original = checks("plan", {.minute = 10, .day = 10});
        const RateQuery before = query("consumer:a", original);
        for (int i = 0; i < 8; ++i)
            QVERIFY(counters.decide(before, calendar, at(i * 1000)).admitted);
        const auto lowered = checks("plan", {.minute = 5, .day = 5});
        const RateQuery after = query("consumer:a", lowered);
        const RateDecision d = counters.decide(after, calendar, at(10'000));
        QVERIFY(!d.admitted);
        for (int i = 0; i < d.count; ++i) {
            QCOMPARE(d.outcomes[size_t(i)].remaining, 0);
            QCOMPARE(d.outcomes[size_t(i)].used, 8);
        }
        // The minute frees room only once 4 of the 8 have left: the 4th was at 3 ms.
        QCOMPARE(d.outcomes[0].waitMs, 60'000 + 3 - 10);
        // Raised again, the room is the new limit minus what is counted.
        const auto higher = checks("plan", {.minute = 20});
        const RateQuery raised = query("consumer:a", higher);
        QCOMPARE(counters.peek(raised, calendar, at(11'000)).outcomes[0].remaining, 12);
    }

    void dayQuotaResetsAtMidnightInTheConfiguredZone()
    {
        LocalCounters counters;
        const QuotaCalendar tokyo(QTimeZone("Asia/Tokyo"));
        const auto c = checks("plan", {.day = 2});
        const RateQuery q = query("consumer:a", c);
        // 2026-11-28 14:59:59Z is 23:59:59 in Tokyo: the day ends a second later.
        const qint64 beforeMidnight = 1'795'877'999'000;
        QVERIFY(counters.decide(q, tokyo, at(0, beforeMidnight - 5000)).admitted);
        const RateDecision second = counters.decide(q, tokyo, at(0, beforeMidnight));
        QVERIFY(second.admitted);
        QCOMPARE(second.outcomes[0].resetMs, 1000);
        const RateDecision refused = counters.decide(q, tokyo, at(0, beforeMidnight + 500));
        QVERIFY(!refused.admitted);
        QCOMPARE(refused.retryAfterMs, 500);
        QVERIFY(counters.decide(q, tokyo, at(0, beforeMidnight + 1000)).admitted);
    }

    void quotaPeriodsFollowTheCalendar()
    {
        const QuotaCalendar utc;
        const QuotaPeriod day = utc.periodAt(RateWindow::Day, kNoonUtcMs);
        QCOMPARE(day.id, QByteArray("2026-11-28"));
        QCOMPARE(day.endMs - day.startMs, 86'400'000);
        const QuotaPeriod month = utc.periodAt(RateWindow::Month, kNoonUtcMs);
        QCOMPARE(month.id, QByteArray("2026-11"));
        QCOMPARE(month.endMs - month.startMs, 30 * 86'400'000LL);
        // A day with a daylight-saving change is 23 hours long there.
        const QuotaCalendar berlin(QTimeZone("Europe/Berlin"));
        const qint64 march29 = 1'774'785'600'000; // 2026-03-29T12:00:00Z
        const QuotaPeriod shortDay = berlin.periodAt(RateWindow::Day, march29);
        QCOMPARE(shortDay.id, QByteArray("2026-03-29"));
        QCOMPARE(shortDay.endMs - shortDay.startMs, 23 * 3'600'000LL);
    }

    void changedQuotasAreTakenOnceAndLoadBack()
    {
        LocalCounters counters;
        QuotaCalendar calendar;
        const auto c = checks("plan", {.day = 100, .month = 1000});
        const RateQuery q = query("consumer:a", c);
        for (int i = 0; i < 3; ++i)
            counters.decide(q, calendar, at(i));
        std::vector<QuotaCount> taken = counters.takeChangedQuotas();
        QCOMPARE(taken.size(), size_t(2));
        for (const QuotaCount &count : taken) {
            QCOMPARE(count.used, 3);
            QCOMPARE(count.period, count.window == RateWindow::Day ? QByteArray("2026-11-28")
                                                                   : QByteArray("2026-11"));
        }
        QVERIFY(counters.takeChangedQuotas().empty());

        // A restarted process: what was counted before its load is added to the stored count.
        LocalCounters restarted;
        restarted.decide(q, calendar, at(0));
        restarted.loadQuotas(taken, calendar, kNoonUtcMs);
        const RateDecision d = restarted.peek(q, calendar, at(1));
        QCOMPARE(d.outcomes[0].used, 4);
        QCOMPARE(d.outcomes[1].used, 4);
        // Counts of another day are not loaded into today.
        LocalCounters nextDay;
        nextDay.loadQuotas(taken, calendar, kNoonUtcMs + 86'400'000);
        QCOMPARE(nextDay.peek(q, calendar, at(0, kNoonUtcMs + 86'400'000)).outcomes[0].used, 0);
    }

    void aDayThatEndsBeforeTheFlushIsStillSaved()
    {
        LocalCounters counters;
        QuotaCalendar calendar;
        const auto c = checks("plan", {.day = 100});
        const RateQuery q = query("consumer:a", c);
        counters.decide(q, calendar, at(0));
        counters.decide(q, calendar, at(1, kNoonUtcMs + 86'400'000)); // the next day
        const std::vector<QuotaCount> taken = counters.takeChangedQuotas();
        QCOMPARE(taken.size(), size_t(2));
        QCOMPARE(taken[0].period, QByteArray("2026-11-28"));
        QCOMPARE(taken[1].period, QByteArray("2026-11-29"));
    }

    // Threads racing on one subject with the clock stopped: exactly the limit passes.
    void threadsNeverPassMoreThanTheLimit()
    {
        for (const int threads : {2, 4, 8}) {
            LocalCounters counters;
            QuotaCalendar calendar;
            const auto c = checks("plan", {.second = 1000, .day = 5000});
            const RateQuery q = query("consumer:a", c);
            std::atomic<int> admitted{0};
            std::vector<std::thread> pool;
            for (int t = 0; t < threads; ++t) {
                pool.emplace_back([&] {
                    for (int i = 0; i < 2000; ++i) {
                        if (counters.decide(q, calendar, at(5 * kSecondUs)).admitted)
                            ++admitted;
                    }
                });
            }
            for (std::thread &t : pool)
                t.join();
            QCOMPARE(admitted.load(), 1000);
        }
    }

    // What the inspector shows: each request's decision and what remains.
    void thePolicyRecordsItsDecision()
    {
        Config config;
        config.settings.rateLimitHeaders = QStringLiteral("legacy");
        RouteConfig route;
        route.name = QStringLiteral("r");
        route.rateLimit.second = 2;
        auto limiter = std::make_shared<const RateLimiter>(
            config, std::make_shared<LocalCounters>(), nullptr);
        const RateLimitPolicy policy(route.rateLimit, route.name.toUtf8(), limiter);
        QList<QByteArray> decisions;
        InlineHeaderFields lastHeaders;
        PolicyResult last;
        for (int i = 0; i < 3; ++i) {
            RequestContext context;
            context.clientIp = "192.0.2.7";
            last = policy.onRequest(context, NoResume());
            QCOMPARE(context.decisions.size(), 1);
            QCOMPARE(context.decisions[0].first, QByteArray("rate limit"));
            decisions.append(context.decisions[0].second);
            lastHeaders = context.responseHeaders;
            if (i == 1) {
                QCOMPARE(lastHeaders.size(), 3);
                QCOMPARE(lastHeaders[1], (HeaderMap::Field("X-RateLimit-Remaining", "0")));
            }
        }
        QCOMPARE(decisions[0], QByteArray("route.second 1/2 left"));
        QCOMPARE(decisions[1], QByteArray("route.second 0/2 left"));
        QCOMPARE(decisions[2], QByteArray("refused: route.second 2/2 used, retry in 1 s"));
        QCOMPARE(last.status, PolicyResult::Status::Stop);
        QCOMPARE(last.reply.status, 429);
        QCOMPARE(last.reply.headers.value("Retry-After"), QByteArray("1"));
        QCOMPARE(last.reply.headers.value("X-RateLimit-Limit"), QByteArray("2"));
        QVERIFY(lastHeaders.isEmpty()); // a refusal's fields go on the 429, not the context
    }

    void headersDescribeTheTightestLimit()
    {
        LocalCounters counters;
        QuotaCalendar calendar;
        const auto route = checks("route:r", {.second = 10});
        const auto plan = checks("plan", {.minute = 100, .day = 1000});
        const RateQuery q = query("consumer:a", route, plan);
        for (int i = 0; i < 9; ++i)
            counters.decide(q, calendar, at(i));
        const RateDecision d = counters.decide(q, calendar, at(10));
        HeaderMap both;
        addRateLimitHeaders(both.fields(), q, d, RateLimitHeaderStyle::fromSetting("both"));
        QCOMPARE(both.value("RateLimit-Policy"),
                 QByteArray(R"("route.second";q=10;w=1, "plan.minute";q=100;w=60, )"
                            R"("plan.day";q=1000;w=86400)"));
        QCOMPARE(both.value("RateLimit"), QByteArray(R"("route.second";r=0;t=1)"));
        QCOMPARE(both.value("X-RateLimit-Limit"), QByteArray("10"));
        QCOMPARE(both.value("X-RateLimit-Remaining"), QByteArray("0"));
        QCOMPARE(both.value("X-RateLimit-Reset"), QByteArray("1"));

        HeaderMap ietf;
        addRateLimitHeaders(ietf.fields(), q, d, RateLimitHeaderStyle::fromSetting("ietf"));
        QVERIFY(ietf.contains("RateLimit") && !ietf.contains("X-RateLimit-Limit"));
        HeaderMap legacy;
        addRateLimitHeaders(legacy.fields(), q, d, RateLimitHeaderStyle::fromSetting("legacy"));
        QVERIFY(!legacy.contains("RateLimit") && legacy.contains("X-RateLimit-Remaining"));
        QVERIFY(!RateLimitHeaderStyle::fromSetting("none").any());
    }
};

QTEST_GUILESS_MAIN(TestRateLimit)
#include "tst_rate_limit.moc"
