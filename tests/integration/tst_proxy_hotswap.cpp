// Configuration swaps while the gateway is busy: no request fails or mixes configurations, an
// in-flight request finishes on the snapshot it started with, an invalid config changes nothing.
#include "IntegrationFixtures.h"
#include "config/Snapshot.h"

#include <QMutex>
#include <QtTest>

using namespace portico;
using namespace portico::test;

namespace {

// Variant i of a configuration that always serves GET /api/... and POST /up/sink, but each time
// with other route forms, strip_path, targets, weights and unrelated routes.
Config variant(int i, const TestBackend &one, const TestBackend &two)
{
    Config c = baseConfig();
    ServiceConfig svc;
    switch (i % 4) {
    case 0:
        svc = makeService(QStringLiteral("api"), {one.url()});
        break;
    case 1:
        svc = makeService(QStringLiteral("api"), {two.url()});
        break;
    case 2:
        svc = makeService(QStringLiteral("api"), {one.url(), two.url()}, {70, 30});
        break;
    default:
        svc = makeService(QStringLiteral("api"), {two.url(), one.url()});
        break;
    }
    svc.name = QStringLiteral("api-%1").arg(i); // a new service name each time
    c.services.push_back(svc);
    c.services.push_back(makeService(QStringLiteral("other"), {one.url()}));

    // Unrelated routes come and go.
    for (int k = 0; k < i % 5; ++k)
        c.routes.push_back(makeRoute(QStringLiteral("extra-%1").arg(k),
                                     {QStringLiteral("/extra%1").arg(k)}, QStringLiteral("other")));
    RouteConfig api;
    switch (i % 3) {
    case 0:
        api = makeRoute(QStringLiteral("api"), {QStringLiteral("/api")}, svc.name);
        break;
    case 1:
        api = makeRoute(QStringLiteral("api"), {QStringLiteral("~^/api/")}, svc.name);
        api.stripPath = true;
        break;
    default:
        api = makeRoute(QStringLiteral("api"), {QStringLiteral("/api/")}, svc.name);
        api.stripPath = true;
        break;
    }
    c.routes.push_back(api);
    // Uploads: /up/sink reaches the backend as /sink, by a prefix or a regex route.
    RouteConfig up = makeRoute(QStringLiteral("up"),
                               {i % 2 ? QStringLiteral("~^/up") : QStringLiteral("/up")}, svc.name);
    up.stripPath = true;
    c.routes.push_back(up);
    // The slow route only exists in even variants.
    if (i % 2 == 0)
        c.routes.push_back(makeRoute(QStringLiteral("slow"), {QStringLiteral("/delay")},
                                     QStringLiteral("other")));
    return c;
}

struct LoadStats
{
    std::atomic<int> requests{0};
    std::atomic<int> failures{0};
    std::atomic<bool> stop{false};
    QMutex mutex;
    QStringList errors;

    void fail(const QString &why)
    {
        failures.fetch_add(1);
        QMutexLocker lock(&mutex);
        if (errors.size() < 10)
            errors << why;
    }
};

} // namespace

class TestProxyHotswap : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void swapsUnderLoadLoseNothing();
    void inFlightRequestKeepsItsSnapshot();
    void invalidConfigChangesNothing();
    void stopFinishesInFlightRequest();
};

