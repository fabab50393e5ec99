#include "config/Snapshot.h"
#include "observe/TrafficRecorder.h"
#include "policy/RequestContext.h"
#include "policy/auth/ConsumerDirectory.h"

#include <QTest>

#include <memory>

using namespace portico;

namespace {

std::shared_ptr<Snapshot> snapshotWith(quint64 version, const QStringList &routeNames)
{
    auto snapshot = std::make_shared<Snapshot>(Config{}, version);
    snapshot->routes.resize(size_t(routeNames.size()));
    for (qsizetype i = 0; i < routeNames.size(); ++i) {
        snapshot->routes[size_t(i)].name = routeNames[i];
        snapshot->routes[size_t(i)].nameUtf8 = routeNames[i].toUtf8();
    }
    return snapshot;
}

// A request of `snapshot` that matched route `routeName` (none when empty), from `consumer`.
RequestContext request(const std::shared_ptr<Snapshot> &snapshot, const QString &routeName,
                       const CompiledConsumer *consumer = nullptr)
{
    RequestContext context;
    context.snapshot = snapshot;
    for (size_t i = 0; i < snapshot->routes.size(); ++i) {
        if (snapshot->routes[i].name == routeName) {
            context.route = &snapshot->routes[i];
            context.routeIndex = int(i);
        }
    }
    context.identity.consumer = consumer;
    return context;
}

CompiledConsumer consumerNamed(const QByteArray &name)
{
    CompiledConsumer consumer;
    consumer.name = name;
    return consumer;
}

// Adds services to a snapshot: name -> target URLs.
void addServices(Snapshot &snapshot, const QList<std::pair<QString, QStringList>> &services)
{
    for (const auto &[name, urls] : services) {
        CompiledService service{name, {}, LoadBalancer(std::vector<int>(size_t(urls.size()), 1))};
        for (const QString &url : urls) {
            CompiledTarget target;
            target.url = url;
            service.targets.push_back(target);
        }
        snapshot.services.push_back(std::move(service));
    }
}

// A proxied request of route "r": answered by target `answered` of service `service` (-1:
// none) after `firstByteUs`, on a new connection when `connectUs` > 0; `failed` failed first.
RequestContext proxied(const std::shared_ptr<Snapshot> &snapshot, int service, int answered,
                       qint64 firstByteUs, qint64 connectUs = 0, int failed = -1)
{
    RequestContext context = request(snapshot, "r");
    context.upstreamService = service;
    context.answeringTarget = answered;
    context.failedTarget = failed;
    context.upstreamFirstByteNs = firstByteUs * 1000;
    context.upstreamConnectNs = connectUs * 1000;
    return context;
}

const TargetDelta *findTarget(const TrafficDelta &delta, const QString &service,
                              const QString &url)
{
    for (const TargetDelta &target : delta.targets) {
        if (target.service == service && target.url == url)
            return &target;
    }
    return nullptr;
}

bool near(double value, double expected)
{
    return qAbs(value - expected) <= expected / 32;
}

const RouteDelta *findRoute(const TrafficDelta &delta, const QString &name)
{
    for (const RouteDelta &route : delta.routes) {
        if (route.route == name)
            return &route;
    }
    return nullptr;
}

const ConsumerDelta *findConsumer(const TrafficDelta &delta, const QByteArray &name)
{
    for (const ConsumerDelta &consumer : delta.consumers) {
        if (consumer.consumer == name)
            return &consumer;
    }
    return nullptr;
}

} // namespace

class TestTrafficRecorder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void countsRoutesConsumersAndLatency();
    void takeDeltaStartsOver();
    void swapKeepsUnflushedFiguresByName();
    void requestFromOlderSnapshotCountsByName();
    void countsTargetsAnswersFailuresAndTimes();
    void targetsAfterSwapCountByName();
    void countsMethodsStatusClassesAndDurations();
    void unroutedAloneIsNotEmpty();
    void classifiesMethods();
};

