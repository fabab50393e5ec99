// Rate limits shared through a real Redis (a redis-server of the test's own, on a free loopback
// port): exact across two gateways, within 1 % over a minute for two porticod processes at
// twice the limit, the Admin API's usage read from Redis, and what happens while Redis is down
// or hung (local counting, open, closed), with recovery and no restart.

#include "AdminHarness.h"
#include "PorticodProcess.h"
#include "RedisTestServer.h"
#include "config/ApiKeys.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTest>

#include <atomic>
#include <mutex>

using namespace portico;
using namespace portico::test;

namespace {

const QByteArray kKey = "pk_shared000000000000000000000000000000000000";

// /limited: key auth, `perMinute` a minute per consumer; /fast: key auth, `perSecond` a second.
Config redisConfig(const QString &backendUrl, const QString &store, qint64 perMinute,
                   qint64 perSecond = 1000)
{
    Config c = baseConfig();
    c.settings.rateLimitStore = store;
    c.services.push_back(makeService(QStringLiteral("svc"), {backendUrl}));
    RouteConfig limited = makeRoute(QStringLiteral("limited"), {QStringLiteral("/limited")},
                                    QStringLiteral("svc"));
    limited.auth = {QStringLiteral("key")};
    limited.rateLimit.minute = perMinute;
    RouteConfig fast = makeRoute(QStringLiteral("fast"), {QStringLiteral("/fast")},
                                 QStringLiteral("svc"));
    fast.auth = {QStringLiteral("key")};
    fast.rateLimit.second = perSecond;
    c.routes = {limited, fast};
    for (RouteConfig &route : c.routes)
        route.stripPath = true;
    ConsumerConfig consumer;
    consumer.name = QStringLiteral("shared");
    consumer.keys = {storedApiKey(QString::fromLatin1(kKey),
                                  QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC))};
    c.consumers.append(consumer);
    return c;
}

int statusOf(quint16 port, const QByteArray &path)
{
    RawHttpClient client(port);
    return client.get(path, {{"X-API-Key", kKey}}).status;
}

// Log lines the gateway wrote meanwhile (RedisLink logs with qWarning/qInfo).
struct LogCapture
{
    LogCapture()
    {
        s_lines.clear();
        s_previous = qInstallMessageHandler(&LogCapture::handle);
    }
    ~LogCapture() { qInstallMessageHandler(s_previous); }
    static bool contains(const QString &needle)
    {
        std::lock_guard lock(s_mutex);
        return std::any_of(s_lines.begin(), s_lines.end(),
                           [&](const QString &l) { return l.contains(needle); });
    }
    static void handle(QtMsgType type, const QMessageLogContext &context, const QString &text)
    {
        {
            std::lock_guard lock(s_mutex);
            s_lines.append(text);
        }
        s_previous(type, context, text);
    }
    static inline std::mutex s_mutex;
    static inline QStringList s_lines;
    static inline QtMessageHandler s_previous = nullptr;
};

} // namespace

class TestRateLimitRedis : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void exactAcrossTwoGateways();
    void usageComesFromRedis();
    void whileRedisIsDown_data();
    void whileRedisIsDown();
    void aHungRedisTimesOut();
    void twoProcessesWithinOnePercentOverAMinute();

private:
    std::unique_ptr<RedisTestServer> m_redis;
    std::unique_ptr<TestBackend> m_backend;
    AdminHarness m_first;
    std::unique_ptr<GatewayEngine> m_second;
};

void TestRateLimitRedis::init()
{
    m_redis = std::make_unique<RedisTestServer>();
    QVERIFY2(m_redis->start(), qPrintable(m_redis->errorString()));
    m_backend = std::make_unique<TestBackend>(QStringLiteral("svc"));
}

void TestRateLimitRedis::cleanup()
{
    m_second.reset();
    m_first.stop();
    m_backend.reset();
    m_redis.reset();
}

