// Traffic figures from a real engine: per-route and per-consumer counts exact after known
// traffic (200s, 500s from the service, 429s from a rate limit, 404s), latency percentiles in
// order and accounting for every request, busiest first, and configuration swaps (a rename, a
// removal, a request in flight across the swap) keeping the figures by name; per upstream
// target: answers exact, a slower target's time to first byte above a faster one's, a
// refusing target's failed tries.

#include "IntegrationFixtures.h"
#include "config/Snapshot.h"

#include <QMap>
#include <QTest>

using namespace portico;
using namespace portico::test;

namespace {

const QByteArray kAppKey = "pk_stats00000000000000000000000000000000000";

// /keyed: key auth, 6 a minute per consumer; /failing and /slow: public. All strip their
// prefix, so /failing/status/500 reaches the service as /status/500.
Config statsConfig(const QString &backendUrl)
{
    Config c = baseConfig();
    c.services.push_back(makeService(QStringLiteral("svc"), {backendUrl}));
    RouteConfig keyed =
        makeRoute(QStringLiteral("keyed"), {QStringLiteral("/keyed")}, QStringLiteral("svc"));
    keyed.auth = {QStringLiteral("key")};
    keyed.rateLimit.minute = 6;
    RouteConfig failing =
        makeRoute(QStringLiteral("failing"), {QStringLiteral("/failing")}, QStringLiteral("svc"));
    RouteConfig slow =
        makeRoute(QStringLiteral("slow"), {QStringLiteral("/slow")}, QStringLiteral("svc"));
    c.routes = {keyed, failing, slow};
    for (RouteConfig &route : c.routes)
        route.stripPath = true;
    c.consumers.append(makeConsumer(QStringLiteral("app"), kAppKey));
    // A consumer that never sends anything is never listed.
    ConsumerConfig idle;
    idle.name = QStringLiteral("idle");
    c.consumers.append(idle);
    return c;
}

const RouteTraffic *findRoute(const TrafficSample &sample, const QString &name)
{
    for (const RouteTraffic &route : sample.routes) {
        if (route.route == name)
            return &route;
    }
    return nullptr;
}

quint64 routeRequests(const TrafficSample &sample, const QString &name)
{
    const RouteTraffic *route = findRoute(sample, name);
    return route ? route->requests : 0;
}

QStringList routeNames(const TrafficSample &sample)
{
    QStringList names;
    for (const RouteTraffic &route : sample.routes)
        names << route.route;
    return names;
}

const TargetTraffic *findTarget(const TrafficSample &sample, const QString &url)
{
    for (const TargetTraffic &target : sample.targets) {
        if (target.url == url)
            return &target;
    }
    return nullptr;
}

bool ordered(const LatencySummary &latency)
{
    return latency.p50Ms <= latency.p95Ms && latency.p95Ms <= latency.p99Ms;
}

// Every sample the engine emits, with running sums of the interval latency counts.
struct SampleLog
{
    QList<TrafficSample> samples;
    quint64 latencyCount = 0;
    QMap<QString, quint64> routeLatencyCount;
    QStringList disorder; // samples whose percentiles were out of order

    void add(const TrafficSample &sample)
    {
        samples << sample;
        latencyCount += sample.latency.count;
        if (!ordered(sample.latency))
            disorder << QStringLiteral("all");
        for (const RouteTraffic &route : sample.routes) {
            routeLatencyCount[route.route] += route.latency.count;
            if (!ordered(route.latency))
                disorder << route.route;
        }
    }
};

} // namespace

class TestTrafficStats : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void countsRoutesConsumersAndLatency();
    void swapsKeepFiguresByName();
    void targetsCountAndTimeTheirAnswers();

private:
    // Waits until the engine's latest sample satisfies `done` (samples come 4 times a second,
    // and worker figures reach them one sample after they are flushed).
    template<typename Done>
    bool waitForSample(GatewayEngine &engine, Done done, int timeoutMs = 5000)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!done(engine.traffic())) {
            if (deadline.hasExpired())
                return false;
            QTest::qWait(20);
        }
        return true;
    }
};

