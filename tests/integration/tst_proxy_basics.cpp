// The proxy's everyday behaviour over real sockets: keep-alive and upstream pooling, pipelining,
// HTTP/1.0 clients, 100-continue, HEAD, the headers the gateway adds and removes, and routing
// end-to-end (404, strip_path, precedence, hosts).
#include "IntegrationFixtures.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

using namespace portico;
using namespace portico::test;

namespace {

// The request headers the backend received, from its /headers answer.
QJsonObject receivedHeaders(const RawResponse &r)
{
    return r.json().value(QStringLiteral("headers")).toObject();
}

QByteArray headerText(const QJsonObject &headers, const char *name)
{
    return headers.value(QLatin1String(name)).toString().toLatin1();
}

} // namespace

class TestProxyBasics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keepAliveReusesUpstreamConnections();
    void upstreamWithoutKeepAlive();
    void pooledConnectionClosedByUpstream_data();
    void pooledConnectionClosedByUpstream();
    void pipelinedRequestsAnsweredInOrder();
    void longPipelinedBurst();
    void clientAbortDoesNotPoisonPool();
    void absoluteFormTarget();
    void upstreamInterimResponsesDropped();
    void responseHopByHopHeadersRemoved();
    void http10CloseDelimited();
    void http10KeepAlive();
    void expectContinue();
    void expectContinueChunked();
    void headRequests();
    void hopByHopAndForwardedHeaders();
    void hostReplacedWhenNotPreserved();
    void requestIdKeptOrGenerated();
    void noRouteIs404Json();
    void stripPath();
    void pathPrecedence();
    void hostRoutes();
};

void TestProxyBasics::keepAliveReusesUpstreamConnections()
{
    TestBackend backend;
    GatewayEngine engine;
    START_ENGINE(engine, singleServiceConfig({backend.url()}));

    RawHttpClient client(engine.listenPort());
    QVERIFY(client.isConnected());
    for (int i = 0; i < 20; ++i) {
        const RawResponse r = client.get("/json?i=" + QByteArray::number(i));
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.status, 200);
        QVERIFY(r.keepAlive);
        QCOMPARE(r.json().value("path").toString(), QStringLiteral("/json"));
    }
    QVERIFY(!client.isClosedByPeer(50)); // still open after 20 requests
    QCOMPARE(backend.requestCount(), 20);
    // One client connection lives on one worker: its requests share one pooled upstream.
    QCOMPARE(backend.connectionCount(), 1);

    // New client connections, one request each: the workers' pools still serve them (at most
    // one upstream connection per worker).
    for (int i = 0; i < 10; ++i) {
        RawHttpClient other(engine.listenPort());
        const RawResponse r = other.get("/json");
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.status, 200);
    }
    QCOMPARE(backend.requestCount(), 30);
    QVERIFY2(backend.connectionCount() <= engine.workerCount(),
             qPrintable(QStringLiteral("%1 upstream connections").arg(backend.connectionCount())));
}

// An upstream that closes after every answer ("Connection: close"): nothing is pooled, every
// request gets a fresh upstream connection and succeeds, the client's connection stays alive.
void TestProxyBasics::upstreamWithoutKeepAlive()
{
    TestBackend backend;
    backend.setKeepAlive(false);
    GatewayEngine engine;
    START_ENGINE(engine, singleServiceConfig({backend.url()}));

    RawHttpClient client(engine.listenPort());
    for (int i = 0; i < 10; ++i) {
        const RawResponse r = i % 2 ? client.request("POST", "/echo", "body " + QByteArray::number(i))
                                    : client.get("/json");
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.status, 200);
        QVERIFY(r.keepAlive); // the upstream's close is hop-by-hop
    }
    QCOMPARE(backend.requestCount(), 10);
    QCOMPARE(backend.connectionCount(), 10);
}

void TestProxyBasics::pooledConnectionClosedByUpstream_data()
{
    QTest::addColumn<int>("closeAfterMs");
    QTest::addColumn<int>("pauseMs");
    QTest::newRow("closed right after answering") << 0 << 0;
    QTest::newRow("closed right after answering, client pauses") << 0 << 50;
    QTest::newRow("idle timeout shorter than the client's pause") << 30 << 100;
}

