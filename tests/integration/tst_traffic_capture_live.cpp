// The capture behind the inspector and GET /traffic, on a real gateway: each request's record
// holds what the gateway decided (route, consumer and key prefix, rate limit, upstream, local
// replies, timings) and its headers; capture only while someone watches; no secret reaches a
// record, the Admin API's JSON or its HAR; malformed requests are recorded too; the ring stays
// within its bounds under load.

#include "AdminHarness.h"
#include "observe/HarFormat.h"
#include "observe/TrafficCapture.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace portico;
using namespace portico::test;

namespace {

const QByteArray kAppKey = "pk_capture000000000000000000000000000000000";

// /keyed: key auth and 2 a minute per consumer; /open: public. Both strip their prefix.
Config captureConfig(const QString &backendUrl, int records = 100)
{
    Config c = baseConfig();
    c.settings.observe.captureRecords = records;
    c.services.push_back(makeService(QStringLiteral("svc"), {backendUrl}));
    RouteConfig keyed =
        makeRoute(QStringLiteral("keyed"), {QStringLiteral("/keyed")}, QStringLiteral("svc"));
    keyed.auth = {QStringLiteral("key")};
    keyed.rateLimit.minute = 2;
    RouteConfig open =
        makeRoute(QStringLiteral("open"), {QStringLiteral("/open")}, QStringLiteral("svc"));
    c.routes = {keyed, open};
    for (RouteConfig &route : c.routes)
        route.stripPath = true;
    c.consumers.append(makeConsumer(QStringLiteral("app"), kAppKey));
    return c;
}

QByteArray decisionsText(const CaptureRecord &record)
{
    QByteArray out;
    for (const auto &[stage, decision] : record.decisions)
        out += stage + '=' + decision + "; ";
    return out;
}

QByteArray decision(const CaptureRecord &record, QByteArrayView stage)
{
    for (const auto &[s, d] : record.decisions) {
        if (s == stage)
            return d;
    }
    return {};
}

const CapturedField *field(const std::vector<CapturedField> &fields, QByteArrayView name)
{
    for (const CapturedField &f : fields) {
        if (f.name.compare(name, Qt::CaseInsensitive) == 0)
            return &f;
    }
    return nullptr;
}

} // namespace

class TestTrafficCaptureLive : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void recordsWhatTheGatewayDecided();
    void capturesOnlyWhileWatched();
    void noSecretInRecordsOrTheAdminApi();
    void malformedRequestsAreRecorded();
    void ringStaysBoundedUnderLoad();
    void trafficEndpointPollsAndRefusesBadInput();

private:
    AdminHarness m_harness;
};