// Two gateways (each with its own process-local counters) share one Redis: 640 requests from
// 64 clients split over both, and exactly the 200 a minute pass in all.
void TestRateLimitRedis::exactAcrossTwoGateways()
{
    const Config config = redisConfig(m_backend->url(), m_redis->url(), 200);
    const QString why = m_first.start(config);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    m_second = std::make_unique<GatewayEngine>();
    ConfigErrors errors;
    QVERIFY2(m_second->start(config, &errors), qPrintable(errorsText(errors)));
    const quint16 ports[] = {m_first.engine->listenPort(), m_second->listenPort()};
    std::atomic<int> ok{0};
    std::atomic<int> refused{0};
    std::atomic<int> other{0};
    {
        std::vector<std::unique_ptr<TestThread>> clients;
        for (int c = 0; c < 64; ++c)
            clients.push_back(std::make_unique<TestThread>([&, port = ports[c % 2]] {
                RawHttpClient client(port);
                for (int i = 0; i < 10; ++i) {
                    const int status = client.get("/limited/ok", {{"X-API-Key", kKey}}).status;
                    (status == 200 ? ok : status == 429 ? refused : other)++;
                }
            }));
        for (auto &client : clients)
            QVERIFY(client->join());
    }
    QCOMPARE(other.load(), 0);
    QCOMPARE(ok.load(), 200);
    QCOMPARE(refused.load(), 440);
    // The counts are Redis's: one sorted set of the 200 request times.
    const RedisReply counted =
        m_redis->command({"ZCARD", "portico:rl:{consumer:shared}:route:limited:minute"});
    QVERIFY2(counted.ok, counted.error.constData());
    QCOMPARE(counted.value.integer, 200);
}

void TestRateLimitRedis::usageComesFromRedis()
{
    const QString why = m_first.start(redisConfig(m_backend->url(), m_redis->url(), 50));
    QVERIFY2(why.isEmpty(), qPrintable(why));
    for (int i = 0; i < 7; ++i)
        QCOMPARE(statusOf(m_first.engine->listenPort(), "/limited/ok"), 200);
    RawHttpClient admin(m_first.server->port());
    const QJsonObject body = admin.get("/consumers/shared/usage").json();
    QCOMPARE(body[QLatin1String("store")].toString(), m_redis->url());
    const QJsonArray limits = body[QLatin1String("limits")].toArray();
    QCOMPARE(limits.size(), 2);
    QCOMPARE(limits[0][QLatin1String("route")].toString(), QStringLiteral("limited"));
    QCOMPARE(limits[0][QLatin1String("used")].toInteger(), 7);
    QCOMPARE(limits[0][QLatin1String("remaining")].toInteger(), 43);
    QCOMPARE(limits[1][QLatin1String("used")].toInteger(), 0); // /fast: not called
    m_redis->stop();
    QCOMPARE(RawHttpClient(m_first.server->port()).get("/consumers/shared/usage").status, 503);
}

void TestRateLimitRedis::whileRedisIsDown_data()
{
    QTest::addColumn<QString>("mode");
    QTest::newRow("local") << QStringLiteral("local");
    QTest::newRow("open") << QStringLiteral("open");
    QTest::newRow("closed") << QStringLiteral("closed");
}