void TestTrafficRecorder::countsRoutesConsumersAndLatency()
{
    const auto snapshot = snapshotWith(1, {"a", "b"});
    const CompiledConsumer app = consumerNamed("app");
    const CompiledConsumer other = consumerNamed("other");
    TrafficRecorder recorder;
    QVERIFY(recorder.isEmpty());
    recorder.record(request(snapshot, "a", &app), 200, 1500);
    recorder.record(request(snapshot, "a", &app), 429, 20);
    recorder.record(request(snapshot, "a", &other), 200, 900);
    recorder.record(request(snapshot, "b"), 502, 40'000);
    recorder.record(request(snapshot, "b"), 500, 30'000);
    recorder.record(request(snapshot, {}), 404, 10); // no route: latency and unrouted only
    recorder.record(RequestContext{}, 400, -1);      // no head: unrouted only
    QVERIFY(!recorder.isEmpty());

    const TrafficDelta delta = recorder.takeDelta();
    QCOMPARE(delta.latency.count(), quint64(6));
    QCOMPARE(delta.routes.size(), size_t(2));
    const RouteDelta *a = findRoute(delta, "a");
    QVERIFY(a);
    QCOMPARE(a->requests, quint64(3));
    QCOMPARE(a->serverErrors, quint64(0));
    QCOMPARE(a->latency.count(), quint64(3));
    const RouteDelta *b = findRoute(delta, "b");
    QVERIFY(b);
    QCOMPARE(b->requests, quint64(2));
    QCOMPARE(b->serverErrors, quint64(2));
    QVERIFY(qAbs(b->latency.percentile(1.0) - 40'000.0) <= 40'000.0 / 32);
    QCOMPARE(delta.consumers.size(), size_t(2));
    QCOMPARE(findConsumer(delta, "app")->requests, quint64(2));
    QCOMPARE(findConsumer(delta, "app")->rateLimited, quint64(1));
    QCOMPARE(findConsumer(delta, "other")->requests, quint64(1));
    QCOMPARE(findConsumer(delta, "other")->rateLimited, quint64(0));
    QCOMPARE(delta.unrouted.total(), quint64(2));
    QCOMPARE(delta.unrouted.duration.count(), quint64(1)); // the 400's time is unknown
}

// What GET /metrics shows: answers by method and status class, 429s and durations per route,
// the same for requests no route matched, and each target's time to first byte in buckets.
void TestTrafficRecorder::countsMethodsStatusClassesAndDurations()
{
    const auto snapshot = snapshotWith(1, {"r"});
    addServices(*snapshot, {{"svc", {QStringLiteral("http://t:1")}}});
    const auto withMethod = [](RequestContext context, const QByteArray &method) {
        context.head.method = method;
        return context;
    };
    TrafficRecorder recorder;
    recorder.record(withMethod(request(snapshot, "r"), "GET"), 200, 800);
    recorder.record(withMethod(request(snapshot, "r"), "GET"), 204, 3000);
    recorder.record(withMethod(request(snapshot, "r"), "POST"), 429, 50);
    recorder.record(withMethod(request(snapshot, "r"), "DELETE"), 503, 30'000'000);
    recorder.record(withMethod(request(snapshot, "r"), "PROPFIND"), 200, 100);
    recorder.record(withMethod(request(snapshot, "r"), "get"), 200, 100); // case matters
    recorder.record(withMethod(request(snapshot, "r"), "PATCH"), 0, 100); // no response
    recorder.record(withMethod(request(snapshot, {}), "OPTIONS"), 404, 20);
    recorder.record(withMethod(proxied(snapshot, 0, 0, 4000), "PUT"), 201, 5000);

    const TrafficDelta delta = recorder.takeDelta();
    const RequestCounts &a = findRoute(delta, "r")->counts;
    QCOMPARE(a.total(), quint64(8));
    QCOMPARE(a.answers(MethodClass::Get, 2), quint64(2));
    QCOMPARE(a.answers(MethodClass::Post, 4), quint64(1));
    QCOMPARE(a.answers(MethodClass::Delete, 5), quint64(1));
    QCOMPARE(a.answers(MethodClass::Other, 2), quint64(2));
    QCOMPARE(a.answers(MethodClass::Patch, 0), quint64(1));
    QCOMPARE(a.answers(MethodClass::Put, 2), quint64(1));
    QCOMPARE(a.rateLimited, quint64(1));
    QCOMPARE(a.duration.count(), quint64(8));
    // 800 µs and the 50/100 µs ones at most 1 ms; 3 ms at most 5 ms; 5 ms at most 5 ms;
    // 30 s above the last bound.
    QCOMPARE(a.duration.counts()[0], quint64(5));
    QCOMPARE(a.duration.counts()[2], quint64(2));
    QCOMPARE(a.duration.counts()[DurationHistogram::kBuckets - 1], quint64(1));
    QCOMPARE(a.duration.sumMicros(),
             quint64(800 + 3000 + 50 + 30'000'000 + 100 + 100 + 100 + 5000));
    QCOMPARE(delta.unrouted.total(), quint64(1));
    QCOMPARE(delta.unrouted.answers(MethodClass::Options, 4), quint64(1));
    QCOMPARE(delta.unrouted.duration.counts()[0], quint64(1));
    const TargetDelta *target = findTarget(delta, "svc", "http://t:1");
    QVERIFY(target);
    QCOMPARE(target->firstByteBuckets.count(), quint64(1));
    QCOMPARE(target->firstByteBuckets.counts()[2], quint64(1)); // 4 ms: (2.5 ms, 5 ms]
    QCOMPARE(target->firstByteBuckets.sumMicros(), quint64(4000));

    // All of it starts over.
    QVERIFY(recorder.isEmpty());
    recorder.record(withMethod(request(snapshot, "r"), "GET"), 200, 100);
    const TrafficDelta next = recorder.takeDelta();
    QCOMPARE(findRoute(next, "r")->counts.total(), quint64(1));
    QCOMPARE(findRoute(next, "r")->counts.rateLimited, quint64(0));
    QCOMPARE(findRoute(next, "r")->counts.duration.count(), quint64(1));
    QCOMPARE(next.unrouted.total(), quint64(0));
    QVERIFY(next.targets.empty());
}

// A worker whose only request matched no route still has something to flush.
void TestTrafficRecorder::unroutedAloneIsNotEmpty()
{
    TrafficRecorder recorder;
    RequestContext context;
    context.head.method = "GET";
    recorder.record(context, 400, -1);
    QVERIFY(!recorder.isEmpty());
    const TrafficDelta delta = recorder.takeDelta();
    QVERIFY(!delta.isEmpty());
    QCOMPARE(delta.unrouted.answers(MethodClass::Get, 4), quint64(1));
    QVERIFY(recorder.isEmpty());
    QVERIFY(recorder.takeDelta().isEmpty());
}

void TestTrafficRecorder::classifiesMethods()
{
    const QList<std::pair<QByteArray, MethodClass>> cases{
        {"GET", MethodClass::Get},         {"HEAD", MethodClass::Head},
        {"POST", MethodClass::Post},       {"PUT", MethodClass::Put},
        {"DELETE", MethodClass::Delete},   {"CONNECT", MethodClass::Connect},
        {"OPTIONS", MethodClass::Options}, {"TRACE", MethodClass::Trace},
        {"PATCH", MethodClass::Patch},     {"", MethodClass::Other},
        {"GETS", MethodClass::Other},      {"Get", MethodClass::Other},
        {"PURGE", MethodClass::Other},     {"PROPFIND", MethodClass::Other},
        {"OPTION", MethodClass::Other},    {"POS", MethodClass::Other},
    };
    for (const auto &[method, expected] : cases)
        QVERIFY2(methodClassOf(method) == expected, method.constData());
    QCOMPARE(kMethodClassNames[size_t(MethodClass::Other)], "OTHER");
    QCOMPARE(kStatusClassNames[size_t(statusClassOf(0))], "none");
    QCOMPARE(kStatusClassNames[size_t(statusClassOf(429))], "4xx");
    QCOMPARE(statusClassOf(600), 0);
    QCOMPARE(statusClassOf(99), 0);
}

void TestTrafficRecorder::takeDeltaStartsOver()
{
    const auto snapshot = snapshotWith(1, {"a", "b"});
    const CompiledConsumer app = consumerNamed("app");
    TrafficRecorder recorder;
    recorder.record(request(snapshot, "a", &app), 200, 100);
    recorder.takeDelta();
    QVERIFY(recorder.isEmpty());
    QVERIFY(recorder.takeDelta().isEmpty());
    // The slots stay: counting again starts from 0.
    recorder.record(request(snapshot, "b"), 200, 100);
    recorder.record(request(snapshot, "a", &app), 200, 100);
    const TrafficDelta delta = recorder.takeDelta();
    QCOMPARE(findRoute(delta, "a")->requests, quint64(1));
    QCOMPARE(findRoute(delta, "a")->latency.count(), quint64(1));
    QCOMPARE(findRoute(delta, "b")->requests, quint64(1));
    QCOMPARE(findConsumer(delta, "app")->requests, quint64(1));
}

// A swap reorders, renames and removes routes before the figures are flushed: they stay under
// the names they were counted with, and a route keeping its name goes on in the same slot.
void TestTrafficRecorder::swapKeepsUnflushedFiguresByName()
{
    const auto v1 = snapshotWith(1, {"a", "b", "gone"});
    const CompiledConsumer app = consumerNamed("app");
    TrafficRecorder recorder;
    recorder.record(request(v1, "a", &app), 200, 100);
    recorder.record(request(v1, "gone"), 500, 100);
    recorder.record(request(v1, "b"), 200, 100);
    recorder.takeDelta(); // "b" is flushed; its slot is dropped at the next swap
    recorder.record(request(v1, "a", &app), 200, 100);
    recorder.record(request(v1, "gone"), 500, 100);

    const auto v2 = snapshotWith(2, {"new", "b-renamed", "a"});
    const CompiledConsumer app2 = consumerNamed("app"); // recompiled: another address
    recorder.record(request(v2, "a", &app2), 200, 100);
    recorder.record(request(v2, "b-renamed"), 200, 100);
    recorder.record(request(v2, "new"), 503, 100);
    recorder.record(request(v2, "a", &app2), 429, 100);

    const TrafficDelta delta = recorder.takeDelta();
    QCOMPARE(findRoute(delta, "a")->requests, quint64(3));
    QCOMPARE(findRoute(delta, "gone")->requests, quint64(1));
    QCOMPARE(findRoute(delta, "gone")->serverErrors, quint64(1));
    QCOMPARE(findRoute(delta, "b-renamed")->requests, quint64(1));
    QCOMPARE(findRoute(delta, "new")->serverErrors, quint64(1));
    QVERIFY(!findRoute(delta, "b"));
    QCOMPARE(delta.routes.size(), size_t(4));
    QCOMPARE(delta.consumers.size(), size_t(1));
    QCOMPARE(findConsumer(delta, "app")->requests, quint64(3));
    QCOMPARE(findConsumer(delta, "app")->rateLimited, quint64(1));
}

// A request that started before the swap ends after requests of the new snapshot were counted:
// it goes to its own route's name, not to whatever has its index now.
void TestTrafficRecorder::requestFromOlderSnapshotCountsByName()
{
    const auto v1 = snapshotWith(1, {"slow", "x"});
    const auto v2 = snapshotWith(2, {"x", "slow-renamed"});
    const CompiledConsumer app1 = consumerNamed("app");
    const CompiledConsumer app2 = consumerNamed("app2");
    TrafficRecorder recorder;
    recorder.record(request(v2, "x", &app2), 200, 100);
    recorder.record(request(v1, "slow", &app1), 200, 600'000);
    recorder.record(request(v1, "x", &app1), 200, 100);
    recorder.record(request(v2, "slow-renamed", &app2), 200, 100);
    const TrafficDelta delta = recorder.takeDelta();
    QCOMPARE(findRoute(delta, "slow")->requests, quint64(1));
    QVERIFY(qAbs(findRoute(delta, "slow")->latency.percentile(0.5) - 600'000.0) <= 600'000.0 / 32);
    QCOMPARE(findRoute(delta, "x")->requests, quint64(2));
    QCOMPARE(findRoute(delta, "slow-renamed")->requests, quint64(1));
    QCOMPARE(findConsumer(delta, "app")->requests, quint64(2));
    QCOMPARE(findConsumer(delta, "app2")->requests, quint64(2));
}

void TestTrafficRecorder::countsTargetsAnswersFailuresAndTimes()
{
    const auto snapshot = snapshotWith(1, {"r"});
    const QString u1 = QStringLiteral("http://127.0.0.1:9001");
    const QString u2 = QStringLiteral("http://127.0.0.1:9002");
    addServices(*snapshot, {{"users", {u1, u2}}, {"orders", {u1}}});
    TrafficRecorder recorder;
    recorder.record(proxied(snapshot, 0, 0, 2000), 200, 2500);      // pooled connection
    recorder.record(proxied(snapshot, 0, 0, 2000, 300), 200, 2600); // a new one
    recorder.record(proxied(snapshot, 0, 1, 40'000, 0, 0), 200, 50'000); // retried on u2
    recorder.record(proxied(snapshot, 0, -1, 0, 0, 1), 502, 100);        // u2 failed, no answer
    recorder.record(proxied(snapshot, 1, 0, 9000), 200, 10'000); // same URL, other service
    recorder.record(request(snapshot, "r"), 403, 10);             // never proxied
    QVERIFY(!recorder.isEmpty());

    const TrafficDelta delta = recorder.takeDelta();
    QCOMPARE(delta.targets.size(), size_t(3));
    const TargetDelta *users1 = findTarget(delta, "users", u1);
    QVERIFY(users1);
    QCOMPARE(users1->requests, quint64(2));
    QCOMPARE(users1->errors, quint64(1));
    QCOMPARE(users1->firstByte.count(), quint64(2));
    QVERIFY(near(users1->firstByte.percentile(0.5), 2000));
    QCOMPARE(users1->connect.count(), quint64(1)); // the pooled one has no connect time
    QVERIFY(near(users1->connect.percentile(0.5), 300));
    const TargetDelta *users2 = findTarget(delta, "users", u2);
    QVERIFY(users2);
    QCOMPARE(users2->requests, quint64(1));
    QCOMPARE(users2->errors, quint64(1));
    QVERIFY(near(users2->firstByte.percentile(1.0), 40'000));
    const TargetDelta *orders1 = findTarget(delta, "orders", u1);
    QVERIFY(orders1);
    QCOMPARE(orders1->requests, quint64(1));
    QVERIFY(near(orders1->firstByte.percentile(1.0), 9000));

    // Slots stay; figures start over.
    QVERIFY(recorder.isEmpty());
    recorder.record(proxied(snapshot, 0, 1, 1000), 200, 1200);
    const TrafficDelta next = recorder.takeDelta();
    QCOMPARE(next.targets.size(), size_t(1));
    QCOMPARE(findTarget(next, "users", u2)->requests, quint64(1));
    QCOMPARE(findTarget(next, "users", u2)->errors, quint64(0));
}

// Targets reordered by a swap, and a request of the older snapshot ending after it: each counts
// under its own service and URL, not under whatever has its index now.
void TestTrafficRecorder::targetsAfterSwapCountByName()
{
    const QString a = QStringLiteral("http://a:1");
    const QString b = QStringLiteral("http://b:1");
    const auto v1 = snapshotWith(1, {"r"});
    addServices(*v1, {{"svc", {a, b}}});
    const auto v2 = snapshotWith(2, {"r"});
    addServices(*v2, {{"other", {}}, {"svc", {b, a}}});
    TrafficRecorder recorder;
    recorder.record(proxied(v1, 0, 0, 100), 200, 200);  // a
    recorder.record(proxied(v2, 1, 0, 100), 200, 200);  // b
    recorder.record(proxied(v1, 0, 0, 100), 200, 200);  // a, from the older snapshot
    recorder.record(proxied(v2, 1, 1, 100), 200, 200);  // a
    recorder.record(proxied(v2, 1, 1, 100), 200, 200);  // a, by its cached slot
    const TrafficDelta delta = recorder.takeDelta();
    QCOMPARE(delta.targets.size(), size_t(2));
    QCOMPARE(findTarget(delta, "svc", a)->requests, quint64(4));
    QCOMPARE(findTarget(delta, "svc", b)->requests, quint64(1));
}

QTEST_APPLESS_MAIN(TestTrafficRecorder)
#include "tst_traffic_recorder.moc"