// An upstream that keeps connections alive in its headers but closes them soon after (its idle
// timeout): the gateway must not fail requests on those dead pooled connections.
void TestProxyBasics::pooledConnectionClosedByUpstream()
{
    QFETCH(int, closeAfterMs);
    QFETCH(int, pauseMs);
    ScriptedOrigin origin(0, ScriptedOrigin::okResponse("scripted"), closeAfterMs);
    QVERIFY(origin.isListening());
    GatewayEngine engine;
    START_ENGINE(engine, singleServiceConfig({origin.url()}));

    RawHttpClient client(engine.listenPort());
    for (int i = 0; i < 20; ++i) {
        const RawResponse r = client.get("/x?i=" + QByteArray::number(i));
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY2(r.status == 200, qPrintable(QStringLiteral("request %1: %2 %3")
                                                 .arg(i)
                                                 .arg(r.status)
                                                 .arg(QString::fromUtf8(r.body))));
        if (pauseMs > 0)
            QTest::qWait(pauseMs);
    }
    QCOMPARE(origin.requestCount(), 20);
}

void TestProxyBasics::pipelinedRequestsAnsweredInOrder()
{
    TestBackend backend;
    GatewayEngine engine;
    START_ENGINE(engine, singleServiceConfig({backend.url()}));

    RawHttpClient client(engine.listenPort());
    const quint16 p = engine.listenPort();
    // Five requests in one write; the slow one first, so a reordering would show.
    const QByteArray burst = RawHttpClient::buildRequest("GET", "/delay/150", p)
        + RawHttpClient::buildRequest("POST", "/echo", p, "hello pipelining")
        + RawHttpClient::buildRequest("GET", "/status/404", p)
        + RawHttpClient::buildRequest("GET", "/bytes/100000", p)
        + RawHttpClient::buildRequest("PUT", "/echo", p, "second body");
    QVERIFY(client.send(burst));
    const QList<RawResponse> rs = client.readResponses(5, 10000);
    QCOMPARE(rs.size(), 5);
    for (const RawResponse &r : rs)
        QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(rs[0].status, 200);
    QCOMPARE(rs[0].json().value("path").toString(), QStringLiteral("/delay/150"));
    QCOMPARE(rs[1].status, 200);
    QCOMPARE(rs[1].body, QByteArray("hello pipelining"));
    QCOMPARE(rs[2].status, 404);
    QCOMPARE(rs[3].status, 200);
    QCOMPARE(rs[3].body, TestBackend::pattern(0, 100000));
    QCOMPARE(rs[4].status, 200);
    QCOMPARE(rs[4].body, QByteArray("second body"));

    // The backend saw them in the same order.
    const QList<BackendRequest> seen = backend.requests();
    QCOMPARE(seen.size(), 5);
    QCOMPARE(seen[0].path, QByteArray("/delay/150"));
    QCOMPARE(seen[1].method, QByteArray("POST"));
    QCOMPARE(seen[2].path, QByteArray("/status/404"));
    QCOMPARE(seen[3].path, QByteArray("/bytes/100000"));
    QCOMPARE(seen[4].method, QByteArray("PUT"));

    // A pipelined burst whose last request asks to close: all answered, then the close.
    QVERIFY(client.send(RawHttpClient::buildRequest("GET", "/json?a=1", p)
                        + RawHttpClient::buildRequest("GET", "/json?a=2", p)
                        + RawHttpClient::buildRequest("GET", "/json?a=3", p,
                                                      {}, {{"Connection", "close"}})));
    const QList<RawResponse> more = client.readResponses(3, 5000);
    QCOMPARE(more.size(), 3);
    for (const RawResponse &r : more)
        QCOMPARE(r.status, 200);
    QCOMPARE(more[2].header("Connection"), QByteArray("close"));
    QVERIFY(client.isClosedByPeer(2000));
}

void TestProxyBasics::longPipelinedBurst()
{
    TestBackend backend;
    GatewayEngine engine;
    START_ENGINE(engine, singleServiceConfig({backend.url()}));

    RawHttpClient client(engine.listenPort());
    const quint16 p = engine.listenPort();
    constexpr int kCount = 60;
    QByteArray burst;
    for (int i = 0; i < kCount; ++i) {
        const qint64 size = (i * 7717) % 50'000;
        switch (i % 4) {
        case 0:
            burst += RawHttpClient::buildRequest("GET", "/bytes/" + QByteArray::number(size), p);
            break;
        case 1:
            burst += RawHttpClient::buildRequest(
                "GET", "/bytes/" + QByteArray::number(size) + "?chunked=1", p);
            break;
        case 2:
            burst += RawHttpClient::buildRequest("POST", "/echo", p, TestBackend::pattern(i, size));
            break;
        default:
            burst += RawHttpClient::buildRequest("HEAD", "/bytes/" + QByteArray::number(size), p);
            break;
        }
    }
    QVERIFY(client.send(burst, 10000));
    for (int i = 0; i < kCount; ++i) {
        const qint64 size = (i * 7717) % 50'000;
        const RawResponse r = client.readResponse(10000, i % 4 == 3);
        QVERIFY2(r.ok, qPrintable(QStringLiteral("response %1: %2").arg(i).arg(r.error)));
        QCOMPARE(r.status, 200);
        if (i % 4 == 3) {
            QCOMPARE(r.bodySize, 0);
            QCOMPARE(r.header("Content-Length"), QByteArray::number(size));
        } else {
            QVERIFY2(r.body == TestBackend::pattern(i % 4 == 2 ? i : 0, size),
                     qPrintable(QStringLiteral("response %1 has the wrong body").arg(i)));
        }
    }
    QCOMPARE(backend.requestCount(), kCount);
}

