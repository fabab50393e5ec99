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

QTEST_APPLESS_MAIN(TestTrafficAggregator)
#include "tst_traffic_aggregator.moc"