void TestTrafficStats::countsRoutesConsumersAndLatency()
{
    TestBackend backend(QStringLiteral("svc"));
    GatewayEngine engine;
    SampleLog log;
    connect(&engine, &GatewayEngine::trafficUpdated, this,
            [&log](const TrafficSample &sample) { log.add(sample); });
    START_ENGINE(engine, statsConfig(backend.url()));

    const RawHeaders key{{"X-API-Key", kAppKey}};
    RawHttpClient client(engine.listenPort());
    int ok = 0;
    int limited = 0;
    for (int i = 0; i < 10; ++i) {
        const int status = client.get("/keyed/json", key).status;
        ok += status == 200;
        limited += status == 429;
    }
    QCOMPARE(ok, 6);
    QCOMPARE(limited, 4);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(client.get("/failing/status/500").status, 500);
    QCOMPARE(client.get("/slow/delay/30").status, 200);
    for (int i = 0; i < 2; ++i)
        QCOMPARE(client.get("/nowhere").status, 404);
    // Anonymous on a keyed route: counted for the route, for no consumer.
    QCOMPARE(client.get("/keyed/json").status, 401);
    constexpr quint64 kTotal = 10 + 3 + 1 + 2 + 1;

    QVERIFY2(waitForSample(engine,
                           [](const TrafficSample &s) {
                               return routeRequests(s, QStringLiteral("keyed")) == 11
                                   && routeRequests(s, QStringLiteral("failing")) == 3
                                   && routeRequests(s, QStringLiteral("slow")) == 1;
                           }),
             qPrintable(routeNames(engine.traffic()).join(QLatin1Char(','))));
    // One more sample, for the latency of the last flush to arrive.
    const qsizetype seen = log.samples.size();
    QTRY_VERIFY(log.samples.size() > seen + 1);
    const TrafficSample s = engine.traffic();

    QCOMPARE(s.requests, kTotal);
    QCOMPARE(s.rateLimited, quint64(4));
    QCOMPARE(s.byStatusClass[5], quint64(3));
    QCOMPARE(s.byStatusClass[4], quint64(4 + 2 + 1));

    // Busiest first; routes that never answered (none here) and unrouted requests not listed.
    QCOMPARE(routeNames(s), QStringList({"keyed", "failing", "slow"}));
    const RouteTraffic &keyed = s.routes[0];
    QCOMPARE(keyed.requests, quint64(11));
    QCOMPARE(keyed.serverErrors, quint64(0));
    const RouteTraffic &failing = s.routes[1];
    QCOMPARE(failing.requests, quint64(3));
    QCOMPARE(failing.serverErrors, quint64(3));
    QCOMPARE(s.routes[2].serverErrors, quint64(0));

    QCOMPARE(s.consumers.size(), size_t(1));
    QCOMPARE(s.consumers[0].consumer, QStringLiteral("app"));
    QCOMPARE(s.consumers[0].requests, quint64(10));
    QCOMPARE(s.consumers[0].rateLimited, quint64(4));

    // Each request's latency lands in exactly one interval; percentiles are in order.
    QVERIFY2(log.disorder.isEmpty(), qPrintable(log.disorder.join(QLatin1Char(','))));
    QCOMPARE(log.latencyCount, kTotal);
    QCOMPARE(log.routeLatencyCount.value(QStringLiteral("keyed")), quint64(11));
    QCOMPARE(log.routeLatencyCount.value(QStringLiteral("failing")), quint64(3));
    QCOMPARE(log.routeLatencyCount.value(QStringLiteral("slow")), quint64(1));
    bool sawLatency = false;
    bool sawRates = false;
    for (const TrafficSample &sample : std::as_const(log.samples)) {
        if (sample.latency.count > 0) {
            sawLatency = true;
            QVERIFY(sample.latency.p99Ms > 0.0);
            QVERIFY(sample.latency.p99Ms < 5000.0);
        }
        if (const RouteTraffic *slow = findRoute(sample, QStringLiteral("slow"));
            slow && slow->latency.count > 0) {
            // /delay/30 waited 30 ms at the service: the gateway measured at least that.
            QVERIFY2(slow->latency.p50Ms >= 30.0 * (1.0 - 1.0 / 32.0),
                     qPrintable(QString::number(slow->latency.p50Ms)));
        }
        if (const RouteTraffic *f = findRoute(sample, QStringLiteral("failing"));
            f && f->requestsPerSecond > 0) {
            sawRates = true;
            QCOMPARE(f->errorRate, 1.0);
        }
    }
    QVERIFY(sawLatency);
    QVERIFY(sawRates);

    // Idle for over a second: rates fall to 0, the totals stay.
    QVERIFY(waitForSample(engine, [](const TrafficSample &sample) {
        return sample.requestsPerSecond == 0.0 && !sample.routes.empty()
            && sample.routes[0].requestsPerSecond == 0.0
            && sample.consumers[0].requestsPerSecond == 0.0;
    }));
    const TrafficSample idle = engine.traffic();
    QCOMPARE(idle.latency.count, quint64(0));
    QCOMPARE(idle.routes[0].requests, quint64(11));
    QCOMPARE(idle.routes[0].errorRate, 0.0);
    QCOMPARE(idle.consumers[0].requests, quint64(10));
}