// A client that goes away in the middle of a download: the upstream connection carrying the
// rest of the body must be dropped, never handed to the next request (which would then read
// the old body's bytes as its answer).
void TestProxyBasics::clientAbortDoesNotPoisonPool()
{
    TestBackend backend;
    GatewayEngine engine;
    START_ENGINE(engine, singleServiceConfig({backend.url()}));

    for (int round = 0; round < 4; ++round) { // both workers, several times
        {
            RawHttpClient quitter(engine.listenPort());
            QVERIFY(quitter.send(RawHttpClient::buildRequest("GET", "/bytes/50000000",
                                                             engine.listenPort())));
            const QByteArray first = quitter.readRaw(2000);
            QVERIFY(first.startsWith("HTTP/1.1 200"));
            quitter.close(); // abort with most of the body unsent
        }
        {
            RawHttpClient uploader(engine.listenPort());
            QVERIFY(uploader.send("POST /sink HTTP/1.1\r\nHost: g\r\nContent-Length: 1000000\r\n\r\n"
                                  + QByteArray(300'000, 'u')));
            uploader.close(); // abort with most of the body unsent
        }
        for (int i = 0; i < 4; ++i) {
            RawHttpClient next(engine.listenPort());
            const RawResponse r = next.get("/json?round=" + QByteArray::number(round));
            QVERIFY2(r.ok, qPrintable(r.error));
            QCOMPARE(r.status, 200);
            QCOMPARE(r.json().value("path").toString(), QStringLiteral("/json"));
        }
    }
    // The aborted exchanges' upstream connections were closed, not kept.
    QTRY_VERIFY_WITH_TIMEOUT(backend.openConnectionCount() <= engine.workerCount(), 3000);
    for (const BackendRequest &seen : backend.requests()) {
        if (seen.path == "/sink")
            QVERIFY(!seen.complete);
    }
}

// "GET http://host/path HTTP/1.1": the authority replaces Host for routing and forwarding.
void TestProxyBasics::absoluteFormTarget()
{
    TestBackend api(QStringLiteral("api"));
    TestBackend rest(QStringLiteral("rest"));
    Config config = baseConfig();
    config.services.push_back(makeService(QStringLiteral("api"), {api.url()}));
    config.services.push_back(makeService(QStringLiteral("rest"), {rest.url()}));
    RouteConfig byHost = makeRoute(QStringLiteral("api"), {QStringLiteral("/")},
                                   QStringLiteral("api"));
    byHost.hosts = {QStringLiteral("api.example.test")};
    config.routes.push_back(byHost);
    config.routes.push_back(makeRoute(QStringLiteral("rest"), {QStringLiteral("/")},
                                      QStringLiteral("rest")));
    GatewayEngine engine;
    START_ENGINE(engine, config);

    RawHttpClient client(engine.listenPort());
    QVERIFY(client.send("GET http://api.example.test/v1/items?x=1 HTTP/1.1\r\n"
                        "Host: somewhere.else\r\n\r\n"));
    const RawResponse r = client.readResponse();
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("X-Backend"), QByteArray("api"));
    const BackendRequest seen = api.lastRequest();
    QCOMPARE(seen.target, QByteArray("/v1/items?x=1"));
    QCOMPARE(seen.headers.value("Host"), QByteArray("api.example.test"));
    QCOMPARE(rest.requestCount(), 0);
}

// 1xx answers from the upstream (103 Early Hints, an unsolicited 100) are not passed on: the
// client gets exactly one final response.
void TestProxyBasics::upstreamInterimResponsesDropped()
{
    ScriptedOrigin origin(0,
                          "HTTP/1.1 100 Continue\r\n\r\n"
                          "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                          "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Final: yes\r\n\r\nfinal");
    GatewayEngine engine;
    START_ENGINE(engine, singleServiceConfig({origin.url()}));

    RawHttpClient client(engine.listenPort());
    for (int i = 0; i < 3; ++i) {
        const RawResponse r = client.get("/x");
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("X-Final"), QByteArray("yes"));
        QCOMPARE(r.body, QByteArray("final"));
    }
}

// The upstream's hop-by-hop response headers stay on its hop.
void TestProxyBasics::responseHopByHopHeadersRemoved()
{
    ScriptedOrigin origin(0,
                          "HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Upstream-Hop\r\n"
                          "X-Upstream-Hop: secret\r\nKeep-Alive: timeout=5\r\n"
                          "Proxy-Authenticate: Basic\r\nTrailer: X-T\r\nX-End: kept\r\n"
                          "Content-Length: 2\r\n\r\nok");
    GatewayEngine engine;
    START_ENGINE(engine, singleServiceConfig({origin.url()}));

    RawHttpClient client(engine.listenPort());
    const RawResponse r = client.get("/x");
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray("ok"));
    QCOMPARE(r.header("X-End"), QByteArray("kept"));
    for (const char *gone : {"X-Upstream-Hop", "Keep-Alive", "Proxy-Authenticate", "Trailer"})
        QVERIFY2(!r.headers.contains(gone), gone);
    QVERIFY(r.header("Via").contains("1.1 portico"));
    QVERIFY(!r.header("X-Request-Id").isEmpty());
}

void TestProxyBasics::http10CloseDelimited()
{
    TestBackend backend;
    GatewayEngine engine;
    START_ENGINE(engine, singleServiceConfig({backend.url()}));

    // Chunked upstream answer to an HTTP/1.0 client: no chunked coding, the close ends the body.
    {
        RawHttpClient client(engine.listenPort());
        QVERIFY(client.send("GET /bytes/70000?chunked=1 HTTP/1.0\r\n\r\n"));
        const RawResponse r = client.readResponse(5000);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.status, 200);
        QVERIFY(!r.headers.contains("Transfer-Encoding"));
        QCOMPARE(r.framing, BodyFraming::UntilClose);
        QCOMPARE(r.body, TestBackend::pattern(0, 70000));
        QVERIFY(client.isClosedByPeer(2000));
    }
    // Even when the 1.0 client asks for keep-alive, an unknown length forces the close.
    {
        RawHttpClient client(engine.listenPort());
        QVERIFY(client.send("GET /bytes/5000?chunked=1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
        const RawResponse r = client.readResponse(5000);
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY(!r.headers.contains("Transfer-Encoding"));
        QCOMPARE(r.header("Connection").toLower(), QByteArray("close"));
        QCOMPARE(r.body, TestBackend::pattern(0, 5000));
        QVERIFY(client.isClosedByPeer(2000));
    }
    // A known length without keep-alive: Content-Length, then the close.
    {
        RawHttpClient client(engine.listenPort());
        QVERIFY(client.send("GET /bytes/3000 HTTP/1.0\r\n\r\n"));
        const RawResponse r = client.readResponse(5000);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.framing, BodyFraming::ContentLength);
        QCOMPARE(r.header("Content-Length"), QByteArray("3000"));
        QCOMPARE(r.header("Connection").toLower(), QByteArray("close"));
        QVERIFY(client.isClosedByPeer(2000));
    }
    // The upstream got HTTP/1.1 and a Via naming the client's version.
    const BackendRequest last = backend.lastRequest();
    QCOMPARE(last.versionMinor, 1);
    QCOMPARE(last.headers.value("Via"), QByteArray("1.0 portico"));
}

void TestProxyBasics::http10KeepAlive()
{
    TestBackend backend;
    GatewayEngine engine;
    START_ENGINE(engine, singleServiceConfig({backend.url()}));

    RawHttpClient client(engine.listenPort());
    for (int i = 0; i < 3; ++i) {
        QVERIFY(client.send("GET /bytes/2000 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
        const RawResponse r = client.readResponse(5000);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("Connection").toLower(), QByteArray("keep-alive"));
        QCOMPARE(r.header("Content-Length"), QByteArray("2000"));
        QVERIFY(!r.headers.contains("Transfer-Encoding"));
        QCOMPARE(r.body, TestBackend::pattern(0, 2000));
    }
    QVERIFY(!client.isClosedByPeer(100));
    // A 1.0 POST with a Content-Length body, kept alive.
    QVERIFY(client.send("POST /echo HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 5\r\n\r\n"
                        "hello"));
    const RawResponse r = client.readResponse(5000);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.body, QByteArray("hello"));
    QCOMPARE(r.header("Connection").toLower(), QByteArray("keep-alive"));
    QCOMPARE(backend.requestCount(), 4);
}

void TestProxyBasics::expectContinue()
{
    TestBackend backend;
    GatewayEngine engine;
    START_ENGINE(engine, singleServiceConfig({backend.url()}));

    RawHttpClient client(engine.listenPort());
    for (int round = 0; round < 2; ++round) { // also on a connection that served a request
        QVERIFY(client.send("POST /sink HTTP/1.1\r\nHost: gw.test\r\nExpect: 100-continue\r\n"
                            "Content-Length: 11\r\nContent-Type: text/plain\r\n\r\n"));
        // Nothing of the body is sent until the interim answer arrives.
        const RawResponse interim = client.readResponse(3000);
        QVERIFY2(interim.ok, qPrintable(interim.error));
        QCOMPARE(interim.status, 100);
        QVERIFY(client.send("hello world"));
        const RawResponse r = client.readResponse(5000);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("bytes").toInt(), 11);
        QCOMPARE(r.json().value("sha256").toString().toLatin1(), sha256Hex("hello world"));
        QVERIFY(r.keepAlive);
    }
    QVERIFY(backend.waitForRequests(2));
    const BackendRequest seen = backend.lastRequest();
    QCOMPARE(seen.bodySize, 11);
    // The gateway answered the expectation itself; the upstream is not asked again.
    QVERIFY(!seen.headers.contains("Expect"));
    // Only one interim answer reached the client: the next bytes are the next response.
    QCOMPARE(client.get("/json").status, 200);

    // An upstream that streams its answer while the body arrives (/echo): the body round-trips.
    // (Whether the connection is kept afterwards depends on timing: see the report on
    // ClientConnection::sendResponseHead closing when the answer starts before the body ended.)
    RawHttpClient echo(engine.listenPort());
    QVERIFY(echo.send("POST /echo HTTP/1.1\r\nHost: gw.test\r\nExpect: 100-continue\r\n"
                      "Content-Length: 11\r\n\r\n"));
    const RawResponse interim = echo.readResponse(3000);
    QCOMPARE(interim.status, 100);
    QVERIFY(echo.send("hello world"));
    const RawResponse r = echo.readResponse(5000);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.body, QByteArray("hello world"));
}

