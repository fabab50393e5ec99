// Rate limits over real sockets: exact under 64 concurrent clients with 2 and 4 workers, a
// calm client never refused meanwhile, sliding windows refilling over time, the 429 answer and
// the RateLimit fields, plan edits applying at once, and the Admin API's usage.

#include "AdminHarness.h"
#include "config/ApiKeys.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTest>

#include <atomic>

using namespace portico;
using namespace portico::test;

namespace {

const QByteArray kHammerKey = "pk_hammer00000000000000000000000000000000000";
const QByteArray kCalmKey = "pk_calm0000000000000000000000000000000000000";
const QByteArray kFreeKey = "pk_free0000000000000000000000000000000000000";

ConsumerConfig consumer(const QString &name, const QByteArray &key, const QString &plan = {})
{
    ConsumerConfig c;
    c.name = name;
    c.plan = plan;
    c.keys = {storedApiKey(QString::fromLatin1(key),
                           QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC))};
    return c;
}

// /limited: key auth, 300 a minute per consumer; /open: 40 a second per client address;
// /planned: key auth, no limit of its own (plan "free": 5 a minute applies).
Config limitsConfig(const QString &backendUrl, int workers)
{
    Config c = baseConfig();
    c.settings.workers = workers;
    c.services.push_back(makeService(QStringLiteral("svc"), {backendUrl}));
    RouteConfig limited = makeRoute(QStringLiteral("limited"), {QStringLiteral("/limited")},
                                    QStringLiteral("svc"));
    limited.auth = {QStringLiteral("key")};
    limited.rateLimit.minute = 300;
    RouteConfig open = makeRoute(QStringLiteral("open"), {QStringLiteral("/open")},
                                 QStringLiteral("svc"));
    open.rateLimit.second = 40;
    RouteConfig planned = makeRoute(QStringLiteral("planned"), {QStringLiteral("/planned")},
                                    QStringLiteral("svc"));
    planned.auth = {QStringLiteral("key")};
    c.routes = {limited, open, planned};
    for (RouteConfig &route : c.routes)
        route.stripPath = true;
    c.plans.push_back({QStringLiteral("free"), {.minute = 5}});
    c.consumers.append(consumer(QStringLiteral("hammer"), kHammerKey));
    c.consumers.append(consumer(QStringLiteral("calm"), kCalmKey));
    c.consumers.append(consumer(QStringLiteral("freebie"), kFreeKey, QStringLiteral("free")));
    return c;
}

struct Tally
{
    std::atomic<int> ok{0};
    std::atomic<int> refused{0};
    std::atomic<int> other{0};
    std::atomic<int> badRefusals{0}; // a 429 without Retry-After, RateLimit or JSON error
};

// Sends `count` requests on one keep-alive connection, as fast as answers come.
void hammer(quint16 port, const QByteArray &path, const RawHeaders &headers, int count,
            Tally &tally)
{
    RawHttpClient client(port);
    for (int i = 0; i < count; ++i) {
        const RawResponse r = client.get(path, headers);
        if (r.status == 200) {
            ++tally.ok;
        } else if (r.status == 429) {
            ++tally.refused;
            if (r.header("Retry-After").toInt() < 1 || r.header("RateLimit").isEmpty()
                || r.json().value("error").toString() != QLatin1String("rate limit exceeded"))
                ++tally.badRefusals;
        } else {
            ++tally.other;
        }
    }
}

} // namespace

class TestRateLimiting : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup();

    void exactUnderConcurrentClients_data();
    void exactUnderConcurrentClients();
    void slidingWindowRefillsOverTime();
    void answersCarryRateLimitFields();
    void planEditsApplyAtOnce();
    void usageCountsNothing();

private:
    void startAll(int workers);

    std::unique_ptr<TestBackend> m_backend;
    AdminHarness m_stack;
};

