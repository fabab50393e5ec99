// The access log of a real gateway: settings.access_log on, requests through it to a
// TestBackend (proxied with a consumer, proxied anonymously, refused for want of a route) come
// out as JSON lines with the right fields, and no API key, Authorization value or credential
// query value appears anywhere in the file. Applying a new configuration moves the log to
// another file without losing a line, and an empty access_log stops it.

#include "IntegrationFixtures.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace portico;
using namespace portico::test;

namespace {

const QByteArray kAppKey = "pk_logtest000000000000000000000000000000000";
const QByteArray kBearer = "Bearer opaque-bearer-secret-7f3a";
const QByteArray kQueryKey = "querykey-secret-91c2";
const QByteArray kQueryToken = "access-token-secret-44d1";

// /keyed: key auth (consumer "app"); /open: public. Both strip their prefix.
Config logConfig(const QString &backendUrl, const QString &logPath)
{
    Config c = baseConfig();
    c.services.push_back(makeService(QStringLiteral("svc"), {backendUrl}));
    RouteConfig keyed =
        makeRoute(QStringLiteral("keyed"), {QStringLiteral("/keyed")}, QStringLiteral("svc"));
    keyed.auth = {QStringLiteral("key")};
    keyed.keyInQuery = true;
    RouteConfig open =
        makeRoute(QStringLiteral("open"), {QStringLiteral("/open")}, QStringLiteral("svc"));
    c.routes = {keyed, open};
    for (RouteConfig &route : c.routes)
        route.stripPath = true;
    c.consumers.append(makeConsumer(QStringLiteral("app"), kAppKey));
    c.settings.observe.accessLog = logPath;
    return c;
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// The file's lines parsed; a line that is not a JSON object comes back empty.
QList<QJsonObject> readLines(const QString &path)
{
    QList<QJsonObject> lines;
    const QByteArray all = readFile(path);
    for (const QByteArray &line : all.split('\n')) {
        if (line.isEmpty())
            continue;
        lines << QJsonDocument::fromJson(line).object();
    }
    return lines;
}

bool waitForLines(const QString &path, int n, int timeoutMs = 5000)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (readLines(path).size() < n) {
        if (deadline.hasExpired())
            return false;
        QTest::qWait(20);
    }
    return true;
}

QStringList stages(const QJsonObject &line)
{
    QStringList out;
    for (const QJsonValue &d : line.value(QLatin1String("decisions")).toArray())
        out << d.toObject().value(QLatin1String("stage")).toString();
    return out;
}

} // namespace

class TestAccessLogGateway : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void logsRequestsWithoutSecrets();
    void followsConfigurationChanges();
};

void TestAccessLogGateway::logsRequestsWithoutSecrets()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString logPath = dir.filePath(QStringLiteral("access.log"));
    TestBackend backend(QStringLiteral("svc"));
    GatewayEngine engine;
    START_ENGINE(engine, logConfig(backend.url(), logPath));

    RawHttpClient client(engine.listenPort());
    QVERIFY(client.isConnected());
    const quint16 clientPort = client.socket()->localPort();
    // Every kind of credential at once, on an authenticated route and on a public one.
    const RawHeaders secrets = {{"X-API-Key", kAppKey}, {"Authorization", kBearer}};
    const RawResponse keyed = client.get(
        "/keyed/json?apikey=" + kQueryKey + "&page=2&access_token=" + kQueryToken, secrets);
    QCOMPARE(keyed.status, 200);
    const RawResponse open =
        client.request("POST", "/open/echo?api_key=" + kQueryKey, "hello", secrets);
    QCOMPARE(open.status, 200);
    const RawResponse missing = client.get("/nowhere?apikey=" + kQueryKey, secrets);
    QCOMPARE(missing.status, 404);
    QCOMPARE(backend.requestCount(), 2);
    const QByteArray upstreamTrace = backend.requests()[0].headers.value("traceparent");

    QVERIFY(waitForLines(logPath, 3));
    const QByteArray file = readFile(logPath);
    for (const QByteArray &secret : {kAppKey, kBearer, kBearer.mid(7), kQueryKey, kQueryToken})
        QVERIFY2(!file.contains(secret), secret.constData());
    QVERIFY(!file.contains("Authorization"));
    QVERIFY(!file.contains("X-API-Key"));

    const QList<QJsonObject> lines = readLines(logPath);
    QCOMPARE(lines.size(), 3);
    for (const QJsonObject &line : lines) {
        QVERIFY(!line.isEmpty()); // parsed as JSON
        QCOMPARE(line.value("client_ip").toString(), QStringLiteral("127.0.0.1"));
        QCOMPARE(line.value("client_port").toInt(), int(clientPort));
        QCOMPARE(line.value("http_version").toString(), QStringLiteral("HTTP/1.1"));
        QVERIFY(line.value("host").toString().startsWith(QLatin1String("127.0.0.1")));
        QVERIFY(line.value("total_us").toInteger() >= 0);
        QVERIFY(!line.value("total_us").isNull());
        QCOMPARE(line.value("trace_id").toString().size(), 32);
        const QDateTime time =
            QDateTime::fromString(line.value("time").toString(), Qt::ISODateWithMs);
        QVERIFY(time.isValid());
        QVERIFY(qAbs(time.msecsTo(QDateTime::currentDateTimeUtc())) < 60'000);
        QVERIFY(line.value("time").toString().endsWith(QLatin1Char('Z')));
    }

    const QJsonObject &k = lines[0];
    QCOMPARE(k.value("id").toString().toLatin1(), keyed.header("X-Request-Id"));
    QCOMPARE(k.value("method").toString(), QStringLiteral("GET"));
    // The target as the client sent it, its credentials redacted (the key policy takes the
    // apikey parameter out before forwarding; the log still shows it was there).
    QCOMPARE(k.value("path").toString(),
             QStringLiteral("/keyed/json?apikey=[redacted]&page=2&access_token=[redacted]"));
    QCOMPARE(k.value("status").toInt(), 200);
    QCOMPARE(k.value("route").toString(), QStringLiteral("keyed"));
    QCOMPARE(k.value("consumer").toString(), QStringLiteral("app"));
    QCOMPARE(k.value("upstream_service").toString(), QStringLiteral("svc"));
    QCOMPARE(k.value("upstream_target").toString(), backend.url());
    QVERIFY(!k.value("upstream_us").isNull());
    QVERIFY(k.value("upstream_us").toInteger() <= k.value("total_us").toInteger());
    QCOMPARE(k.value("trace_id").toString().toLatin1(), upstreamTrace.mid(3, 32));
    QVERIFY(stages(k).contains(QStringLiteral("route")));
    QVERIFY(stages(k).contains(QStringLiteral("upstream")));

    const QJsonObject &o = lines[1];
    QCOMPARE(o.value("id").toString().toLatin1(), open.header("X-Request-Id"));
    QCOMPARE(o.value("method").toString(), QStringLiteral("POST"));
    QCOMPARE(o.value("path").toString(), QStringLiteral("/open/echo?api_key=[redacted]"));
    QCOMPARE(o.value("status").toInt(), 200);
    QCOMPARE(o.value("request_bytes").toInt(), 5);
    QCOMPARE(o.value("route").toString(), QStringLiteral("open"));
    QVERIFY(o.value("consumer").isNull());
    QVERIFY(o.value("key_prefix").isNull());

    const QJsonObject &m = lines[2];
    QCOMPARE(m.value("path").toString(), QStringLiteral("/nowhere?apikey=[redacted]"));
    QCOMPARE(m.value("status").toInt(), 404);
    QVERIFY(m.value("route").isNull());
    QVERIFY(m.value("upstream_service").isNull());
    QVERIFY(m.value("upstream_target").isNull());
    QVERIFY(m.value("upstream_us").isNull());
    QCOMPARE(stages(m), QStringList({"route", "local_reply"}));
}