void TestProxyBasics::expectContinueChunked()
{
    TestBackend backend;
    GatewayEngine engine;
    START_ENGINE(engine, singleServiceConfig({backend.url()}));

    RawHttpClient client(engine.listenPort());
    QVERIFY(client.send("POST /sink HTTP/1.1\r\nHost: gw.test\r\nExpect: 100-continue\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n"));
    const RawResponse interim = client.readResponse(3000);
    QVERIFY2(interim.ok, qPrintable(interim.error));
    QCOMPARE(interim.status, 100);
    QVERIFY(client.send("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
    const RawResponse r = client.readResponse(5000);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json().value("bytes").toInt(), 11);
    QCOMPARE(r.json().value("sha256").toString().toLatin1(), sha256Hex("hello world"));
}

void TestProxyBasics::headRequests()
{
    TestBackend backend;
    GatewayEngine engine;
    START_ENGINE(engine, singleServiceConfig({backend.url()}));

    RawHttpClient client(engine.listenPort());
    RawResponse r = client.request("HEAD", "/bytes/1000");
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("Content-Length"), QByteArray("1000"));
    QCOMPARE(r.bodySize, 0);

    // HEAD of a resource the upstream would send chunked: still no body on the wire.
    r = client.request("HEAD", "/bytes/1000?chunked=1");
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.bodySize, 0);

    // Nothing was left on the wire: the next response on the connection is intact.
    r = client.get("/bytes/777");
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.body, TestBackend::pattern(0, 777));
    QVERIFY(!client.isClosedByPeer(50));
    const QList<BackendRequest> seen = backend.requests();
    QCOMPARE(seen.size(), 3);
    QCOMPARE(seen[0].method, QByteArray("HEAD"));
    QCOMPARE(seen[1].method, QByteArray("HEAD"));
}