void TestRateLimitRedis::whileRedisIsDown()
{
    QFETCH(QString, mode);
    LogCapture log;
    Config config = redisConfig(m_backend->url(), m_redis->url(), 3);
    config.settings.rateLimitRedisDown = mode;
    m_second = std::make_unique<GatewayEngine>();
    ConfigErrors errors;
    QVERIFY2(m_second->start(config, &errors), qPrintable(errorsText(errors)));
    const quint16 port = m_second->listenPort();
    QCOMPARE(statusOf(port, "/limited/ok"), 200); // counted in Redis

    m_redis->stop();
    QTRY_VERIFY_WITH_TIMEOUT(LogCapture::contains(QStringLiteral("unreachable")), 5000);
    QList<int> statuses;
    for (int i = 0; i < 5; ++i)
        statuses.append(statusOf(port, "/limited/ok"));
    if (mode == QLatin1String("local")) // this instance counts on its own: 3 a minute here
        QCOMPARE(statuses, (QList<int>{200, 200, 200, 429, 429}));
    else if (mode == QLatin1String("open"))
        QCOMPARE(statuses, (QList<int>{200, 200, 200, 200, 200}));
    else
        QCOMPARE(statuses, (QList<int>{503, 503, 503, 503, 503}));

    // Back without a restart: the next requests are counted in Redis again (it restarted
    // empty, so the limit starts over there). Each link retries at most 5 s apart, and a retry
    // may just miss the server starting: allow several retries on a loaded machine.
    QVERIFY2(m_redis->start(), qPrintable(m_redis->errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(statusOf(port, "/fast/ok") == 200
                                 && m_redis->command({"EXISTS",
                                                      "portico:rl:{consumer:shared}:route:fast:"
                                                      "second"})
                                            .value.integer
                                        == 1,
                             30000);
    QVERIFY(LogCapture::contains(QStringLiteral("reachable again")));
}

void TestRateLimitRedis::aHungRedisTimesOut()
{
    Config config = redisConfig(m_backend->url(), m_redis->url(), 100);
    config.settings.rateLimitRedisTimeoutMs = 150;
    m_second = std::make_unique<GatewayEngine>();
    ConfigErrors errors;
    QVERIFY2(m_second->start(config, &errors), qPrintable(errorsText(errors)));
    const quint16 port = m_second->listenPort();
    QCOMPARE(statusOf(port, "/limited/ok"), 200);

    QVERIFY(m_redis->freeze());
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(statusOf(port, "/limited/ok"), 200); // decided locally after the timeout
    QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(m_redis->thaw());
    QTRY_VERIFY_WITH_TIMEOUT(
        statusOf(port, "/limited/ok") == 200
            && m_redis->command({"ZCARD", "portico:rl:{consumer:shared}:route:limited:minute"})
                       .value.integer
                >= 2,
        10000);
}

// Two porticod processes, one Redis, a client pacing 100 requests a second to the two of them
// (twice the limit of 50 a second) for a minute: the combined admitted count is within 1 % of
// the 3,000 the limit allows.
void TestRateLimitRedis::twoProcessesWithinOnePercentOverAMinute()
{
    QVERIFY2(!PorticodProcess::binaryPath().isEmpty(), "PORTICOD_BINARY is not set");
    QTemporaryDir dir;
    QList<std::shared_ptr<PorticodProcess>> gateways;
    for (int g = 0; g < 2; ++g) {
        const QString file = dir.filePath(QStringLiteral("g%1.json").arg(g));
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(R"({"format_version": 1,
            "settings": {"listen": "127.0.0.1:0", "workers": 2, "rate_limit_store": ")"
                  + m_redis->url().toUtf8() + R"("},
            "services": [{"name": "svc", "url": ")" + m_backend->url().toUtf8() + R"("}],
            "routes": [{"name": "paced", "paths": ["/paced"], "strip_path": true,
                        "service": "svc", "auth": ["key"], "rate_limit": {"second": 50}}],
            "consumers": [{"name": "shared", "keys": [{"key": ")" + kKey + R"("}]}]})");
        out.close();
        auto gateway = std::make_shared<PorticodProcess>();
        QVERIFY2(gateway->start({QStringLiteral("--config"), file}),
                 qPrintable(gateway->errorString()));
        gateways.append(gateway);
    }

    constexpr int kSeconds = 60;
    constexpr int kClientsPerGateway = 5; // 10 a second each: 50 a second per gateway
    std::atomic<int> ok{0};
    std::atomic<int> refused{0};
    std::atomic<int> other{0};
    QElapsedTimer clock;
    clock.start();
    {
        std::vector<std::unique_ptr<TestThread>> clients;
        for (int c = 0; c < 2 * kClientsPerGateway; ++c) {
            const quint16 port = gateways[c % 2]->port();
            const qint64 offsetMs = c * 10; // spread the sends evenly
            clients.push_back(std::make_unique<TestThread>([&, port, offsetMs] {
                RawHttpClient client(port);
                for (qint64 n = 0; n * 100 + offsetMs < kSeconds * 1000; ++n) {
                    const qint64 wait = n * 100 + offsetMs - clock.elapsed();
                    if (wait > 0)
                        QThread::msleep(wait);
                    const int status = client.get("/paced/x", {{"X-API-Key", kKey}}).status;
                    (status == 200 ? ok : status == 429 ? refused : other)++;
                }
            }));
        }
        for (auto &client : clients)
            QVERIFY(client->join(2 * kSeconds * 1000));
    }
    const int expected = 50 * kSeconds;
    qInfo("paced at 100/s for %lld ms: %d admitted (expected %d, %+.2f %%), %d refused, %d other",
          clock.elapsed(), ok.load(), expected, 100.0 * (ok.load() - expected) / expected,
          refused.load(), other.load());
    QCOMPARE(other.load(), 0);
    QCOMPARE(ok.load() + refused.load(), 100 * kSeconds);
    QVERIFY2(std::abs(ok.load() - expected) <= expected / 100, qPrintable(QString::number(ok)));
    for (auto &gateway : gateways)
        QCOMPARE(gateway->terminate(), 0);
}

QTEST_MAIN(TestRateLimitRedis)
#include "tst_rate_limit_redis.moc"