void TestTrafficCaptureLive::recordsWhatTheGatewayDecided()
{
    TestBackend backend(QStringLiteral("svc"));
    GatewayEngine engine;
    START_ENGINE(engine, captureConfig(backend.url()));
    TrafficCapture &capture = engine.capture();
    const std::shared_ptr<void> watching = capture.watch(); // as the open inspector does

    RawHttpClient client(engine.listenPort());
    const RawHeaders key{{"X-API-Key", kAppKey}, {"X-Request-Id", "req-one"}};
    QCOMPARE(client.get("/keyed/json?page=2", key).status, 200);
    QCOMPARE(client.get("/keyed/json", key).status, 200);
    QCOMPARE(client.get("/keyed/json", key).status, 429);
    QCOMPARE(client.get("/keyed/json").status, 401);
    QCOMPARE(client.get("/nowhere").status, 404);
    QCOMPARE(client.request("POST", "/open/echo", "hello").status, 200);
    QTRY_COMPARE(capture.lastSequence(), 6u);
    const CaptureRecords records = capture.latest(10);
    QCOMPARE(records.size(), size_t(6));

    const CaptureRecord &first = *records[0];
    QCOMPARE(first.sequence, 1u);
    QCOMPARE(first.id, QByteArray("req-one"));
    QCOMPARE(first.method, QByteArray("GET"));
    QCOMPARE(first.target, QByteArray("/keyed/json?page=2"));
    QCOMPARE(first.httpVersion, QByteArray("HTTP/1.1"));
    QCOMPARE(first.clientIp, QByteArray("127.0.0.1"));
    QVERIFY(first.clientPort > 0);
    QVERIFY(qAbs(first.startedAtMs - QDateTime::currentMSecsSinceEpoch()) < 10'000);
    QCOMPARE(first.status, 200);
    QCOMPARE(first.route, QByteArray("keyed"));
    QCOMPARE(first.consumer, QByteArray("app"));
    QVERIFY(!first.keyPrefix.isEmpty());
    QVERIFY(kAppKey.startsWith(first.keyPrefix));
    QVERIFY(first.keyPrefix.size() < kAppKey.size());
    QCOMPARE(first.upstreamService, QByteArray("svc"));
    QCOMPARE(first.upstreamTarget, backend.url().toUtf8());
    QVERIFY(first.responseBytes > 0);
    QVERIFY(first.timings.totalUs > 0);
    QVERIFY(first.timings.gatewayUs >= 0);
    QVERIFY(first.timings.upstreamUs >= 0);
    QVERIFY(first.timings.connectUs >= 0); // the first request opened the connection
    QVERIFY(first.timings.gatewayUs + first.timings.upstreamUs <= first.timings.totalUs);
    QVERIFY2(decision(first, "auth").contains("consumer app"), decisionsText(first));
    QCOMPARE(decision(first, "rate limit"), QByteArray("route.minute 1/2 left"));
    QCOMPARE(decision(first, "route"), QByteArray("keyed"));
    QCOMPARE(decision(first, "upstream_status"), QByteArray("200"));
    QCOMPARE(records[1]->timings.connectUs, -1); // a pooled connection: no connect

    const CaptureRecord &limited = *records[2];
    QCOMPARE(limited.status, 429);
    QVERIFY2(decision(limited, "rate limit").startsWith("refused"), decisionsText(limited));
    QVERIFY(decision(limited, "local_reply").startsWith("429"));
    QVERIFY(limited.upstreamService.isEmpty());
    QCOMPARE(limited.timings.gatewayUs, limited.timings.totalUs); // answered by the gateway
    // The gateway's own answers show their head as sent, like proxied ones.
    QVERIFY(field(limited.responseHeaders, "retry-after"));
    QCOMPARE(limited.responseBytes,
             field(limited.responseHeaders, "content-length")->value.toLongLong());
    QCOMPARE(field(limited.responseHeaders, "x-request-id")->value, limited.id);
    QCOMPARE(field(records[4]->responseHeaders, "content-type")->value,
             QByteArray("application/json"));

    QCOMPARE(records[3]->status, 401);
    QVERIFY(records[3]->consumer.isEmpty());
    QVERIFY(decision(*records[3], "auth").startsWith("refused"));
    QCOMPARE(records[4]->status, 404);
    QVERIFY(records[4]->route.isEmpty());
    QCOMPARE(decision(*records[4], "route"), QByteArray("none"));
    QCOMPARE(records[5]->method, QByteArray("POST"));
    QCOMPARE(records[5]->requestBytes, 5);
    QCOMPARE(records[5]->responseBytes, 5);
    // Headers come with every captured record; bodies only with capture_body_kib.
    for (const CaptureRecordPtr &r : records)
        QVERIFY(r->hasHeaders && !r->requestHeaders.empty() && r->requestBody.bytes.isEmpty());
    QCOMPARE(field(first.requestHeaders, "x-request-id")->value, QByteArray("req-one"));
}

void TestTrafficCaptureLive::capturesOnlyWhileWatched()
{
    TestBackend backend(QStringLiteral("svc"));
    GatewayEngine engine;
    Config config = captureConfig(backend.url());
    config.settings.observe.captureBodyKib = 1;
    START_ENGINE(engine, config);
    TrafficCapture &capture = engine.capture();
    RawHttpClient client(engine.listenPort());

    std::shared_ptr<void> watching = capture.watch();
    const QByteArray big(3000, 'b');
    QCOMPARE(client.request("PUT", "/open/echo?x=1", big, {{"Content-Type", "text/plain"}})
                 .status,
             200);
    QTRY_COMPARE(capture.lastSequence(), 1u);
    const CaptureRecordPtr watched = capture.latest(1).front();
    QVERIFY(watched->hasHeaders);
    QVERIFY(field(watched->requestHeaders, "content-type"));
    QCOMPARE(field(watched->requestHeaders, "content-type")->value, QByteArray("text/plain"));
    QVERIFY(field(watched->responseHeaders, "x-backend"));
    QCOMPARE(watched->upstreamUrl, backend.url().toUtf8() + "/echo?x=1");
    QCOMPARE(watched->requestBody.bytes, big.first(1024));
    QCOMPARE(watched->requestBody.size, 3000);
    QVERIFY(watched->requestBody.truncated);
    QCOMPARE(watched->responseBody.bytes, big.first(1024));
    QVERIFY(watched->responseBody.truncated);

    // The inspector closed: nothing more is captured.
    watching.reset();
    QCOMPARE(client.get("/open/json").status, 200);
    QCOMPARE(client.get("/open/json").status, 200);
    watching = capture.watch();
    QCOMPARE(client.get("/open/json?third").status, 200);
    QTRY_COMPARE(capture.lastSequence(), 2u);
    QCOMPARE(capture.latest(1).front()->target, QByteArray("/open/json?third"));
    QCOMPARE(capture.size(), 2);
}

void TestTrafficCaptureLive::noSecretInRecordsOrTheAdminApi()
{
    TestBackend backend(QStringLiteral("svc"));
    Config config = captureConfig(backend.url());
    config.settings.observe.capture = QStringLiteral("always");
    config.settings.observe.captureBodyKib = 4;
    config.settings.observe.redactHeaders = {QStringLiteral("X-Session")};
    QCOMPARE(m_harness.start(config), QString());
    const QByteArray secrets[] = {kAppKey, "Bearer-secret-token", "cookie-secret",
                                  "session-secret", "query-secret"};
    QCOMPARE(m_harness
                 .get("/keyed/json?apikey=query-secret&page=1",
                      {{"X-API-Key", kAppKey},
                       {"Authorization", "Bearer Bearer-secret-token"},
                       {"Cookie", "sid=cookie-secret"},
                       {"X-Session", "session-secret"}})
                 .status,
             200);
    // The key in the query authenticates too, and is hidden as well.
    QCOMPARE(m_harness.get("/open/json?access_token=query-secret").status, 200);
    TrafficCapture &capture = m_harness.engine->capture();
    QTRY_COMPARE(capture.lastSequence(), 2u);

    const RawResponse traffic = m_harness.admin("GET", "/traffic?limit=10");
    QCOMPARE(traffic.status, 200);
    const QJsonArray list = traffic.json().value("records").toArray();
    QCOMPARE(list.size(), 2);
    QVERIFY(traffic.body.contains("\"request_headers\""));
    QVERIFY(traffic.body.contains("[redacted]"));
    QVERIFY(traffic.body.contains("X-Session"));
    for (const QByteArray &secret : secrets)
        QVERIFY2(!traffic.body.contains(secret), secret.constData());
    // The same records as HAR (what a browser opens, and a saved capture).
    const RawResponse har = m_harness.admin("GET", "/traffic?format=har");
    QCOMPARE(har.status, 200);
    QVERIFY(har.body.contains("[redacted]"));
    for (const QByteArray &secret : secrets)
        QVERIFY2(!har.body.contains(secret), secret.constData());
    // The records themselves, every field of them.
    for (const CaptureRecordPtr &r : capture.latest(10)) {
        QByteArray all = r->target + r->upstreamUrl + r->requestBody.bytes
            + r->responseBody.bytes + decisionsText(*r);
        for (const auto *fields : {&r->requestHeaders, &r->responseHeaders}) {
            for (const CapturedField &f : *fields)
                all += f.name + f.value;
        }
        for (const QByteArray &secret : secrets)
            QVERIFY2(!all.contains(secret), secret.constData());
    }
    // The credentials the gateway took out of the request (the key's field and query
    // parameter, the bearer token) show as the client sent them, redacted: the inspector and
    // a replay know they were there.
    const CaptureRecordPtr keyed = capture.latest(10).front();
    QCOMPARE(keyed->target, QByteArray("/keyed/json?apikey=[redacted]&page=1"));
    QVERIFY(field(keyed->requestHeaders, "x-api-key"));
    QCOMPARE(field(keyed->requestHeaders, "x-api-key")->value, QByteArray("[redacted]"));
    QVERIFY(field(keyed->requestHeaders, "authorization"));
    QCOMPARE(field(keyed->requestHeaders, "authorization")->value, QByteArray("[redacted]"));
    m_harness.stop();
}

void TestTrafficCaptureLive::malformedRequestsAreRecorded()
{
    TestBackend backend(QStringLiteral("svc"));
    GatewayEngine engine;
    START_ENGINE(engine, captureConfig(backend.url()));
    const std::shared_ptr<void> watching = engine.capture().watch();
    RawHttpClient client(engine.listenPort());
    QVERIFY(client.send("GET /open/json HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n"));
    QCOMPARE(client.readResponse().status, 400);
    QTRY_COMPARE(engine.capture().lastSequence(), 1u);
    const CaptureRecordPtr record = engine.capture().latest(1).front();
    QCOMPARE(record->status, 400);
    QVERIFY2(decision(*record, "local_reply").startsWith("400"), decisionsText(*record));
    QCOMPARE(backend.requestCount(), 0);
}

void TestTrafficCaptureLive::ringStaysBoundedUnderLoad()
{
    TestBackend backend(QStringLiteral("svc"));
    GatewayEngine engine;
    Config config = captureConfig(backend.url(), 50);
    config.settings.workers = 2;
    config.settings.observe.capture = QStringLiteral("always");
    START_ENGINE(engine, config);
    constexpr int kClients = 4;
    constexpr int kEach = 250;
    std::vector<std::unique_ptr<TestThread>> threads;
    std::atomic<int> ok{0};
    for (int c = 0; c < kClients; ++c) {
        threads.push_back(std::make_unique<TestThread>([&ok, port = engine.listenPort()] {
            RawHttpClient client(port);
            for (int i = 0; i < kEach; ++i)
                ok += client.get("/open/json").status == 200;
        }));
    }
    threads.clear(); // joins
    QCOMPARE(ok.load(), kClients * kEach);
    QTRY_COMPARE(engine.capture().lastSequence(), quint64(kClients * kEach));
    QCOMPARE(engine.capture().size(), 50);
    const CaptureRecords kept = engine.capture().latest(100);
    QCOMPARE(kept.back()->sequence, quint64(kClients * kEach));
    QCOMPARE(kept.front()->sequence, quint64(kClients * kEach - 49));
}

void TestTrafficCaptureLive::trafficEndpointPollsAndRefusesBadInput()
{
    TestBackend backend(QStringLiteral("svc"));
    QCOMPARE(m_harness.start(captureConfig(backend.url())), QString());
    for (int i = 0; i < 3; ++i)
        QCOMPARE(m_harness.get("/open/json").status, 200);
    // Before any read nobody watched: nothing was captured. Reading marks the capture watched.
    RawResponse first = m_harness.admin("GET", "/traffic");
    QCOMPARE(first.status, 200);
    QCOMPARE(first.json().value("last_sequence").toInt(), 0);
    QCOMPARE(first.json().value("records").toArray().size(), 0);
    QCOMPARE(first.json().value("capturing").toBool(), true);
    for (int i = 0; i < 4; ++i)
        QCOMPARE(m_harness.get("/open/json").status, 200);
    QTRY_COMPARE(m_harness.engine->capture().lastSequence(), 4u);
    const RawResponse next = m_harness.admin("GET", "/traffic?after=3");
    const QJsonArray records = next.json().value("records").toArray();
    QCOMPARE(records.size(), 1);
    const QJsonObject record = records.first().toObject();
    QCOMPARE(record.value("sequence").toInt(), 4);
    QCOMPARE(record.value("route").toString(), QStringLiteral("open"));
    QCOMPARE(record.value("status").toInt(), 200);
    QVERIFY(record.contains("request_headers"));
    QCOMPARE(m_harness.admin("GET", "/traffic?limit=1").json().value("records").toArray().size(),
             1);
    const RawResponse har = m_harness.admin("GET", "/traffic?format=har&limit=2");
    QCOMPARE(har.status, 200);
    QString error;
    const CaptureRecords fromHar = portico::fromHar(har.body, &error);
    QCOMPARE(error, QString());
    QCOMPARE(fromHar.size(), size_t(2));
    QCOMPARE(fromHar.back()->sequence, 4u);
    QCOMPARE(fromHar.back()->route, QByteArray("open"));
    QCOMPARE(har.json().value("log").toObject().value("version").toString(), QStringLiteral("1.2"));
    QCOMPARE(m_harness.admin("GET", "/traffic?limit=-1").status, 400);
    QCOMPARE(m_harness.admin("GET", "/traffic?after=x").status, 400);
    QCOMPARE(m_harness.admin("GET", "/traffic?format=xml").status, 400);
    QCOMPARE(m_harness.admin("DELETE", "/traffic").status, 405);
    m_harness.stop();
}

QTEST_GUILESS_MAIN(TestTrafficCaptureLive)
#include "tst_traffic_capture_live.moc"