void TestProxyBasics::hopByHopAndForwardedHeaders()
{
    TestBackend backend(QStringLiteral("origin"));
    GatewayEngine engine;
    START_ENGINE(engine, singleServiceConfig({backend.url()}));

    RawHttpClient client(engine.listenPort());
    const RawHeaders sent = {
        {"Host", "api.example.test:8080"},
        {"Connection", "keep-alive, X-Hop-Custom"},
        {"X-Hop-Custom", "must-not-pass"},
        {"Keep-Alive", "timeout=5"},
        {"TE", "trailers"},
        {"Upgrade", "websocket"},
        {"Proxy-Authorization", "Basic c2VjcmV0"},
        {"Proxy-Connection", "keep-alive"},
        {"X-Forwarded-For", "203.0.113.7"},
        {"Via", "1.1 edge"},
        {"X-End-To-End", "kept"},
    };
    const RawResponse r = client.get("/headers?q=1", sent);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.status, 200);
    const QJsonObject h = receivedHeaders(r);
    for (const char *gone : {"x-hop-custom", "keep-alive", "te", "upgrade", "proxy-authorization",
                             "proxy-connection"})
        QVERIFY2(!h.contains(QLatin1String(gone)), gone);
    QCOMPARE(headerText(h, "x-end-to-end"), QByteArray("kept"));
    QCOMPARE(headerText(h, "x-forwarded-for"), QByteArray("203.0.113.7, 127.0.0.1"));
    QCOMPARE(headerText(h, "x-forwarded-proto"), QByteArray("http"));
    QCOMPARE(headerText(h, "x-forwarded-host"), QByteArray("api.example.test:8080"));
    QCOMPARE(headerText(h, "via"), QByteArray("1.1 edge, 1.1 portico"));
    QCOMPARE(headerText(h, "host"), QByteArray("api.example.test:8080")); // preserved
    const QByteArray requestId = headerText(h, "x-request-id");
    QCOMPARE(requestId.size(), 36); // a generated UUID
    QCOMPARE(r.header("X-Request-Id"), requestId);
    QCOMPARE(r.json().value("target").toString(), QStringLiteral("/headers?q=1"));

    // The answer: the upstream's headers, plus Via; hop-by-hop ones from the upstream gone.
    QCOMPARE(r.header("X-Backend"), QByteArray("origin"));
    QVERIFY(r.header("Via").contains("1.1 portico"));

    // "Connection: Upgrade" with an Upgrade header is still a plain request: answered and kept.
    const RawResponse up = client.get("/headers", {{"Connection", "Upgrade"}, {"Upgrade", "h2c"}});
    QVERIFY2(up.ok, qPrintable(up.error));
    QCOMPARE(up.status, 200);
    QVERIFY(!receivedHeaders(up).contains(QLatin1String("upgrade")));
    QCOMPARE(client.get("/json").status, 200);

    // No X-Forwarded-For from the client: the gateway starts one.
    const RawResponse plain = client.get("/headers");
    QCOMPARE(headerText(receivedHeaders(plain), "x-forwarded-for"), QByteArray("127.0.0.1"));
}

