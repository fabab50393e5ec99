#include "observe/TrafficAggregator.h"

#include <QTest>

using namespace portico;

namespace {

RouteDelta routeDelta(const QString &name, quint64 requests, quint64 serverErrors,
                      qint64 micros = 1000)
{
    RouteDelta d;
    d.route = name;
    d.requests = requests;
    d.serverErrors = serverErrors;
    for (quint64 i = 0; i < requests; ++i)
        d.latency.record(micros);
    return d;
}

TrafficDelta delta(std::vector<RouteDelta> routes, std::vector<ConsumerDelta> consumers = {})
{
    TrafficDelta d;
    for (const RouteDelta &route : routes)
        d.latency.merge(route.latency);
    d.routes = std::move(routes);
    d.consumers = std::move(consumers);
    return d;
}

// `answers` answered by one target after `micros` each (new connections: `connects`, 200 µs).
TrafficDelta targetDelta(const QString &url, quint64 answers, qint64 micros, quint64 errors = 0,
                         quint64 connects = 0)
{
    TargetDelta t;
    t.service = QStringLiteral("svc");
    t.url = url;
    t.requests = answers;
    t.errors = errors;
    for (quint64 i = 0; i < answers; ++i)
        t.firstByte.record(micros);
    for (quint64 i = 0; i < connects; ++i)
        t.connect.record(200);
    TrafficDelta d;
    d.targets.push_back(std::move(t));
    return d;
}

bool near(double value, double expected)
{
    return qAbs(value - expected) <= expected / 32;
}

TrafficSample finish(TrafficAggregator &aggregator, qint64 ms, quint64 requests)
{
    TrafficSample s;
    s.msecsSinceEpoch = ms;
    s.requests = requests;
    aggregator.finish(s);
    return s;
}

} // namespace

class TestTrafficAggregator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyListsNothing();
    void sumsWorkersByName();
    void busiestFirstThenByName();
    void ratesOverAboutASecond();
    void latencyIsPerInterval();
    void resetStartsOver();
    void targetsSumByServiceAndUrl();
    void targetLatencyPoolsThinIntervals();
    void keepsTotalsForMetrics();
};

void TestTrafficAggregator::emptyListsNothing()
{
    TrafficAggregator aggregator;
    const TrafficSample s = finish(aggregator, 1000, 0);
    QVERIFY(s.routes.empty());
    QVERIFY(s.consumers.empty());
    QCOMPARE(s.latency.count, quint64(0));
    QCOMPARE(s.requestsPerSecond, 0.0);
}

void TestTrafficAggregator::sumsWorkersByName()
{
    TrafficAggregator aggregator;
    aggregator.add(delta({routeDelta("a", 3, 1)}, {{"app", 2, 1}}));
    aggregator.add(delta({routeDelta("a", 2, 0), routeDelta("b", 1, 1)}, {{"app", 3, 0}}));
    TrafficSample s = finish(aggregator, 1000, 6);
    QCOMPARE(s.routes.size(), size_t(2));
    QCOMPARE(s.routes[0].route, QStringLiteral("a"));
    QCOMPARE(s.routes[0].requests, quint64(5));
    QCOMPARE(s.routes[0].serverErrors, quint64(1));
    QCOMPARE(s.routes[0].latency.count, quint64(5));
    QCOMPARE(s.routes[1].serverErrors, quint64(1));
    QCOMPARE(s.consumers.size(), size_t(1));
    QCOMPARE(s.consumers[0].consumer, QStringLiteral("app"));
    QCOMPARE(s.consumers[0].requests, quint64(5));
    QCOMPARE(s.consumers[0].rateLimited, quint64(1));
    QCOMPARE(s.latency.count, quint64(6));

    // Totals carry over; a later delta adds to them.
    aggregator.add(delta({routeDelta("a", 1, 0)}));
    s = finish(aggregator, 1250, 7);
    QCOMPARE(s.routes[0].requests, quint64(6));
    QCOMPARE(s.consumers[0].requests, quint64(5));
}

