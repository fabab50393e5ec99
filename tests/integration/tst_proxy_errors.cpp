// What the gateway refuses and how it fails: malformed and smuggling-prone requests, limits
// (414, 431, 413, 408, idle close), upstream failures (502, 504) and connect retries. A refused
// request never reaches the backend.
#include "HttpCorpus.h"
#include "IntegrationFixtures.h"

#include <QJsonObject>
#include <QtTest>

using namespace portico;
using namespace portico::test;

namespace {

// Checks a gateway error answer: status, JSON {"error","request_id"} matching X-Request-Id.
#define VERIFY_JSON_ERROR(response, expectedStatus)                                             \
    do {                                                                                        \
        const RawResponse &resp_ = (response);                                                  \
        QVERIFY2(resp_.ok, qPrintable(resp_.error));                                           \
        QCOMPARE(resp_.status, (expectedStatus));                                               \
        QCOMPARE(resp_.header("Content-Type"), QByteArray("application/json"));                \
        const QJsonObject body_ = resp_.json();                                                 \
        QVERIFY2(!body_.value("error").toString().isEmpty(), resp_.body.constData());          \
        QVERIFY2(!body_.value("request_id").toString().isEmpty(), resp_.body.constData());     \
        QCOMPARE(body_.value("request_id").toString().toLatin1(), resp_.header("X-Request-Id")); \
    } while (false)

} // namespace

class TestProxyErrors : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void rejectedBeforeBackend_data();
    void rejectedBeforeBackend();
    void rejectedConnectionKept();
    void badRequestCorpus_data();
    void badRequestCorpus();
    void invalidChunkNeverCompletesUpstream();
    void invalidChunkInFirstPacketNeverForwarded_data();
    void invalidChunkInFirstPacketNeverForwarded();
    void bodyTooLargeByContentLength();
    void bodyTooLargeChunked();
    void headerTimeout();
    void idleKeepAliveTimeout();
    void upstreamRefused();
    void upstreamReadTimeout();
    void slowClientIsNotAnUpstreamTimeout();
    void upstreamReset();
    void upstreamCloses();
    void connectRetryOnAnotherTarget();
    void connectRetryWithLargeBody();
    void connectTimeout();
    void badUpstreamResponses_data();
    void badUpstreamResponses();

private:
    // Shared by the data-driven rejection tests: nothing they send may reach it.
    std::unique_ptr<TestBackend> m_backend;
    std::unique_ptr<GatewayEngine> m_engine;
};

void TestProxyErrors::initTestCase()
{
    m_backend = std::make_unique<TestBackend>();
    m_engine = std::make_unique<GatewayEngine>();
    START_ENGINE(*m_engine, singleServiceConfig({m_backend->url()}));
    // Warm the workers' upstream pools, so a request that slipped through would be sent at once.
    for (int i = 0; i < 4; ++i) {
        RawHttpClient client(m_engine->listenPort());
        QCOMPARE(client.get("/json").status, 200);
    }
}

void TestProxyErrors::cleanupTestCase()
{
    m_engine.reset();
    m_backend.reset();
}