void TestProxyHotswap::swapsUnderLoadLoseNothing()
{
    TestBackend one(QStringLiteral("one"));
    TestBackend two(QStringLiteral("two"));
    GatewayEngine engine;
    START_ENGINE(engine, variant(0, one, two));
    const quint16 port = engine.listenPort();

    LoadStats stats;
    std::vector<std::unique_ptr<TestThread>> clients;
    for (int c = 0; c < 4; ++c) {
        clients.push_back(std::make_unique<TestThread>([port, c, &stats] {
            RawHttpClient client(port);
            const QByteArray body = TestBackend::pattern(c, 10'000 + c);
            const QByteArray bodySha = sha256Hex(body);
            const QDeadlineTimer deadline(20000); // bounded even if the main thread hangs
            for (int i = 0; !stats.stop.load() && !deadline.hasExpired(); ++i) {
                if (!client.isConnected() && !client.connectTo(port)) {
                    stats.fail(QStringLiteral("client %1: cannot connect").arg(c));
                    return;
                }
                RawResponse r;
                bool right = false;
                if (i % 4 == 3) { // a POST with a body that must arrive whole
                    r = client.request("POST", "/up/sink", body, {}, 10000);
                    right = r.ok && r.status == 200
                        && r.json().value("sha256").toString().toLatin1() == bodySha;
                } else {
                    r = client.get("/api/json?c=" + QByteArray::number(c), {}, 10000);
                    right = r.ok && r.status == 200 && !r.header("X-Backend").isEmpty();
                }
                stats.requests.fetch_add(1);
                if (!right) {
                    stats.fail(QStringLiteral("client %1 request %2: %3 %4 %5")
                                   .arg(c)
                                   .arg(i)
                                   .arg(r.status)
                                   .arg(r.error, QString::fromUtf8(r.body.left(200))));
                    client.close();
                } else if (!r.keepAlive) {
                    client.close();
                }
            }
        }));
    }

    // 24 swaps over about 3 seconds.
    constexpr int kSwaps = 24;
    QElapsedTimer timer;
    timer.start();
    quint64 lastVersion = engine.snapshot()->version;
    for (int i = 1; i <= kSwaps; ++i) {
        QTest::qWait(125);
        const ConfigErrors errors = engine.apply(variant(i, one, two));
        QVERIFY2(errors.empty(), qPrintable(errorsText(errors)));
        QVERIFY(engine.snapshot()->version > lastVersion);
        lastVersion = engine.snapshot()->version;
    }
    QTest::qWait(200);
    stats.stop = true;
    for (auto &t : clients)
        QVERIFY(t->join(30000));
    qInfo("%d requests across %d swaps in %lld ms; %d upstream requests on one, %d on two",
          stats.requests.load(), kSwaps, timer.elapsed(), one.requestCount(), two.requestCount());
    QVERIFY2(stats.failures == 0, qPrintable(stats.errors.join(QLatin1Char('\n'))));
    QVERIFY2(stats.requests > 200, qPrintable(QString::number(stats.requests)));
    // Both target sets were really used.
    QVERIFY(one.requestCount() > 0);
    QVERIFY(two.requestCount() > 0);
    // The last config (24 % 4 == 0, 24 % 3 == 0: /api prefix without strip, target one) holds.
    one.clear();
    RawHttpClient client(port);
    const RawResponse r = client.get("/api/x");
    QCOMPARE(r.header("X-Backend"), QByteArray("one"));
    QCOMPARE(one.lastRequest().target, QByteArray("/api/x"));
}

void TestProxyHotswap::inFlightRequestKeepsItsSnapshot()
{
    TestBackend one(QStringLiteral("one"));
    TestBackend two(QStringLiteral("two"));
    GatewayEngine engine;
    START_ENGINE(engine, variant(0, one, two)); // has the /delay route, to "one"

    RawHttpClient slow(engine.listenPort());
    QElapsedTimer timer;
    timer.start();
    QVERIFY(slow.send(RawHttpClient::buildRequest("GET", "/delay/1000", engine.listenPort())));
    QVERIFY(one.waitForRequests(1, 3000, false)); // it is in flight upstream

    // The new config drops /delay and sends /api to "two".
    QVERIFY(engine.apply(variant(1, one, two)).empty());
    RawHttpClient fresh(engine.listenPort());
    QTRY_COMPARE_WITH_TIMEOUT(fresh.get("/delay/10").status, 404, 2000);
    QCOMPARE(fresh.get("/api/json").header("X-Backend"), QByteArray("two"));

    // The slow request finishes on the snapshot it started with.
    const RawResponse r = slow.readResponse(5000);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("X-Backend"), QByteArray("one"));
    QCOMPARE(r.json().value("path").toString(), QStringLiteral("/delay/1000"));
    QVERIFY(timer.elapsed() >= 950);
    // The same connection's next request uses the new configuration.
    QCOMPARE(slow.get("/delay/10").status, 404);
    QCOMPARE(slow.get("/api/json").header("X-Backend"), QByteArray("two"));

    // An upload that started before a swap removing its route finishes whole on the old one.
    Config withUpload = variant(2, one, two);
    Config withoutUpload = withUpload;
    withoutUpload.routes.erase(withoutUpload.routes.end() - 2); // the "up" route
    QVERIFY(engine.apply(withUpload).empty());
    QTRY_COMPARE_WITH_TIMEOUT(fresh.get("/delay/1").status, 200, 2000);
    one.clear();
    two.clear();
    RawHttpClient upload(engine.listenPort());
    const qint64 size = 4 * 1024 * 1024;
    QVERIFY(upload.send("POST /up/sink HTTP/1.1\r\nHost: g\r\nContent-Length: "
                        + QByteArray::number(size) + "\r\n\r\n"));
    QVERIFY(upload.send(TestBackend::pattern(0, size / 2)));
    QTRY_VERIFY_WITH_TIMEOUT(one.requestCount() + two.requestCount() == 1, 3000);
    QVERIFY(engine.apply(withoutUpload).empty());
    QTRY_COMPARE_WITH_TIMEOUT(fresh.request("POST", "/up/sink", "x").status, 404, 2000);
    QVERIFY(upload.send(TestBackend::pattern(size / 2, size - size / 2)));
    const RawResponse done = upload.readResponse(10000);
    QVERIFY2(done.ok, qPrintable(done.error));
    QCOMPARE(done.status, 200);
    QCOMPARE(qint64(done.json().value("bytes").toDouble()), size);
    QCOMPARE(done.json().value("sha256").toString().toLatin1(), TestBackend::patternSha256(size));
}