void TestTrafficStats::swapsKeepFiguresByName()
{
    TestBackend backend(QStringLiteral("svc"));
    GatewayEngine engine;
    const Config initial = statsConfig(backend.url());
    START_ENGINE(engine, initial);
    const quint16 port = engine.listenPort();

    RawHttpClient client(port);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(client.get("/failing/status/500").status, 500);
    for (int i = 0; i < 2; ++i)
        QCOMPARE(client.get("/keyed/json", {{"X-API-Key", kAppKey}}).status, 200);

    // A request in flight on the old snapshot while "slow" is renamed and "failing" removed.
    RawHttpClient inFlight(port);
    QVERIFY(inFlight.send(RawHttpClient::buildRequest("GET", "/slow/delay/600", port)));
    QVERIFY(backend.waitForRequests(6, 3000, false));
    Config changed = initial;
    changed.routes.erase(changed.routes.begin() + 1);
    changed.routes[1].name = QStringLiteral("slow-renamed");
    const ConfigErrors errors = engine.apply(changed);
    QVERIFY2(errors.empty(), qPrintable(errorsText(errors)));
    QCOMPARE(client.get("/failing/status/500").status, 404);
    for (int i = 0; i < 4; ++i)
        QCOMPARE(client.get("/slow/delay/0").status, 200);
    const RawResponse late = inFlight.readResponse(5000);
    QVERIFY2(late.ok, qPrintable(late.error));
    QCOMPARE(late.status, 200);
    QCOMPARE(client.get("/keyed/json", {{"X-API-Key", kAppKey}}).status, 200);

    // By name: the in-flight request under the name it started with, the removed route's
    // totals kept, the renamed one starting at 0 under its new name.
    QVERIFY2(waitForSample(engine,
                           [](const TrafficSample &s) {
                               return routeRequests(s, QStringLiteral("slow-renamed")) == 4
                                   && routeRequests(s, QStringLiteral("slow")) == 1
                                   && routeRequests(s, QStringLiteral("keyed")) == 3;
                           }),
             qPrintable(routeNames(engine.traffic()).join(QLatin1Char(','))));
    TrafficSample s = engine.traffic();
    QCOMPARE(routeNames(s), QStringList({"slow-renamed", "failing", "keyed", "slow"}));
    QCOMPARE(findRoute(s, QStringLiteral("failing"))->serverErrors, quint64(3));
    QCOMPARE(s.consumers.size(), size_t(1));
    QCOMPARE(s.consumers[0].requests, quint64(3));

    // Another swap back and more traffic: sampling goes on.
    QVERIFY(engine.apply(initial).empty());
    for (int i = 0; i < 5; ++i)
        QCOMPARE(client.get("/failing/status/500").status, 500);
    QVERIFY(waitForSample(engine, [](const TrafficSample &sample) {
        return routeRequests(sample, QStringLiteral("failing")) == 8;
    }));
    s = engine.traffic();
    QCOMPARE(routeNames(s).first(), QStringLiteral("failing"));
    QCOMPARE(findRoute(s, QStringLiteral("failing"))->serverErrors, quint64(8));
    QCOMPARE(s.requests, quint64(3 + 2 + 1 + 4 + 1 + 1 + 5));
}