void TestProxyBasics::hostReplacedWhenNotPreserved()
{
    TestBackend backend;
    Config config = singleServiceConfig({backend.url()});
    config.services[0].preserveHost = false;
    GatewayEngine engine;
    START_ENGINE(engine, config);

    RawHttpClient client(engine.listenPort());
    const RawResponse r = client.get("/headers", {{"Host", "public.example.test"}});
    QVERIFY2(r.ok, qPrintable(r.error));
    const QJsonObject h = receivedHeaders(r);
    QCOMPARE(headerText(h, "host"), "127.0.0.1:" + QByteArray::number(backend.port()));
    QCOMPARE(headerText(h, "x-forwarded-host"), QByteArray("public.example.test"));
}

void TestProxyBasics::requestIdKeptOrGenerated()
{
    TestBackend backend;
    GatewayEngine engine;
    START_ENGINE(engine, singleServiceConfig({backend.url()}));

    RawHttpClient client(engine.listenPort());
    RawResponse r = client.get("/headers", {{"X-Request-Id", "client-chosen-42"}});
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(headerText(receivedHeaders(r), "x-request-id"), QByteArray("client-chosen-42"));
    QCOMPARE(r.header("X-Request-Id"), QByteArray("client-chosen-42"));

    // An unacceptable id (a comma, i.e. a list) is replaced by a generated one.
    r = client.get("/headers", {{"X-Request-Id", "a,b"}});
    QVERIFY2(r.ok, qPrintable(r.error));
    const QByteArray replaced = headerText(receivedHeaders(r), "x-request-id");
    QCOMPARE(replaced.size(), 36);
    QCOMPARE(r.header("X-Request-Id"), replaced);

    // Two requests without one get two different ids.
    const QByteArray a = client.get("/json").header("X-Request-Id");
    const QByteArray b = client.get("/json").header("X-Request-Id");
    QCOMPARE(a.size(), 36);
    QVERIFY(a != b);
}