void TestProxyErrors::rejectedBeforeBackend_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<int>("status");
    const QByteArray h = "Host: gw.test\r\n";
    QTest::newRow("Content-Length + Transfer-Encoding")
        << "POST /x HTTP/1.1\r\n" + h
            + "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\n"
            + h + "\r\n"
        << 400;
    QTest::newRow("two different Content-Lengths")
        << "POST /x HTTP/1.1\r\n" + h + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"
        << 400;
    QTest::newRow("bare LF") << "GET /x HTTP/1.1\n" + h + "\n" << 400;
    QTest::newRow("bare LF in a header")
        << QByteArray("GET /x HTTP/1.1\r\nHost: g\nX-A: b\r\n\r\n") << 400;
    QTest::newRow("obs-fold") << "GET /x HTTP/1.1\r\n" + h + "X-Folded: a\r\n  b\r\n\r\n" << 400;
    QTest::newRow("invalid Host (space)") << QByteArray("GET /x HTTP/1.1\r\nHost: a b\r\n\r\n")
                                          << 400;
    QTest::newRow("invalid Host (path)") << QByteArray("GET /x HTTP/1.1\r\nHost: a/b\r\n\r\n")
                                         << 400;
    QTest::newRow("two Hosts") << QByteArray("GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") << 400;
    QTest::newRow("no Host") << QByteArray("GET /x HTTP/1.1\r\nX: y\r\n\r\n") << 400;
    QTest::newRow("Transfer-Encoding: gzip")
        << "POST /x HTTP/1.1\r\n" + h + "Transfer-Encoding: gzip\r\n\r\nabc" << 501;
    QTest::newRow("URI over the limit")
        << "GET /" + QByteArray(9000, 'u') + " HTTP/1.1\r\n" + h + "\r\n" << 414;
    QTest::newRow("headers over 32 KiB")
        << "GET /x HTTP/1.1\r\n" + h + "X-Big: " + QByteArray(33 * 1024, 'h') + "\r\n\r\n" << 431;
    QByteArray many = "GET /x HTTP/1.1\r\n" + h;
    for (int i = 0; i < 400; ++i)
        many += "X-Header-" + QByteArray::number(i) + ": " + QByteArray(80, 'v') + "\r\n";
    QTest::newRow("many headers over 32 KiB") << many + "\r\n" << 431;
}

void TestProxyErrors::rejectedBeforeBackend()
{
    QFETCH(QByteArray, raw);
    QFETCH(int, status);
    m_backend->clear();
    RawHttpClient client(m_engine->listenPort());
    QVERIFY(client.send(raw));
    const RawResponse r = client.readResponse(5000);
    VERIFY_JSON_ERROR(r, status);
    QCOMPARE(r.header("Connection").toLower(), QByteArray("close"));
    QVERIFY(client.isClosedByPeer(3000));
    QTest::qWait(20); // anything forwarded would have arrived by now
    QCOMPARE(m_backend->requestCount(), 0);
}

// A path that cannot be normalised is refused with 400, but its framing was sound: the
// connection stays usable.
void TestProxyErrors::rejectedConnectionKept()
{
    m_backend->clear();
    RawHttpClient client(m_engine->listenPort());
    for (const QByteArray &path : {QByteArray("/a%zz"), QByteArray("/../etc"), QByteArray("/a%00b")}) {
        const RawResponse r = client.get(path);
        VERIFY_JSON_ERROR(r, 400);
        QVERIFY(r.keepAlive);
    }
    QCOMPARE(m_backend->requestCount(), 0);
    QCOMPARE(client.get("/json").status, 200);
}

void TestProxyErrors::badRequestCorpus_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("headSeen");
    for (const BadMessage &m : portico::test::badRequestCorpus())
        QTest::newRow(m.name) << m.raw << m.status << m.headSeen;
}

void TestProxyErrors::badRequestCorpus()
{
    QFETCH(QByteArray, raw);
    QFETCH(int, status);
    QFETCH(bool, headSeen);
    m_backend->clear();
    RawHttpClient client(m_engine->listenPort());
    QVERIFY(client.send(raw));
    const RawResponse r = client.readResponse(5000);
    QVERIFY2(r.ok, qPrintable(r.error));
    QVERIFY2(r.status >= 400 && r.status < 600, qPrintable(QString::number(r.status)));
    QCOMPARE(r.status, status);
    QCOMPARE(r.header("Connection").toLower(), QByteArray("close"));
    QVERIFY(client.isClosedByPeer(3000));
    QTest::qWait(20);
    if (!headSeen) {
        QCOMPARE(m_backend->requestCount(), 0);
    } else {
        // The head was valid and is streamed upstream as soon as it is routed; the body error
        // comes later. The backend must never get a complete request out of it.
        for (const BackendRequest &seen : m_backend->requests())
            QVERIFY2(!seen.complete, seen.target.constData());
    }
}

