// Load balancing and passive health over real sockets: a 90/10 weighted split over 10,000
// requests from parallel keep-alive clients, ejection of a target that refuses connections, and
// its return once the ejection has run out.
#include "IntegrationFixtures.h"

#include <QMutex>
#include <QtTest>

using namespace portico;
using namespace portico::test;

namespace {

struct LoadResult
{
    std::atomic<int> byBackend[3]{}; // 0 = "a", 1 = "b", 2 = anything else
    std::atomic<int> failures{0};
    std::atomic<int> reconnects{0};
    QMutex mutex;
    QString firstError;

    void fail(const QString &why)
    {
        failures.fetch_add(1);
        QMutexLocker lock(&mutex);
        if (firstError.isEmpty())
            firstError = why;
    }
};

// `clients` threads, each sending `perClient` GETs on keep-alive connections (reconnecting if the
// gateway closes one), counting who answered.
void runLoad(quint16 port, int clients, int perClient, LoadResult &result)
{
    std::vector<std::unique_ptr<TestThread>> threads;
    for (int c = 0; c < clients; ++c) {
        threads.push_back(std::make_unique<TestThread>([port, perClient, &result] {
            RawHttpClient client(port);
            for (int i = 0; i < perClient; ++i) {
                if (!client.isConnected()) {
                    result.reconnects.fetch_add(1);
                    if (!client.connectTo(port)) {
                        result.fail(QStringLiteral("cannot reconnect"));
                        return;
                    }
                }
                const RawResponse r = client.get("/json", {}, 10000);
                if (!r.ok || r.status != 200) {
                    result.fail(QStringLiteral("request %1: %2 %3").arg(i).arg(r.status).arg(r.error));
                    client.close();
                    continue;
                }
                const QByteArray who = r.header("X-Backend");
                result.byBackend[who == "a" ? 0 : who == "b" ? 1 : 2].fetch_add(1);
                if (!r.keepAlive)
                    client.close();
            }
        }));
    }
    for (auto &t : threads)
        t->join(120000);
}

} // namespace

class TestProxyBalancing : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void weightedSplit();
    void deadTargetTransparentWithRetry();
    void ejectionAndReturn();
};

void TestProxyBalancing::weightedSplit()
{
    TestBackend a(QStringLiteral("a"));
    TestBackend b(QStringLiteral("b"));
    Config config = baseConfig();
    config.services.push_back(makeService(QStringLiteral("svc"), {a.url(), b.url()}, {90, 10}));
    config.routes.push_back(makeRoute(QStringLiteral("all"), {QStringLiteral("/")},
                                      QStringLiteral("svc")));
    GatewayEngine engine;
    START_ENGINE(engine, config);

    constexpr int kClients = 4;
    constexpr int kPerClient = 2500;
    LoadResult result;
    QElapsedTimer timer;
    timer.start();
    runLoad(engine.listenPort(), kClients, kPerClient, result);
    const qint64 ms = timer.elapsed();
    QVERIFY2(result.failures == 0, qPrintable(result.firstError));
    const int total = kClients * kPerClient;
    const int countA = result.byBackend[0];
    const int countB = result.byBackend[1];
    QCOMPARE(countA + countB, total);
    QCOMPARE(result.byBackend[2].load(), 0);
    const double shareA = 100.0 * countA / total;
    qInfo("%d requests in %lld ms: a %d (%.2f%%), b %d; %d reconnects", total, ms, countA, shareA,
          countB, result.reconnects.load());
    QVERIFY2(qAbs(shareA - 90.0) <= 2.0, qPrintable(QString::number(shareA)));
    // The backends saw the same split (nothing retried, nothing duplicated).
    QCOMPARE(a.requestCount(), countA);
    QCOMPARE(b.requestCount(), countB);
    // Keep-alive all the way: a handful of upstream connections, not one per request.
    QVERIFY2(a.connectionCount() + b.connectionCount() <= 4 * kClients,
             qPrintable(QStringLiteral("%1 + %2 upstream connections")
                            .arg(a.connectionCount())
                            .arg(b.connectionCount())));
}

// A dead target in rotation costs nothing visible with retries on: every request succeeds on the
// live one, from several clients at once, while the dead one gets ejected.
void TestProxyBalancing::deadTargetTransparentWithRetry()
{
    TestBackend live(QStringLiteral("a"));
    const quint16 dead = closedPort();
    Config config = baseConfig();
    config.services.push_back(
        makeService(QStringLiteral("svc"), {urlForPort(dead), live.url()}, {50, 50}));
    config.routes.push_back(makeRoute(QStringLiteral("all"), {QStringLiteral("/")},
                                      QStringLiteral("svc")));
    config.settings.ejectAfterFailures = 3;
    config.settings.ejectDurationMs = 60'000;
    GatewayEngine engine;
    START_ENGINE(engine, config);

    LoadResult result;
    runLoad(engine.listenPort(), 4, 100, result);
    QVERIFY2(result.failures == 0, qPrintable(result.firstError));
    QCOMPARE(result.byBackend[0].load(), 400);
    QCOMPARE(live.requestCount(), 400);
}