void TestProxyBasics::noRouteIs404Json()
{
    TestBackend backend;
    Config config = baseConfig();
    config.services.push_back(makeService(QStringLiteral("svc"), {backend.url()}));
    config.routes.push_back(makeRoute(QStringLiteral("api"), {QStringLiteral("/api")},
                                      QStringLiteral("svc")));
    GatewayEngine engine;
    START_ENGINE(engine, config);

    RawHttpClient client(engine.listenPort());
    RawResponse r = client.get("/apix/nothing");
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.status, 404);
    QCOMPARE(r.header("Content-Type"), QByteArray("application/json"));
    const QJsonObject body = r.json();
    QVERIFY(!body.value("error").toString().isEmpty());
    const QByteArray id = body.value("request_id").toString().toLatin1();
    QCOMPARE(id.size(), 36);
    QCOMPARE(r.header("X-Request-Id"), id);
    // A 404 with a request body keeps the connection usable: the body is read and dropped.
    r = client.request("POST", "/elsewhere", QByteArray(3000, 'x'));
    QCOMPARE(r.status, 404);
    QCOMPARE(backend.requestCount(), 0);
    r = client.get("/api/x");
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.status, 200);
    QCOMPARE(backend.requestCount(), 1);
}

void TestProxyBasics::stripPath()
{
    TestBackend backend;
    Config config = baseConfig();
    config.services.push_back(makeService(QStringLiteral("plain"), {backend.url()}));
    config.services.push_back(makeService(QStringLiteral("based"), {backend.url() + "/base"}));
    RouteConfig prefix = makeRoute(QStringLiteral("prefix"), {QStringLiteral("/api")},
                                   QStringLiteral("plain"));
    prefix.stripPath = true;
    RouteConfig slash = makeRoute(QStringLiteral("slash"), {QStringLiteral("/v1/")},
                                  QStringLiteral("based"));
    slash.stripPath = true;
    RouteConfig exact = makeRoute(QStringLiteral("exact"), {QStringLiteral("=/health")},
                                  QStringLiteral("plain"));
    exact.stripPath = true;
    RouteConfig regex = makeRoute(QStringLiteral("regex"), {QStringLiteral("~^/r[0-9]+")},
                                  QStringLiteral("plain"));
    regex.stripPath = true;
    RouteConfig keep = makeRoute(QStringLiteral("keep"), {QStringLiteral("/keep")},
                                 QStringLiteral("plain"));
    config.routes = {prefix, slash, exact, regex, keep};
    GatewayEngine engine;
    START_ENGINE(engine, config);

    RawHttpClient client(engine.listenPort());
    const QList<std::pair<QByteArray, QByteArray>> cases = {
        {"/api/users/42?x=1&y=2", "/users/42?x=1&y=2"},
        {"/api", "/"},
        {"/api/", "/"},
        {"/v1/items", "/base/items"},
        {"/health", "/"},
        {"/r2/x", "/x"},
        {"/r22", "/"},
        {"/keep/a/b", "/keep/a/b"},
        {"/api/a/../b/%7Euser", "/b/~user"}, // normalised before matching and stripping
    };
    for (const auto &[sent, expected] : cases) {
        const RawResponse r = client.get(sent);
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY2(r.status == 200, sent.constData());
        QVERIFY2(backend.lastRequest().target == expected,
                 qPrintable(QStringLiteral("%1 forwarded as %2, expected %3")
                                .arg(QString::fromLatin1(sent),
                                     QString::fromLatin1(backend.lastRequest().target),
                                     QString::fromLatin1(expected))));
    }
}

void TestProxyBasics::pathPrecedence()
{
    TestBackend prefixB(QStringLiteral("prefix"));
    TestBackend longB(QStringLiteral("long-prefix"));
    TestBackend exactB(QStringLiteral("exact"));
    TestBackend regexB(QStringLiteral("regex"));
    TestBackend postB(QStringLiteral("post-only"));
    Config config = baseConfig();
    config.services.push_back(makeService(QStringLiteral("prefix"), {prefixB.url()}));
    config.services.push_back(makeService(QStringLiteral("long"), {longB.url()}));
    config.services.push_back(makeService(QStringLiteral("exact"), {exactB.url()}));
    config.services.push_back(makeService(QStringLiteral("regex"), {regexB.url()}));
    config.services.push_back(makeService(QStringLiteral("post"), {postB.url()}));
    // Listed in the opposite order of their precedence, so config order cannot explain a win.
    config.routes.push_back(makeRoute(QStringLiteral("r-prefix"), {QStringLiteral("/users")},
                                      QStringLiteral("prefix")));
    config.routes.push_back(makeRoute(QStringLiteral("r-long"), {QStringLiteral("/users/admin")},
                                      QStringLiteral("long")));
    config.routes.push_back(makeRoute(QStringLiteral("r-regex"),
                                      {QStringLiteral("~^/users/[0-9]+$")},
                                      QStringLiteral("regex")));
    config.routes.push_back(makeRoute(QStringLiteral("r-exact"), {QStringLiteral("=/users/me")},
                                      QStringLiteral("exact")));
    RouteConfig postOnly = makeRoute(QStringLiteral("r-post"), {QStringLiteral("=/users/new")},
                                     QStringLiteral("post"));
    postOnly.methods = {QStringLiteral("POST")};
    config.routes.push_back(postOnly);
    GatewayEngine engine;
    START_ENGINE(engine, config);

    RawHttpClient client(engine.listenPort());
    struct Case
    {
        QByteArray method;
        QByteArray path;
        QByteArray backend;
    };
    const QList<Case> cases = {
        {"GET", "/users/me", "exact"},        // exact beats regex and prefix
        {"GET", "/users/me/", "prefix"},      // exact is exact
        {"GET", "/users/42", "regex"},        // regex beats prefix
        {"GET", "/users/42/x", "prefix"},     // anchored regex does not match
        {"GET", "/users/admin/7", "long-prefix"}, // longest prefix
        {"GET", "/users/adminx", "prefix"},   // prefixes end on segment boundaries
        {"GET", "/users", "prefix"},
        {"POST", "/users/new", "post-only"},  // method listed
        {"GET", "/users/new", "prefix"},      // method excluded: falls through to the prefix
    };
    for (const Case &c : cases) {
        const RawResponse r = client.request(c.method, c.path);
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY2(r.status == 200 && r.header("X-Backend") == c.backend,
                 qPrintable(QStringLiteral("%1 %2 went to '%3' (%4), expected '%5'")
                                .arg(QString::fromLatin1(c.method), QString::fromLatin1(c.path),
                                     QString::fromLatin1(r.header("X-Backend")))
                                .arg(r.status)
                                .arg(QString::fromLatin1(c.backend))));
    }
    const RawResponse none = client.get("/other");
    QCOMPARE(none.status, 404);
}