// A chunked body whose framing breaks after the head went upstream: 400 to the client, the
// upstream connection is dropped (never reused, never completed), the next request is fine.
void TestProxyErrors::invalidChunkNeverCompletesUpstream()
{
    TestBackend backend;
    GatewayEngine engine;
    START_ENGINE(engine, singleServiceConfig({backend.url()}));

    RawHttpClient client(engine.listenPort());
    // A first request on this connection warms its worker's pool.
    QCOMPARE(client.get("/json").status, 200);
    QVERIFY(client.send("POST /sink HTTP/1.1\r\nHost: g\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "5\r\nhello\r\n"));
    QVERIFY(backend.waitForRequests(2, 3000, false)); // the head and "hello" went upstream
    QVERIFY(client.send("zz\r\nabc\r\n0\r\n\r\n"));
    const RawResponse r = client.readResponse(5000);
    VERIFY_JSON_ERROR(r, 400);
    QCOMPARE(r.header("Connection").toLower(), QByteArray("close"));
    QVERIFY(client.isClosedByPeer(3000));
    QTest::qWait(100);
    const QList<BackendRequest> seen = backend.requests();
    QCOMPARE(seen.size(), 2);
    QVERIFY(!seen[1].complete);
    QVERIFY(seen[1].bodySize <= 5);
    // The request went on the pooled connection of the first one, which is now closed, not
    // pooled again.
    QTRY_COMPARE_WITH_TIMEOUT(backend.openConnectionCount(), 0, 3000);
    RawHttpClient next(engine.listenPort());
    QCOMPARE(next.get("/json").status, 200);
}

void TestProxyErrors::invalidChunkInFirstPacketNeverForwarded_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("bad chunk size") << QByteArray("zz\r\nabc\r\n0\r\n\r\n");
    QTest::newRow("chunk data without CRLF") << QByteArray("3\r\nabcX0\r\n\r\n");
    QTest::newRow("bad size after a good chunk") << QByteArray("3\r\nabc\r\n-1\r\n\r\n");
}

// The whole malformed request (valid head, broken chunked body) arrives in one write, so the
// gateway knows it is invalid before it has to send anything upstream: the backend must see
// nothing, whether or not the worker has a pooled upstream connection ready. (With a cold pool
// the connect's latency hides the problem; the warm-up request makes the pool warm.)
void TestProxyErrors::invalidChunkInFirstPacketNeverForwarded()
{
    QFETCH(QByteArray, body);
    TestBackend backend;
    GatewayEngine engine;
    START_ENGINE(engine, singleServiceConfig({backend.url()}));

    RawHttpClient client(engine.listenPort());
    QCOMPARE(client.get("/json").status, 200); // same connection, same worker: a warm pool
    QVERIFY(backend.waitForRequests(1));
    QVERIFY(client.send("POST /sink HTTP/1.1\r\nHost: g\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + body));
    const RawResponse r = client.readResponse(5000);
    VERIFY_JSON_ERROR(r, 400);
    QCOMPARE(r.header("Connection").toLower(), QByteArray("close"));
    QVERIFY(client.isClosedByPeer(3000));
    QTest::qWait(50);
    const QList<BackendRequest> seen = backend.requests();
    QVERIFY2(seen.size() == 1,
             qPrintable(QStringLiteral("the backend received %1 (%2 body bytes) of a request the "
                                       "gateway refused with 400")
                            .arg(QString::fromLatin1(seen.back().method + ' ' + seen.back().target))
                            .arg(seen.back().bodySize)));
}

void TestProxyErrors::bodyTooLargeByContentLength()
{
    TestBackend backend;
    Config config = singleServiceConfig({backend.url()});
    config.routes[0].maxBodyBytes = 1000;
    GatewayEngine engine;
    START_ENGINE(engine, config);

    // With Expect: 100-continue the 413 comes instead of the 100: the body is never sent.
    {
        RawHttpClient client(engine.listenPort());
        QVERIFY(client.send("POST /sink HTTP/1.1\r\nHost: g\r\nExpect: 100-continue\r\n"
                            "Content-Length: 5000\r\n\r\n"));
        const RawResponse r = client.readResponse(3000);
        VERIFY_JSON_ERROR(r, 413);
        QCOMPARE(r.header("Connection").toLower(), QByteArray("close"));
        QVERIFY(client.isClosedByPeer(3000));
    }
    // Without it, the answer comes as soon as the head is read, while the body is on its way.
    {
        RawHttpClient client(engine.listenPort());
        QVERIFY(client.send("POST /sink HTTP/1.1\r\nHost: g\r\nContent-Length: 100000\r\n\r\n"
                            + QByteArray(2000, 'b')));
        const RawResponse r = client.readResponse(3000);
        VERIFY_JSON_ERROR(r, 413);
        QCOMPARE(r.header("Connection").toLower(), QByteArray("close"));
        QVERIFY(client.isClosedByPeer(5000));
    }
    // At the limit exactly it passes.
    {
        RawHttpClient client(engine.listenPort());
        const RawResponse r = client.request("POST", "/sink", QByteArray(1000, 'k'));
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.status, 200);
    }
    QCOMPARE(backend.requestCount(), 1);
}

void TestProxyErrors::bodyTooLargeChunked()
{
    TestBackend backend;
    Config config = singleServiceConfig({backend.url()});
    config.routes[0].maxBodyBytes = 100'000;
    GatewayEngine engine;
    START_ENGINE(engine, config);

    RawHttpClient client(engine.listenPort());
    QVERIFY(client.send("POST /sink HTTP/1.1\r\nHost: g\r\nTransfer-Encoding: chunked\r\n\r\n"));
    const QByteArray piece(16 * 1024, 'c');
    const QByteArray chunk = QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n";
    int sent = 0;
    for (int i = 0; i < 10 && client.isConnected(); ++i) { // 160 KiB in all, over the limit
        if (!client.send(chunk, 2000))
            break;
        ++sent;
    }
    QVERIFY(sent >= 7); // the limit was crossed before anything failed
    client.send("0\r\n\r\n", 1000); // may fail: the gateway may have stopped reading
    const RawResponse r = client.readResponse(5000);
    VERIFY_JSON_ERROR(r, 413);
    QCOMPARE(r.header("Connection").toLower(), QByteArray("close"));
    QVERIFY(client.isClosedByPeer(5000));

    // The head had been streamed upstream; the request never completed there.
    QTest::qWait(100);
    const QList<BackendRequest> seen = backend.requests();
    QVERIFY(seen.size() <= 1);
    for (const BackendRequest &s : seen) {
        QVERIFY(!s.complete);
        QVERIFY2(s.bodySize <= 100'000, qPrintable(QString::number(s.bodySize)));
    }
    QTRY_COMPARE_WITH_TIMEOUT(backend.openConnectionCount(), 0, 3000);
}

void TestProxyErrors::headerTimeout()
{
    TestBackend backend;
    Config config = singleServiceConfig({backend.url()});
    config.settings.limits.headerTimeoutMs = 500;
    GatewayEngine engine;
    START_ENGINE(engine, config);

    RawHttpClient client(engine.listenPort());
    QElapsedTimer timer;
    timer.start();
    QVERIFY(client.send("GET /json HTTP/1.1\r\nHost: g\r\nX-Partial: ")); // and nothing more
    const RawResponse r = client.readResponse(5000);
    const qint64 ms = timer.elapsed();
    VERIFY_JSON_ERROR(r, 408);
    QCOMPARE(r.header("Connection").toLower(), QByteArray("close"));
    QVERIFY2(ms >= 450 && ms < 2000, qPrintable(QString::number(ms)));
    QVERIFY(client.isClosedByPeer(3000));
    QCOMPARE(backend.requestCount(), 0);

    // A head that trickles in but completes in time is served.
    RawHttpClient slow(engine.listenPort());
    QVERIFY(slow.send("GET /json HTTP/1.1\r\n"));
    QTest::qWait(100);
    QVERIFY(slow.send("Host: g\r\n"));
    QTest::qWait(100);
    QVERIFY(slow.send("\r\n"));
    QCOMPARE(slow.readResponse(3000).status, 200);
    // The deadline applies to each head: after an answer, a new partial head times out too.
    QVERIFY(slow.send("GET /json HTTP/1.1\r\nHost"));
    timer.restart();
    VERIFY_JSON_ERROR(slow.readResponse(5000), 408);
    QVERIFY(timer.elapsed() >= 450);
}

void TestProxyErrors::idleKeepAliveTimeout()
{
    TestBackend backend;
    Config config = singleServiceConfig({backend.url()});
    config.settings.limits.idleTimeoutMs = 300;
    GatewayEngine engine;
    START_ENGINE(engine, config);

    // Busy connections are not idle: a request every 50 ms for over a second keeps it open.
    RawHttpClient busy(engine.listenPort());
    for (int i = 0; i < 20; ++i) {
        QCOMPARE(busy.get("/json").status, 200);
        QTest::qWait(50);
    }
    // Then idle: closed after about idleTimeoutMs, without a response.
    QElapsedTimer timer;
    timer.start();
    QVERIFY(busy.isClosedByPeer(3000));
    const qint64 ms = timer.elapsed();
    QVERIFY2(ms >= 150 && ms < 1500, qPrintable(QString::number(ms)));
    QVERIFY(busy.readRaw(50).isEmpty());
    QCOMPARE(backend.requestCount(), 20);
}

void TestProxyErrors::upstreamRefused()
{
    Config config = singleServiceConfig({urlForPort(closedPort())});
    GatewayEngine engine;
    START_ENGINE(engine, config);

    RawHttpClient client(engine.listenPort());
    for (int i = 0; i < 3; ++i) { // the connection stays usable after a 502
        const RawResponse r = client.get("/json");
        VERIFY_JSON_ERROR(r, 502);
    }
    const RawResponse post = client.request("POST", "/sink", QByteArray(5000, 'p'));
    VERIFY_JSON_ERROR(post, 502);
}

void TestProxyErrors::upstreamReadTimeout()
{
    TestBackend backend;
    Config config = singleServiceConfig({backend.url()});
    config.services[0].readTimeoutMs = 300;
    GatewayEngine engine;
    START_ENGINE(engine, config);

    RawHttpClient client(engine.listenPort());
    QElapsedTimer timer;
    timer.start();
    const RawResponse r = client.get("/hang");
    const qint64 ms = timer.elapsed();
    VERIFY_JSON_ERROR(r, 504);
    QVERIFY2(ms >= 250 && ms < 2000, qPrintable(QString::number(ms)));
    QVERIFY(backend.waitForRequests(1));
    QCOMPARE(backend.requestCount(), 1); // a GET that timed out is not sent again
    // An answer slower than the timeout is a 504 too; a faster one is fine.
    VERIFY_JSON_ERROR(client.get("/delay/800"), 504);
    QCOMPARE(client.get("/delay/50").status, 200);
    // The upstream connection of the timed-out request is closed, not pooled.
    QTRY_VERIFY_WITH_TIMEOUT(backend.openConnectionCount() <= 1, 3000);
}

// readTimeoutMs measures the upstream's silence. While the gateway waits for a slow client to
// drain (and so stops reading the upstream), the upstream is not timing out.
void TestProxyErrors::slowClientIsNotAnUpstreamTimeout()
{
    TestBackend backend;
    Config config = singleServiceConfig({backend.url()});
    config.services[0].readTimeoutMs = 300;
    GatewayEngine engine;
    START_ENGINE(engine, config);

    const qint64 size = 20LL * 1024 * 1024;
    SlowDownload download;
    QVERIFY(download.start(engine.listenPort(), "/bytes/" + QByteArray::number(size)));
    QElapsedTimer timer;
    timer.start();
    int reads = 0;
    // Every fifth read comes after 400 ms, longer than the upstream read timeout.
    while (timer.elapsed() < 1500 && reads < 100) {
        QVERIFY2(download.readSome(16 * 1024), "cut while reading slowly");
        ++reads;
        QThread::msleep(reads % 5 == 0 ? 400 : 20);
    }
    QCOMPARE(download.status(), 200);
    download.setReadBufferSize(1024 * 1024);
    QVERIFY2(download.readToEnd(30000), qPrintable(QString::number(download.received())));
    QCOMPARE(download.sha256(), TestBackend::patternSha256(size));
}

void TestProxyErrors::upstreamReset()
{
    TestBackend backend;
    GatewayEngine engine;
    START_ENGINE(engine, singleServiceConfig({backend.url()}));

    RawHttpClient client(engine.listenPort());
    VERIFY_JSON_ERROR(client.get("/reset"), 502); // fresh upstream connection
    QCOMPARE(client.get("/json").status, 200);
    VERIFY_JSON_ERROR(client.get("/reset"), 502); // on a pooled one
    QCOMPARE(client.get("/json").status, 200);
    // A POST too (not replayable on another connection: answered 502 right away).
    VERIFY_JSON_ERROR(client.request("POST", "/reset", "data"), 502);
}

void TestProxyErrors::upstreamCloses()
{
    TestBackend backend;
    GatewayEngine engine;
    START_ENGINE(engine, singleServiceConfig({backend.url()}));

    RawHttpClient client(engine.listenPort());
    VERIFY_JSON_ERROR(client.get("/close"), 502);
    QCOMPARE(client.get("/json").status, 200);
    VERIFY_JSON_ERROR(client.get("/close"), 502);
    VERIFY_JSON_ERROR(client.request("POST", "/close", "x"), 502);
    QCOMPARE(client.get("/json").status, 200);
}

// A service with a dead target (refusing connections) and a live one. Nearly every first pick is
// the dead one (weights 99:1), so nearly every request needs the retry.
// Documented behaviour: the engine retries a failed *connect* for any method, POST included,
// since nothing of the request was sent; the body waits in the exchange meanwhile.
void TestProxyErrors::connectRetryOnAnotherTarget()
{
    TestBackend live(QStringLiteral("live"));
    const quint16 dead = closedPort();
    Config config = baseConfig();
    config.services.push_back(
        makeService(QStringLiteral("svc"), {urlForPort(dead), live.url()}, {99, 1}));
    config.routes.push_back(makeRoute(QStringLiteral("all"), {QStringLiteral("/")},
                                      QStringLiteral("svc")));
    config.settings.ejectAfterFailures = 1000; // keep the dead target in rotation
    GatewayEngine engine;
    START_ENGINE(engine, config);

    RawHttpClient client(engine.listenPort());
    for (int i = 0; i < 20; ++i) {
        const RawResponse r = client.get("/json?i=" + QByteArray::number(i));
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("X-Backend"), QByteArray("live"));
    }
    // Each request reached the live target exactly once: the retry does not duplicate.
    QCOMPARE(live.requestCount(), 20);

    const QByteArray body = TestBackend::pattern(3, 200'000);
    for (int i = 0; i < 5; ++i) {
        const RawResponse r = client.request("POST", "/sink", body, {}, 10000);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.status, 200); // retried although POST is not idempotent
        QCOMPARE(r.json().value("sha256").toString().toLatin1(), sha256Hex(body));
    }
    QCOMPARE(live.requestCount(), 25);

    // With retries: 0 the same service fails whenever the dead target is picked first.
    config.services[0].retries = 0;
    QVERIFY(engine.apply(config).empty());
    int badGateway = 0;
    for (int i = 0; i < 20; ++i) {
        const RawResponse r = client.get("/json");
        QVERIFY2(r.ok, qPrintable(r.error));
        if (r.status == 502)
            ++badGateway;
        else
            QCOMPARE(r.status, 200);
    }
    QVERIFY2(badGateway >= 15, qPrintable(QString::number(badGateway)));
}

// A connect failure with a body bigger than the watermarks waiting for it: the client is paused
// while no upstream takes the body, then everything goes to the retried target intact.
void TestProxyErrors::connectRetryWithLargeBody()
{
    TestBackend live(QStringLiteral("live"));
    Config config = baseConfig();
    config.services.push_back(
        makeService(QStringLiteral("svc"), {urlForPort(closedPort()), live.url()}, {99, 1}));
    config.routes.push_back(makeRoute(QStringLiteral("all"), {QStringLiteral("/")},
                                      QStringLiteral("svc")));
    config.settings.ejectAfterFailures = 1000;
    GatewayEngine engine;
    START_ENGINE(engine, config);

    RawHttpClient client(engine.listenPort());
    for (int i = 0; i < 3; ++i) {
        const qint64 size = 5 * 1024 * 1024 + i;
        const RawResponse r = i == 1 ? streamChunkedUpload(client, "/sink", size, 30000)
                                     : streamUpload(client, "/sink", size, 30000);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.status, 200);
        QCOMPARE(qint64(r.json().value("bytes").toDouble()), size);
        QCOMPARE(r.json().value("sha256").toString().toLatin1(), TestBackend::patternSha256(size));
    }
    QCOMPARE(live.requestCount(), 3);
}

// A target that never completes the TCP handshake: 504 after connectTimeoutMs, or the retry on
// another target when there is one.
void TestProxyErrors::connectTimeout()
{
    BlackholePort blackhole;
    QVERIFY(blackhole.port() != 0);
    TestBackend live(QStringLiteral("live"));
    Config config = baseConfig();
    ServiceConfig alone = makeService(QStringLiteral("alone"), {blackhole.url()});
    alone.connectTimeoutMs = 300;
    ServiceConfig pair = makeService(QStringLiteral("pair"), {blackhole.url(), live.url()}, {99, 1});
    pair.connectTimeoutMs = 300;
    config.services = {alone, pair};
    config.routes.push_back(makeRoute(QStringLiteral("alone"), {QStringLiteral("/alone")},
                                      QStringLiteral("alone")));
    config.routes.push_back(makeRoute(QStringLiteral("pair"), {QStringLiteral("/pair")},
                                      QStringLiteral("pair")));
    for (RouteConfig &route : config.routes)
        route.stripPath = true;
    config.settings.ejectAfterFailures = 1000;
    GatewayEngine engine;
    START_ENGINE(engine, config);

    RawHttpClient client(engine.listenPort());
    QElapsedTimer timer;
    timer.start();
    const RawResponse r = client.get("/alone/x");
    qint64 ms = timer.elapsed();
    VERIFY_JSON_ERROR(r, 504);
    QVERIFY2(ms >= 250 && ms < 2000, qPrintable(QString::number(ms)));

    timer.restart();
    const RawResponse retried = client.request("POST", "/pair/sink", QByteArray(100'000, 'r'));
    ms = timer.elapsed();
    QVERIFY2(retried.ok, qPrintable(retried.error));
    QCOMPARE(retried.status, 200);
    QCOMPARE(retried.header("X-Backend"), QByteArray("live"));
    QCOMPARE(retried.json().value("bytes").toInt(), 100'000);
    QVERIFY2(ms >= 250 && ms < 2000, qPrintable(QString::number(ms)));
}

void TestProxyErrors::badUpstreamResponses_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<bool>("headValid");
    for (const BadMessage &m : portico::test::badResponseCorpus())
        QTest::newRow(m.name) << m.raw << (QByteArrayView(m.name) == "bad chunk");
}

// An upstream answer the gateway must not pass on: 502 when nothing was sent to the client yet;
// when the head was valid and already went out (a body error), the client connection is cut so
// the truncation shows. Never a complete response built from a malformed one.
void TestProxyErrors::badUpstreamResponses()
{
    QFETCH(QByteArray, raw);
    QFETCH(bool, headValid);
    ScriptedOrigin origin(0, raw);
    QVERIFY(origin.isListening());
    GatewayEngine engine;
    START_ENGINE(engine, singleServiceConfig({origin.url()}));

    RawHttpClient client(engine.listenPort());
    const RawResponse r = client.get("/x");
    if (!headValid) {
        VERIFY_JSON_ERROR(r, 502);
        QCOMPARE(client.get("/y").status, 502); // the client connection is still fine
    } else {
        QVERIFY2(!r.ok && r.error.contains(QStringLiteral("mid-response")), qPrintable(r.error));
        QVERIFY(client.isClosedByPeer(2000));
    }
    QVERIFY(origin.requestCount() >= 1);
}

QTEST_GUILESS_MAIN(TestProxyErrors)
#include "tst_proxy_errors.moc"