void TestRateLimiting::startAll(int workers)
{
    m_backend = std::make_unique<TestBackend>(QStringLiteral("svc"));
    const QString why = m_stack.start(limitsConfig(m_backend->url(), workers));
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

void TestRateLimiting::cleanup()
{
    m_stack.stop();
    m_backend.reset();
}

void TestRateLimiting::exactUnderConcurrentClients_data()
{
    QTest::addColumn<int>("workers");
    QTest::newRow("2 workers") << 2;
    QTest::newRow("4 workers") << 4;
}

// 64 clients send 1,280 requests with one key in well under a minute: exactly the 300 a
// minute pass, whatever the workers' interleaving. Meanwhile a client with its own key and
// room to spare is never refused.
void TestRateLimiting::exactUnderConcurrentClients()
{
    QFETCH(int, workers);
    startAll(workers);
    const quint16 port = m_stack.engine->listenPort();
    Tally hammered;
    Tally calm;
    {
        std::vector<std::unique_ptr<TestThread>> clients;
        for (int c = 0; c < 64; ++c)
            clients.push_back(std::make_unique<TestThread>([&] {
                hammer(port, "/limited/ok", {{"X-API-Key", kHammerKey}}, 20, hammered);
            }));
        clients.push_back(std::make_unique<TestThread>([&] {
            for (int i = 0; i < 20; ++i) {
                hammer(port, "/limited/ok", {{"X-API-Key", kCalmKey}}, 1, calm);
                QThread::msleep(20);
            }
        }));
        for (auto &client : clients)
            QVERIFY(client->join());
    }
    QCOMPARE(hammered.other.load(), 0);
    QCOMPARE(hammered.ok.load(), 300);
    QCOMPARE(hammered.refused.load(), 64 * 20 - 300);
    QCOMPARE(hammered.badRefusals.load(), 0);
    QCOMPARE(calm.ok.load(), 20);
}

// Anonymous callers share their address's limit: 40 a second. Hammered for about two and a
// half seconds, the window slides: more than one second's worth passes, never more than one
// limit per started second.
void TestRateLimiting::slidingWindowRefillsOverTime()
{
    startAll(2);
    const quint16 port = m_stack.engine->listenPort();
    Tally tally;
    std::atomic<bool> stop{false};
    QElapsedTimer elapsed;
    elapsed.start();
    {
        std::vector<std::unique_ptr<TestThread>> clients;
        for (int c = 0; c < 8; ++c)
            clients.push_back(std::make_unique<TestThread>([&] {
                while (!stop.load())
                    hammer(port, "/open/ok", {}, 10, tally);
            }));
        QTest::qWait(2500);
        stop = true;
        for (auto &client : clients)
            QVERIFY(client->join());
    }
    const qint64 seconds = (elapsed.elapsed() + 999) / 1000;
    QCOMPARE(tally.other.load(), 0);
    QVERIFY2(tally.ok.load() > 40 * 2, qPrintable(QString::number(tally.ok.load())));
    QVERIFY2(tally.ok.load() <= 40 * seconds, qPrintable(QString::number(tally.ok.load())));
    QVERIFY(tally.refused.load() > 0);
}

void TestRateLimiting::answersCarryRateLimitFields()
{
    startAll(2);
    const RawHeaders key{{"X-API-Key", kFreeKey}};
    RawResponse r = m_stack.get("/planned/ok", key);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("RateLimit-Policy"), QByteArray(R"("plan.minute";q=5;w=60)"));
    QCOMPARE(r.header("RateLimit"), QByteArray(R"("plan.minute";r=4;t=60)"));
    QVERIFY(r.header("X-RateLimit-Limit").isEmpty()); // "ietf" is the default
    for (int i = 0; i < 4; ++i)
        QCOMPARE(m_stack.get("/planned/ok", key).status, 200);
    r = m_stack.get("/planned/ok", key);
    QCOMPARE(r.status, 429);
    QCOMPARE(r.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(r.json().value("error").toString(), QStringLiteral("rate limit exceeded"));
    const int retryAfter = r.header("Retry-After").toInt();
    QVERIFY2(retryAfter >= 59 && retryAfter <= 60, r.header("Retry-After").constData());
    QCOMPARE(r.header("RateLimit"),
             QByteArray(R"("plan.minute";r=0;t=)") + r.header("Retry-After"));
    QCOMPARE(m_backend->requestCount(), 5); // the refused one never reached the service

    // Both styles on request; a route's own limit and the plan together.
    Config both = m_stack.config->config();
    both.settings.rateLimitHeaders = QStringLiteral("both");
    QVERIFY(m_stack.config->replace(both, ConfigSource::Admin, QStringLiteral("test")).ok());
    QCOMPARE(m_stack.admin("PATCH", "/routes/planned", R"({"rate_limit": {"second": 100}})").status,
             200);
    r = m_stack.get("/planned/ok", key);
    QCOMPARE(r.status, 429);
    QCOMPARE(r.header("RateLimit-Policy"),
             QByteArray(R"("route.second";q=100;w=1, "plan.minute";q=5;w=60)"));
    QCOMPARE(r.header("X-RateLimit-Limit"), QByteArray("5"));
    QCOMPARE(r.header("X-RateLimit-Remaining"), QByteArray("0"));
    QCOMPARE(r.header("X-RateLimit-Reset"), r.header("Retry-After"));
}

void TestRateLimiting::planEditsApplyAtOnce()
{
    startAll(2);
    const RawHeaders key{{"X-API-Key", kFreeKey}};
    for (int i = 0; i < 5; ++i)
        QCOMPARE(m_stack.get("/planned/ok", key).status, 200);
    QCOMPARE(m_stack.get("/planned/ok", key).status, 429);

    // Raised: the very next request has room, counted against the new limit.
    QCOMPARE(m_stack.admin("PUT", "/plans/free",
                           R"({"name": "free", "limits": {"minute": 10}})")
                 .status,
             200);
    RawResponse r = m_stack.get("/planned/ok", key);
    QCOMPARE(r.status, 200);
    QVERIFY(r.header("RateLimit").startsWith(R"("plan.minute";r=4;t=)"));

    // Lowered below what is used (6): nothing remains, and usage says so.
    QCOMPARE(m_stack.admin("PUT", "/plans/free",
                           R"({"name": "free", "limits": {"minute": 3}})")
                 .status,
             200);
    QCOMPARE(m_stack.get("/planned/ok", key).status, 429);
    const QJsonArray limits =
        m_stack.admin("GET", "/consumers/freebie/usage").json().value("limits").toArray();
    QCOMPARE(limits.size(), 2); // the plan's, then /limited's own (it authenticates too)
    QCOMPARE(limits[0][QLatin1String("scope")].toString(), QStringLiteral("plan"));
    QCOMPARE(limits[0][QLatin1String("limit")].toInteger(), 3);
    QCOMPARE(limits[0][QLatin1String("remaining")].toInteger(), 0);
    QCOMPARE(limits[0][QLatin1String("used")].toInteger(), 6);

    // Another plan for the consumer: its counters stay, the new limits apply.
    QCOMPARE(
        m_stack.admin("POST", "/plans", R"({"name": "pro", "limits": {"minute": 100}})").status,
        201);
    QCOMPARE(m_stack.admin("PATCH", "/consumers/freebie", R"({"plan": "pro"})").status, 200);
    r = m_stack.get("/planned/ok", key);
    QCOMPARE(r.status, 200);
    QVERIFY(r.header("RateLimit").startsWith(R"("plan.minute";r=93;t=)"));
}

void TestRateLimiting::usageCountsNothing()
{
    startAll(2);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(m_stack.get("/limited/ok", {{"X-API-Key", kCalmKey}}).status, 200);
    QCOMPARE(m_stack.admin("PATCH", "/consumers/calm", R"({"plan": "free"})").status, 200);
    QCOMPARE(m_stack.get("/planned/ok", {{"X-API-Key", kCalmKey}}).status, 200);
    for (int i = 0; i < 2; ++i) {
        const RawResponse r = m_stack.admin("GET", "/consumers/calm/usage");
        QCOMPARE(r.status, 200);
        const QJsonObject body = r.json();
        QCOMPARE(body[QLatin1String("consumer")].toString(), QStringLiteral("calm"));
        QCOMPARE(body[QLatin1String("plan")].toString(), QStringLiteral("free"));
        QCOMPARE(body[QLatin1String("store")].toString(), QStringLiteral("local"));
        const QJsonArray limits = body[QLatin1String("limits")].toArray();
        QCOMPARE(limits.size(), 2);
        QCOMPARE(limits[0][QLatin1String("scope")].toString(), QStringLiteral("plan"));
        QCOMPARE(limits[0][QLatin1String("window")].toString(), QStringLiteral("minute"));
        QCOMPARE(limits[0][QLatin1String("used")].toInteger(), 1);
        QCOMPARE(limits[0][QLatin1String("remaining")].toInteger(), 4);
        QCOMPARE(limits[1][QLatin1String("scope")].toString(), QStringLiteral("route"));
        QCOMPARE(limits[1][QLatin1String("route")].toString(), QStringLiteral("limited"));
        QCOMPARE(limits[1][QLatin1String("used")].toInteger(), 3);
        QCOMPARE(limits[1][QLatin1String("remaining")].toInteger(), 297);
        const QDateTime reset =
            QDateTime::fromString(limits[1][QLatin1String("reset")].toString(), Qt::ISODate);
        QVERIFY(reset > QDateTime::currentDateTimeUtc().addSecs(50));
    }
    QCOMPARE(m_stack.admin("GET", "/consumers/nobody/usage").status, 404);
    QCOMPARE(m_stack.admin("POST", "/consumers/calm/usage").status, 405);
}

QTEST_MAIN(TestRateLimiting)
#include "tst_rate_limiting.moc"