void TestProxyHotswap::invalidConfigChangesNothing()
{
    TestBackend one(QStringLiteral("one"));
    TestBackend two(QStringLiteral("two"));
    GatewayEngine engine;
    START_ENGINE(engine, variant(0, one, two));
    const quint64 version = engine.snapshot()->version;

    Config broken = variant(1, one, two);
    broken.routes.back().service = QStringLiteral("no-such-service");
    broken.routes.front().paths = {QStringLiteral("no-leading-slash")};
    const ConfigErrors errors = engine.apply(broken);
    QVERIFY(!errors.empty());
    for (const ConfigError &e : errors)
        QVERIFY2(!e.path.isEmpty(), qPrintable(e.toString())); // each names its field
    QCOMPARE(engine.snapshot()->version, version);

    RawHttpClient client(engine.listenPort());
    const RawResponse r = client.get("/api/json");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("X-Backend"), QByteArray("one"));
    QCOMPARE(client.get("/delay/1").status, 200);
}

// stop() stops accepting, lets the in-flight request finish, then closes everything.
void TestProxyHotswap::stopFinishesInFlightRequest()
{
    TestBackend one(QStringLiteral("one"));
    TestBackend two(QStringLiteral("two"));
    GatewayEngine engine;
    START_ENGINE(engine, variant(0, one, two));
    const quint16 port = engine.listenPort();

    RawHttpClient idle(port);
    QCOMPARE(idle.get("/api/json").status, 200);
    RawHttpClient slow(port);
    QVERIFY(slow.send(RawHttpClient::buildRequest("GET", "/delay/500", port)));
    QVERIFY(one.waitForRequests(2, 3000, false));
    QElapsedTimer timer;
    timer.start();
    engine.stop(); // blocks until the workers are gone
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
    const RawResponse r = slow.readResponse(3000);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("Connection").toLower(), QByteArray("close"));
    QVERIFY(slow.isClosedByPeer(2000));
    QVERIFY(idle.isClosedByPeer(2000));
    RawHttpClient late;
    QVERIFY(!late.connectTo(port, 1000)); // no longer listening
}

QTEST_GUILESS_MAIN(TestProxyHotswap)
#include "tst_proxy_hotswap.moc"
