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
    recorder.record(request(snapshot, {}), 404, 10); // no route: latency only
    recorder.record(RequestContext{}, 400, -1);      // no head: counted nowhere here
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

QTEST_APPLESS_MAIN(TestTrafficRecorder)
#include "tst_traffic_recorder.moc"