void TestProxyBasics::hostRoutes()
{
    TestBackend exactHost(QStringLiteral("exact-host"));
    TestBackend wildcard(QStringLiteral("wildcard"));
    TestBackend deepWildcard(QStringLiteral("deep-wildcard"));
    TestBackend anyHost(QStringLiteral("any-host"));
    Config config = baseConfig();
    config.services.push_back(makeService(QStringLiteral("exact"), {exactHost.url()}));
    config.services.push_back(makeService(QStringLiteral("wild"), {wildcard.url()}));
    config.services.push_back(makeService(QStringLiteral("deep"), {deepWildcard.url()}));
    config.services.push_back(makeService(QStringLiteral("any"), {anyHost.url()}));
    RouteConfig anyRoute = makeRoute(QStringLiteral("any"), {QStringLiteral("=/users/me")},
                                     QStringLiteral("any"));
    RouteConfig wildRoute = makeRoute(QStringLiteral("wild"), {QStringLiteral("/")},
                                      QStringLiteral("wild"));
    wildRoute.hosts = {QStringLiteral("*.example.test")};
    RouteConfig deepRoute = makeRoute(QStringLiteral("deep"), {QStringLiteral("/")},
                                      QStringLiteral("deep"));
    deepRoute.hosts = {QStringLiteral("*.eu.example.test")};
    RouteConfig exactRoute = makeRoute(QStringLiteral("exact"), {QStringLiteral("/")},
                                       QStringLiteral("exact"));
    exactRoute.hosts = {QStringLiteral("api.example.test")};
    config.routes = {anyRoute, wildRoute, deepRoute, exactRoute};
    GatewayEngine engine;
    START_ENGINE(engine, config);

    RawHttpClient client(engine.listenPort());
    const QList<std::pair<QByteArray, QByteArray>> cases = {
        {"api.example.test", "exact-host"},      // host group beats the better path match
        {"API.Example.Test:8443", "exact-host"}, // case-insensitive, port ignored
        {"api.example.test.", "exact-host"},     // trailing dot ignored
        {"web.example.test", "wildcard"},
        {"a.b.example.test", "wildcard"},
        {"x.eu.example.test", "deep-wildcard"},  // longest wildcard suffix first
        {"example.test", "any-host"},            // the wildcard needs a label before it
        {"other.test", "any-host"},
    };
    for (const auto &[host, expected] : cases) {
        const RawResponse r = client.get("/users/me", {{"Host", host}});
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY2(r.status == 200 && r.header("X-Backend") == expected,
                 qPrintable(QStringLiteral("Host %1 went to '%2' (%3), expected '%4'")
                                .arg(QString::fromLatin1(host),
                                     QString::fromLatin1(r.header("X-Backend")))
                                .arg(r.status)
                                .arg(QString::fromLatin1(expected))));
    }
    // No host group matches and the host-less route does not take this path.
    QCOMPARE(client.get("/elsewhere", {{"Host", "other.test"}}).status, 404);
}

QTEST_GUILESS_MAIN(TestProxyBasics)
#include "tst_proxy_basics.moc"