// retries: 0 makes every try on the dead target visible as a 502, so the ejection can be counted
// exactly: ejectAfterFailures failures, then none while ejected; after ejectDurationMs one more
// try (failing: ejected again at once); once something listens there it is back in rotation.
void TestProxyBalancing::ejectionAndReturn()
{
    constexpr int kEjectAfter = 2;
    constexpr int kEjectMs = 600;
    TestBackend live(QStringLiteral("a"));
    const quint16 deadPort = closedPort();
    QVERIFY(deadPort != 0);
    Config config = baseConfig();
    config.services.push_back(
        makeService(QStringLiteral("svc"), {urlForPort(deadPort), live.url()}, {50, 50}));
    config.services[0].retries = 0;
    config.routes.push_back(makeRoute(QStringLiteral("all"), {QStringLiteral("/")},
                                      QStringLiteral("svc")));
    config.settings.ejectAfterFailures = kEjectAfter;
    config.settings.ejectDurationMs = kEjectMs;
    GatewayEngine engine;
    START_ENGINE(engine, config);

    RawHttpClient client(engine.listenPort());
    auto send = [&client](int *failures) -> QByteArray {
        const RawResponse r = client.get("/json");
        if (!r.ok)
            return QByteArray("error: ").append(r.error.toLatin1());
        if (r.status == 502)
            ++*failures;
        else if (r.status != 200)
            return QByteArray("status ").append(QByteArray::number(r.status));
        return r.status == 200 ? r.header("X-Backend") : QByteArray("502");
    };

    // 1. Alternating picks: the dead target fails kEjectAfter times, then is skipped.
    int failures = 0;
    QElapsedTimer sinceEjection;
    for (int i = 0; i < 20; ++i) {
        const QByteArray who = send(&failures);
        QVERIFY2(who == "a" || who == "502", who.constData());
        if (who == "502" && failures == kEjectAfter)
            sinceEjection.start();
    }
    QCOMPARE(failures, kEjectAfter);
    QCOMPARE(live.requestCount(), 20 - kEjectAfter);

    // 2. Still ejected for a while: requests keep succeeding on the live target.
    while (sinceEjection.elapsed() < kEjectMs - 200) {
        int f = 0;
        QCOMPARE(send(&f), QByteArray("a"));
        QTest::qWait(20);
    }

    // 3. After the ejection the dead target is tried again; still dead, it fails once and is
    //    ejected again at once (no new run of kEjectAfter failures).
    QTest::qWait(300);
    failures = 0;
    QElapsedTimer sinceSecondEjection;
    for (int i = 0; i < 10; ++i) {
        const QByteArray who = send(&failures);
        QVERIFY2(who == "a" || who == "502", who.constData());
        if (who == "502" && !sinceSecondEjection.isValid())
            sinceSecondEjection.start();
    }
    QCOMPARE(failures, 1);
    QVERIFY(sinceSecondEjection.isValid());

    // 4. Something listens on the dead port now. While ejected it gets nothing; after
    //    ejectDurationMs it is back in rotation and takes its share.
    ScriptedOrigin revived(deadPort, ScriptedOrigin::okResponse("revived"));
    QVERIFY(revived.isListening());
    while (sinceSecondEjection.elapsed() < kEjectMs - 200) {
        int f = 0;
        QCOMPARE(send(&f), QByteArray("a"));
        QTest::qWait(20);
    }
    QCOMPARE(revived.requestCount(), 0);
    qint64 backAfterMs = -1;
    while (sinceSecondEjection.elapsed() < kEjectMs + 3000) {
        int f = 0;
        const QByteArray who = send(&f);
        QVERIFY2(who == "a" || who == "revived", who.constData());
        if (who == "revived") {
            backAfterMs = sinceSecondEjection.elapsed();
            break;
        }
        QTest::qWait(20);
    }
    QVERIFY2(backAfterMs >= kEjectMs - 200, qPrintable(QString::number(backAfterMs)));
    // Back in rotation: the 50/50 split resumes.
    int revivedCount = 0;
    for (int i = 0; i < 20; ++i) {
        int f = 0;
        const QByteArray who = send(&f);
        QVERIFY2(who == "a" || who == "revived", who.constData());
        revivedCount += who == "revived" ? 1 : 0;
    }
    QVERIFY2(revivedCount >= 8 && revivedCount <= 12, qPrintable(QString::number(revivedCount)));
}

QTEST_GUILESS_MAIN(TestProxyBalancing)
#include "tst_proxy_balancing.moc"