// Both targets get the same request path, /delay/20: the fast one behind a base path that turns
// it into /fast/delay/20, which the test backend answers at once.
void TestTrafficStats::targetsCountAndTimeTheirAnswers()
{
    TestBackend fast(QStringLiteral("fast"));
    TestBackend slow(QStringLiteral("slow"));
    TestBackend live(QStringLiteral("live"));
    const QString fastUrl = fast.url() + QStringLiteral("/fast");
    const QString deadUrl = QStringLiteral("http://127.0.0.1:%1").arg(closedPort());
    Config c = baseConfig();
    c.services.push_back(makeService(QStringLiteral("pair"), {fastUrl, slow.url()}));
    c.services.push_back(makeService(QStringLiteral("flaky"), {deadUrl, live.url()}));
    c.routes.push_back(
        makeRoute(QStringLiteral("pair"), {QStringLiteral("/delay")}, QStringLiteral("pair")));
    c.routes.push_back(
        makeRoute(QStringLiteral("flaky"), {QStringLiteral("/flaky")}, QStringLiteral("flaky")));
    GatewayEngine engine;
    QList<TrafficSample> samples;
    connect(&engine, &GatewayEngine::trafficUpdated, this,
            [&samples](const TrafficSample &sample) { samples << sample; });
    START_ENGINE(engine, c);

    RawHttpClient client(engine.listenPort());
    constexpr int kRequests = 64; // 32 each: enough for a latency window of its own
    for (int i = 0; i < kRequests; ++i)
        QCOMPARE(client.get("/delay/20").status, 200);
    // The first /flaky request goes to the refusing target and is retried on the live one.
    for (int i = 0; i < 4; ++i)
        QCOMPARE(client.get("/flaky/json").status, 200);
    QCOMPARE(fast.requestCount() + slow.requestCount(), kRequests);

    const auto answered = [&](const TrafficSample &s) {
        const TargetTraffic *f = findTarget(s, fastUrl);
        const TargetTraffic *w = findTarget(s, slow.url());
        const TargetTraffic *l = findTarget(s, live.url());
        return f && w && l && f->requests + w->requests == quint64(kRequests)
            && l->requests == 4;
    };
    QVERIFY(waitForSample(engine, answered));
    const TrafficSample s = engine.traffic();
    const TargetTraffic *f = findTarget(s, fastUrl);
    const TargetTraffic *w = findTarget(s, slow.url());
    QCOMPARE(f->service, QStringLiteral("pair"));
    QCOMPARE(f->requests, quint64(fast.requestCount()));
    QCOMPARE(w->requests, quint64(slow.requestCount()));
    QCOMPARE(f->errors, quint64(0));
    const TargetTraffic *dead = findTarget(s, deadUrl);
    QVERIFY(dead);
    QCOMPARE(dead->service, QStringLiteral("flaky"));
    QCOMPARE(dead->requests, quint64(0));
    QVERIFY(dead->errors >= 1);

    // Time to first byte: each target's samples, and the slower one's above the faster one's.
    double fastP95 = 0.0;
    double slowP95 = 0.0;
    quint64 connects = 0;
    const auto scan = [&] {
        for (const TrafficSample &sample : std::as_const(samples)) {
            if (const TargetTraffic *t = findTarget(sample, fastUrl); t && t->latency.count)
                fastP95 = qMax(fastP95, t->latency.p95Ms);
            if (const TargetTraffic *t = findTarget(sample, slow.url()); t && t->latency.count) {
                QVERIFY(ordered(t->latency));
                slowP95 = qMax(slowP95, t->latency.p95Ms);
            }
            if (const TargetTraffic *t = findTarget(sample, slow.url()))
                connects = qMax(connects, t->connect.count);
        }
    };
    QTRY_VERIFY_WITH_TIMEOUT((scan(), fastP95 > 0.0 && slowP95 > 0.0), 8000);
    QVERIFY2(slowP95 >= 20.0 * (1.0 - 1.0 / 32.0), qPrintable(QString::number(slowP95)));
    QVERIFY2(fastP95 < slowP95,
             qPrintable(QStringLiteral("%1 vs %2").arg(fastP95).arg(slowP95)));
    QVERIFY(connects >= 1); // its first request opened a connection
}

QTEST_MAIN(TestTrafficStats)
#include "tst_traffic_stats.moc"