void TestTrafficAggregator::busiestFirstThenByName()
{
    TrafficAggregator aggregator;
    aggregator.add(delta({routeDelta("c", 1, 0), routeDelta("b", 2, 0), routeDelta("a", 2, 0)},
                         {{"x", 1, 0}, {"y", 4, 0}}));
    TrafficSample s = finish(aggregator, 1000, 5);
    QCOMPARE(s.routes[0].route, QStringLiteral("a"));
    QCOMPARE(s.routes[1].route, QStringLiteral("b"));
    QCOMPARE(s.routes[2].route, QStringLiteral("c"));
    QCOMPARE(s.consumers[0].consumer, QStringLiteral("y"));
    // c overtakes both.
    aggregator.add(delta({routeDelta("c", 5, 0)}));
    s = finish(aggregator, 1250, 10);
    QCOMPARE(s.routes[0].route, QStringLiteral("c"));
    QCOMPARE(s.routes[1].route, QStringLiteral("a"));
}

// 10 requests per 250 ms sample, 2 of them 5xx: 40/s and 20 % once a second is covered; the
// rates then follow what the last second brought.
void TestTrafficAggregator::ratesOverAboutASecond()
{
    TrafficAggregator aggregator;
    quint64 total = 0;
    TrafficSample s;
    for (int i = 0; i < 10; ++i) {
        aggregator.add(delta({routeDelta("a", 10, 2)}, {{"app", 10, 0}}));
        total += 10;
        s = finish(aggregator, 10'000 + i * 250, total);
    }
    QCOMPARE(s.requestsPerSecond, 40.0);
    QCOMPARE(s.routes[0].requestsPerSecond, 40.0);
    QCOMPARE(s.routes[0].errorRate, 0.2);
    QCOMPARE(s.consumers[0].requestsPerSecond, 40.0);

    // Nothing new for a while: rates fall to 0, totals stay.
    for (int i = 10; i < 16; ++i)
        s = finish(aggregator, 10'000 + i * 250, total);
    QCOMPARE(s.requestsPerSecond, 0.0);
    QCOMPARE(s.routes[0].requestsPerSecond, 0.0);
    QCOMPARE(s.routes[0].errorRate, 0.0);
    QCOMPARE(s.routes[0].requests, quint64(100));

    // A route that first answers now: its rate counts from 0, not from nothing.
    aggregator.add(delta({routeDelta("new", 8, 8)}));
    s = finish(aggregator, 10'000 + 16 * 250, total + 8);
    const RouteTraffic &fresh = s.routes[1];
    QCOMPARE(fresh.route, QStringLiteral("new"));
    QCOMPARE(fresh.requestsPerSecond, 8.0);
    QCOMPARE(fresh.errorRate, 1.0);
}

void TestTrafficAggregator::latencyIsPerInterval()
{
    TrafficAggregator aggregator;
    aggregator.add(delta({routeDelta("a", 4, 0, 2000), routeDelta("b", 1, 0, 80'000)}));
    TrafficSample s = finish(aggregator, 1000, 5);
    QCOMPARE(s.latency.count, quint64(5));
    QVERIFY(qAbs(s.latency.p50Ms - 2.0) <= 2.0 / 32);
    QVERIFY(qAbs(s.latency.p99Ms - 80.0) <= 80.0 / 32);
    QVERIFY(qAbs(s.routes[0].latency.p99Ms - 2.0) <= 2.0 / 32);
    QVERIFY(qAbs(s.routes[1].latency.p50Ms - 80.0) <= 80.0 / 32);

    // The next interval has only b's: a reports none.
    aggregator.add(delta({routeDelta("b", 2, 0, 10'000)}));
    s = finish(aggregator, 1250, 7);
    QCOMPARE(s.latency.count, quint64(2));
    QCOMPARE(s.routes[0].route, QStringLiteral("a"));
    QCOMPARE(s.routes[0].latency.count, quint64(0));
    QCOMPARE(s.routes[0].latency.p99Ms, 0.0);
    QCOMPARE(s.routes[1].latency.count, quint64(2));
    QVERIFY(qAbs(s.routes[1].latency.p99Ms - 10.0) <= 10.0 / 32);
}

void TestTrafficAggregator::resetStartsOver()
{
    TrafficAggregator aggregator;
    aggregator.add(delta({routeDelta("a", 4, 0)}, {{"app", 1, 1}}));
    finish(aggregator, 1000, 4);
    finish(aggregator, 1250, 4);
    aggregator.reset();
    const TrafficSample s = finish(aggregator, 1500, 0); // an engine restarted from 0
    QVERIFY(s.routes.empty());
    QVERIFY(s.consumers.empty());
    QCOMPARE(s.requestsPerSecond, 0.0);
}

void TestTrafficAggregator::targetsSumByServiceAndUrl()
{
    TrafficAggregator aggregator;
    aggregator.add(targetDelta("http://a", 10, 1000, 0, 2)); // two workers
    aggregator.add(targetDelta("http://a", 30, 1000, 1));
    aggregator.add(targetDelta("http://b", 0, 0, 3)); // failed tries only
    TrafficDelta other = targetDelta("http://a", 5, 1000);
    other.targets[0].service = QStringLiteral("other");
    aggregator.add(other);
    TrafficSample s = finish(aggregator, 10'000, 45);
    QCOMPARE(s.targets.size(), size_t(3));
    const TargetTraffic &a = s.targets[0]; // busiest first
    QCOMPARE(a.service, QStringLiteral("svc"));
    QCOMPARE(a.url, QStringLiteral("http://a"));
    QCOMPARE(a.requests, quint64(40));
    QCOMPARE(a.errors, quint64(1));
    QCOMPARE(a.latency.count, quint64(40));
    QVERIFY(near(a.latency.p95Ms, 1.0));
    QCOMPARE(a.connect.count, quint64(2));
    QVERIFY(near(a.connect.p95Ms, 0.2));
    QCOMPARE(s.targets[1].service, QStringLiteral("other"));
    QCOMPARE(s.targets[1].requests, quint64(5));
    QCOMPARE(s.targets[2].url, QStringLiteral("http://b"));
    QCOMPARE(s.targets[2].errors, quint64(3));
    QCOMPARE(s.targets[2].latency.count, quint64(0));

    // Rates like the routes': 10 answers per 250 ms is 40/s once a second is covered.
    for (int i = 1; i <= 4; ++i) {
        aggregator.add(targetDelta("http://a", 10, 1000));
        s = finish(aggregator, 10'000 + i * 250, 45 + quint64(i) * 10);
    }
    QCOMPARE(s.targets[0].requestsPerSecond, 40.0);
    QCOMPARE(s.targets[0].requests, quint64(80));
}

// A busy interval is reported alone; thin ones are pooled until 32 answers or 5 s, the last
// pooled figures showing meanwhile; an idle target's figures go after 5 s.
void TestTrafficAggregator::targetLatencyPoolsThinIntervals()
{
    TrafficAggregator aggregator;
    finish(aggregator, 9750, 0);
    aggregator.add(targetDelta("http://a", 40, 2000));
    TrafficSample s = finish(aggregator, 10'000, 40);
    QCOMPARE(s.targets[0].latency.count, quint64(40));
    QVERIFY(near(s.targets[0].latency.p95Ms, 2.0));

    for (int i = 1; i <= 10; ++i) { // 3 answers an interval, 30 in all: not enough yet
        aggregator.add(targetDelta("http://a", 3, 10'000));
        s = finish(aggregator, 10'000 + i * 250, 40 + quint64(i) * 3);
        QCOMPARE(s.targets[0].latency.count, quint64(40));
    }
    aggregator.add(targetDelta("http://a", 3, 10'000));
    s = finish(aggregator, 10'000 + 11 * 250, 73);
    QCOMPARE(s.targets[0].latency.count, quint64(33));
    QVERIFY(near(s.targets[0].latency.p95Ms, 10.0));

    // Idle: the last figures stay for 5 s, then nothing.
    s = finish(aggregator, 10'000 + 11 * 250 + 4750, 73);
    QCOMPARE(s.targets[0].latency.count, quint64(33));
    s = finish(aggregator, 10'000 + 11 * 250 + 5000, 73);
    QCOMPARE(s.targets[0].latency.count, quint64(0));

    // A thin target's first window starts at the sample before its first answers.
    aggregator.add(targetDelta("http://b", 2, 500));
    s = finish(aggregator, 20'000, 75);
    QCOMPARE(s.targets[1].url, QStringLiteral("http://b"));
    QCOMPARE(s.targets[1].latency.count, quint64(0));
    s = finish(aggregator, 10'000 + 11 * 250 + 10'000, 75);
    QCOMPARE(s.targets[1].latency.count, quint64(2));
}

// The totals GET /metrics reads: summed over workers and samples (finish() clears only the
// interval figures), in name order, consumers only when asked for, gone after reset().
void TestTrafficAggregator::keepsTotalsForMetrics()
{
    TrafficAggregator aggregator;
    QVERIFY(aggregator.metrics(true).routes.empty());

    RouteDelta b = routeDelta("b", 2, 1);
    b.counts.count(MethodClass::Get, 200, 800);
    b.counts.count(MethodClass::Post, 503, 40'000);
    RouteDelta a = routeDelta("a", 1, 0);
    a.counts.count(MethodClass::Get, 429, 100);
    TrafficDelta first = delta({b, a}, {{"zed", 1, 1}, {"app", 2, 0}});
    first.unrouted.count(MethodClass::Other, 404, 50);
    first.targets = targetDelta("http://t", 1, 0).targets;
    first.targets[0].firstByteBuckets.record(3000);
    aggregator.add(first);
    finish(aggregator, 1000, 4);

    RouteDelta again = routeDelta("b", 1, 0); // another worker, a later sample
    again.counts.count(MethodClass::Get, 201, 2'000'000);
    TrafficDelta second = delta({again});
    second.unrouted.count(MethodClass::Get, 400, -1);
    second.targets = targetDelta("http://t", 1, 0, 2).targets;
    second.targets[0].firstByteBuckets.record(20'000);
    aggregator.add(second);
    finish(aggregator, 1250, 5);

    TrafficMetrics m = aggregator.metrics(false);
    QVERIFY(m.consumers.empty());
    QCOMPARE(m.routes.size(), size_t(2));
    QCOMPARE(m.routes[0].route, QStringLiteral("a"));
    QCOMPARE(m.routes[0].counts.rateLimited, quint64(1));
    QCOMPARE(m.routes[1].route, QStringLiteral("b"));
    const RequestCounts &bTotal = m.routes[1].counts;
    QCOMPARE(bTotal.total(), quint64(3));
    QCOMPARE(bTotal.answers(MethodClass::Get, 2), quint64(2));
    QCOMPARE(bTotal.answers(MethodClass::Post, 5), quint64(1));
    QCOMPARE(bTotal.duration.count(), quint64(3));
    QCOMPARE(bTotal.duration.sumMicros(), quint64(800 + 40'000 + 2'000'000));
    QCOMPARE(m.unrouted.total(), quint64(2));
    QCOMPARE(m.unrouted.answers(MethodClass::Other, 4), quint64(1));
    QCOMPARE(m.unrouted.answers(MethodClass::Get, 4), quint64(1));
    QCOMPARE(m.unrouted.duration.count(), quint64(1));
    QCOMPARE(m.targets.size(), size_t(1));
    QCOMPARE(m.targets[0].requests, quint64(2));
    QCOMPARE(m.targets[0].errors, quint64(2));
    QCOMPARE(m.targets[0].firstByte.count(), quint64(2));
    QCOMPARE(m.targets[0].firstByte.sumMicros(), quint64(23'000));

    m = aggregator.metrics(true);
    QCOMPARE(m.consumers.size(), size_t(2));
    QCOMPARE(m.consumers[0].consumer, QStringLiteral("app"));
    QCOMPARE(m.consumers[0].requests, quint64(2));
    QCOMPARE(m.consumers[1].consumer, QStringLiteral("zed"));
    QCOMPARE(m.consumers[1].rateLimited, quint64(1));

    // The samples' figures are unchanged by all this.
    const TrafficSample s = finish(aggregator, 1500, 5);
    QCOMPARE(s.routes[0].route, QStringLiteral("b"));
    QCOMPARE(s.routes[0].requests, quint64(3));

    aggregator.reset();
    m = aggregator.metrics(true);
    QVERIFY(m.routes.empty());
    QVERIFY(m.targets.empty());
    QVERIFY(m.consumers.empty());
    QCOMPARE(m.unrouted.total(), quint64(0));
}

QTEST_APPLESS_MAIN(TestTrafficAggregator)
#include "tst_traffic_aggregator.moc"