void TestAccessLogGateway::followsConfigurationChanges()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString first = dir.filePath(QStringLiteral("first.log"));
    const QString second = dir.filePath(QStringLiteral("second.log"));
    TestBackend backend(QStringLiteral("svc"));
    GatewayEngine engine;
    START_ENGINE(engine, logConfig(backend.url(), first));

    // Load on several connections while the log moves to another file: every answered
    // request is in one of the two, once.
    constexpr int kClients = 4;
    constexpr int kPerClient = 100;
    std::atomic<int> answered{0};
    {
        std::vector<std::unique_ptr<TestThread>> clients;
        for (int c = 0; c < kClients; ++c) {
            clients.push_back(std::make_unique<TestThread>([&, port = engine.listenPort()] {
                RawHttpClient client(port);
                for (int i = 0; i < kPerClient; ++i) {
                    if (client.get("/open/json").status == 200)
                        ++answered;
                }
            }));
        }
        QVERIFY(
            QTest::qWaitFor([&] { return answered.load() >= kClients * kPerClient / 4; }, 10000));
        QVERIFY(engine.apply(logConfig(backend.url(), second)).empty());
    }
    QCOMPARE(answered.load(), kClients * kPerClient);
    QVERIFY(QTest::qWaitFor(
        [&] { return readLines(first).size() + readLines(second).size() >= answered.load(); },
        5000));
    QSet<QString> ids;
    for (const QString &path : {first, second}) {
        for (const QJsonObject &line : readLines(path)) {
            QVERIFY(!line.isEmpty());
            ids.insert(line.value("id").toString());
        }
    }
    QCOMPARE(ids.size(), kClients * kPerClient);
    QVERIFY(readLines(first).size() > 0);
    QVERIFY(readLines(second).size() > 0);

    // Turned off: no more lines anywhere.
    Config off = logConfig(backend.url(), QString());
    QVERIFY(engine.apply(off).empty());
    const qsizetype before = readLines(first).size() + readLines(second).size();
    RawHttpClient client(engine.listenPort());
    QCOMPARE(client.get("/open/json").status, 200);
    QTest::qWait(600);
    QCOMPARE(readLines(first).size() + readLines(second).size(), before);

    // And on again, at stop every line is in.
    QVERIFY(engine.apply(logConfig(backend.url(), first)).empty());
    for (int i = 0; i < 20; ++i)
        QCOMPARE(client.get("/open/json").status, 200);
    engine.stop();
    QCOMPARE(readLines(first).size() + readLines(second).size(), before + 20);
}

QTEST_GUILESS_MAIN(TestAccessLogGateway)
#include "tst_access_log_gateway.moc"
