// Request and response bodies through the gateway: chunked and Content-Length framing in both
// directions, empty bodies, and 200 MB each way, checked byte for byte with SHA-256.
#include "IntegrationFixtures.h"

#include <QJsonObject>
#include <QtTest>

using namespace portico;
using namespace portico::test;

namespace {

constexpr qint64 kLarge = 200LL * 1024 * 1024; // 209715200

Config bodiesConfig(const TestBackend &backend)
{
    Config config = singleServiceConfig({backend.url()});
    config.routes[0].maxBodyBytes = 1024LL * 1024 * 1024; // room for the 200 MB uploads
    return config;
}

qint64 jsonBytes(const RawResponse &r)
{
    return qint64(r.json().value("bytes").toDouble());
}

QByteArray jsonSha(const RawResponse &r)
{
    return r.json().value("sha256").toString().toLatin1();
}

} // namespace

class TestProxyBodies : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void chunkedRequestBody();
    void chunkedRequestEchoedChunked();
    void chunkedResponse_data();
    void chunkedResponse();
    void contentLengthBothWays();
    void emptyBodies();
    void contentLengthZeroForwarded();
    void largeUpload();
    void largeChunkedUpload();
    void largeDownload();
    void largeFullDuplexEcho();
};

void TestProxyBodies::chunkedRequestBody()
{
    TestBackend backend;
    GatewayEngine engine;
    START_ENGINE(engine, bodiesConfig(backend));

    RawHttpClient client(engine.listenPort());
    QVERIFY(client.send("POST /sink HTTP/1.1\r\nHost: gw.test\r\nTransfer-Encoding: chunked\r\n"
                        "\r\n"));
    // Chunks of uneven sizes, some split across writes, with a chunk extension and a trailer.
    QByteArray all;
    qint64 offset = 0;
    for (int i = 0; i < 40; ++i) {
        const qint64 size = (i * 7919) % 100000 + 1;
        const QByteArray piece = TestBackend::pattern(offset, size);
        offset += size;
        all += piece;
        QByteArray chunk = QByteArray::number(size, 16) + (i == 3 ? ";ext=1" : "") + "\r\n"
            + piece + "\r\n";
        if (i % 5 == 0) {
            QVERIFY(client.send(chunk.left(chunk.size() / 2)));
            QVERIFY(client.send(chunk.mid(chunk.size() / 2)));
        } else {
            QVERIFY(client.send(chunk));
        }
    }
    QVERIFY(client.send("0\r\nX-Trailer: t\r\n\r\n"));
    const RawResponse r = client.readResponse(10000);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.status, 200);
    QCOMPARE(jsonBytes(r), qint64(all.size()));
    QCOMPARE(jsonSha(r), sha256Hex(all));
    const BackendRequest seen = backend.lastRequest();
    QVERIFY(seen.complete);
    QCOMPARE(seen.bodySize, qint64(all.size()));
    QCOMPARE(seen.bodySha256, sha256Hex(all));
    QCOMPARE(seen.headers.value("Transfer-Encoding").toLower(), QByteArray("chunked"));
    QVERIFY(!seen.headers.contains("Content-Length"));
    // The connection is fine for the next request.
    QCOMPARE(client.get("/json").status, 200);
}

void TestProxyBodies::chunkedRequestEchoedChunked()
{
    TestBackend backend;
    GatewayEngine engine;
    START_ENGINE(engine, bodiesConfig(backend));

    RawHttpClient client(engine.listenPort());
    QVERIFY(client.send("POST /echo HTTP/1.1\r\nHost: gw.test\r\nTransfer-Encoding: chunked\r\n"
                        "Content-Type: text/x-test\r\n\r\n"
                        "5\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\n\r\n"));
    const RawResponse r = client.readResponse(5000);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.framing, BodyFraming::Chunked);
    QCOMPARE(r.body, QByteArray("hello world"));
    QCOMPARE(r.header("Content-Type"), QByteArray("text/x-test"));
}

void TestProxyBodies::chunkedResponse_data()
{
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<qint64>("size");
    QTest::newRow("chunked upstream") << QByteArray("?chunked=1") << qint64(1'000'003);
    QTest::newRow("close-delimited upstream") << QByteArray("?close=1") << qint64(1'000'003);
    QTest::newRow("chunked, empty") << QByteArray("?chunked=1") << qint64(0);
}

void TestProxyBodies::chunkedResponse()
{
    QFETCH(QByteArray, query);
    QFETCH(qint64, size);
    TestBackend backend;
    GatewayEngine engine;
    START_ENGINE(engine, bodiesConfig(backend));

    RawHttpClient client(engine.listenPort());
    for (int i = 0; i < 2; ++i) { // twice on one connection: the framing ended cleanly
        const RawResponse r = client.get("/bytes/" + QByteArray::number(size) + query, {}, 10000);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.status, 200);
        // A body of unknown length reaches an HTTP/1.1 client chunked, on a kept connection.
        QCOMPARE(r.framing, BodyFraming::Chunked);
        QCOMPARE(r.header("Transfer-Encoding").toLower(), QByteArray("chunked"));
        QVERIFY(!r.headers.contains("Content-Length"));
        QVERIFY(r.keepAlive);
        QCOMPARE(r.bodySize, size);
        QCOMPARE(r.body, TestBackend::pattern(0, size));
    }
}

void TestProxyBodies::contentLengthBothWays()
{
    TestBackend backend;
    GatewayEngine engine;
    START_ENGINE(engine, bodiesConfig(backend));

    RawHttpClient client(engine.listenPort());
    const QByteArray body = TestBackend::pattern(5, 3 * 1024 * 1024 + 11);
    const RawResponse r = client.request("POST", "/echo", body, {{"Content-Type", "app/x"}}, 20000);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.framing, BodyFraming::ContentLength);
    QCOMPARE(r.header("Content-Length"), QByteArray::number(body.size()));
    QVERIFY(!r.headers.contains("Transfer-Encoding"));
    QCOMPARE(r.bodySha256, sha256Hex(body));
    const BackendRequest seen = backend.lastRequest();
    QCOMPARE(seen.headers.value("Content-Length"), QByteArray::number(body.size()));
    QVERIFY(!seen.headers.contains("Transfer-Encoding"));
    QCOMPARE(seen.bodySha256, sha256Hex(body));

    // A fixed-length download keeps its Content-Length end to end. (A new connection: /echo
    // answers while the body still arrives, after which the gateway may close; see the report.)
    RawHttpClient second(engine.listenPort());
    const RawResponse d = second.get("/bytes/1234567", {}, 10000);
    QVERIFY2(d.ok, qPrintable(d.error));
    QCOMPARE(d.framing, BodyFraming::ContentLength);
    QCOMPARE(d.header("Content-Length"), QByteArray("1234567"));
    QCOMPARE(d.body, TestBackend::pattern(0, 1234567));
}

void TestProxyBodies::emptyBodies()
{
    TestBackend backend;
    GatewayEngine engine;
    START_ENGINE(engine, bodiesConfig(backend));

    RawHttpClient client(engine.listenPort());
    RawResponse r = client.request("POST", "/echo", {}); // Content-Length: 0
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.bodySize, 0);

    QVERIFY(client.send("POST /sink HTTP/1.1\r\nHost: g\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "0\r\n\r\n"));
    r = client.readResponse();
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(jsonBytes(r), 0);

    r = client.get("/status/204");
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.status, 204);
    QVERIFY(!r.headers.contains("Transfer-Encoding"));
    QCOMPARE(client.get("/bytes/0").bodySize, 0);
    QCOMPARE(client.get("/json").status, 200);
}

// RFC 9110 8.6: a POST normally carries Content-Length even when it is 0, and some origins
// answer 411 Length Required without it. The gateway must not drop the client's
// "Content-Length: 0" on the way upstream.
void TestProxyBodies::contentLengthZeroForwarded()
{
    TestBackend backend;
    GatewayEngine engine;
    START_ENGINE(engine, bodiesConfig(backend));

    RawHttpClient client(engine.listenPort());
    for (const QByteArray &method : {QByteArray("POST"), QByteArray("PUT")}) {
        QVERIFY(client.send(method + " /headers HTTP/1.1\r\nHost: g\r\nContent-Length: 0\r\n\r\n"));
        const RawResponse r = client.readResponse();
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.status, 200);
        const BackendRequest seen = backend.lastRequest();
        QCOMPARE(seen.method, method);
        QCOMPARE(seen.headers.value("Content-Length"), QByteArray("0"));
    }
}

void TestProxyBodies::largeUpload()
{
    TestBackend backend;
    GatewayEngine engine;
    START_ENGINE(engine, bodiesConfig(backend));

    RawHttpClient client(engine.listenPort());
    QElapsedTimer timer;
    timer.start();
    const RawResponse r = streamUpload(client, "/sink", kLarge);
    QVERIFY2(r.ok, qPrintable(r.error));
    const qint64 ms = timer.elapsed();
    QCOMPARE(r.status, 200);
    const QByteArray expected = TestBackend::patternSha256(kLarge);
    QCOMPARE(jsonBytes(r), kLarge);
    QCOMPARE(jsonSha(r), expected);
    QCOMPARE(backend.lastRequest().bodySha256, expected);
    qInfo("200 MB upload through the gateway: %lld ms", ms);
}

void TestProxyBodies::largeChunkedUpload()
{
    TestBackend backend;
    GatewayEngine engine;
    START_ENGINE(engine, bodiesConfig(backend));

    RawHttpClient client(engine.listenPort());
    const qint64 size = 64LL * 1024 * 1024 + 333;
    const RawResponse r = streamChunkedUpload(client, "/sink", size);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.status, 200);
    QCOMPARE(jsonBytes(r), size);
    QCOMPARE(jsonSha(r), TestBackend::patternSha256(size));
}

void TestProxyBodies::largeDownload()
{
    TestBackend backend;
    GatewayEngine engine;
    START_ENGINE(engine, bodiesConfig(backend));

    RawHttpClient client(engine.listenPort());
    QElapsedTimer timer;
    timer.start();
    QVERIFY(client.send(RawHttpClient::buildRequest("GET", "/bytes/" + QByteArray::number(kLarge),
                                                    engine.listenPort())));
    const RawResponse r = client.readResponseStreaming(120000);
    QVERIFY2(r.ok, qPrintable(r.error));
    const qint64 ms = timer.elapsed();
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("Content-Length"), QByteArray::number(kLarge));
    QCOMPARE(r.bodySize, kLarge);
    QCOMPARE(r.bodySha256, TestBackend::patternSha256(kLarge));
    qInfo("200 MB download through the gateway: %lld ms", ms);

    // The same through a chunked upstream answer.
    const qint64 size = 32LL * 1024 * 1024;
    QVERIFY(client.send(RawHttpClient::buildRequest(
        "GET", "/bytes/" + QByteArray::number(size) + "?chunked=1", engine.listenPort())));
    const RawResponse c = client.readResponseStreaming(60000);
    QVERIFY2(c.ok, qPrintable(c.error));
    QCOMPARE(c.framing, BodyFraming::Chunked);
    QCOMPARE(c.bodySize, size);
    QCOMPARE(c.bodySha256, TestBackend::patternSha256(size));
}

// /echo streams the body back while it still arrives: both directions flow at once through the
// gateway, each under its own watermark. Neither may stall the other.
void TestProxyBodies::largeFullDuplexEcho()
{
    TestBackend backend;
    GatewayEngine engine;
    START_ENGINE(engine, bodiesConfig(backend));

    for (const bool chunked : {false, true}) {
        RawHttpClient client(engine.listenPort());
        const qint64 size = 48LL * 1024 * 1024 + 7;
        QElapsedTimer timer;
        timer.start();
        // The client reads whatever arrives while it sends (RawHttpClient::send spins the event
        // loop), so the echoed bytes pile up on the client side, never in the gateway.
        QVERIFY(client.send("POST /echo HTTP/1.1\r\nHost: g\r\n"
                            + (chunked ? QByteArray("Transfer-Encoding: chunked\r\n")
                                       : "Content-Length: " + QByteArray::number(size) + "\r\n")
                            + "\r\n"));
        constexpr qint64 kPiece = 1024 * 1024;
        for (qint64 off = 0; off < size; off += kPiece) {
            const QByteArray piece = TestBackend::pattern(off, qMin(kPiece, size - off));
            QVERIFY2(client.send(chunked ? QByteArray::number(piece.size(), 16) + "\r\n" + piece
                                         + "\r\n"
                                         : piece,
                                 20000),
                     qPrintable(QStringLiteral("stalled at %1 bytes").arg(off)));
        }
        if (chunked)
            QVERIFY(client.send("0\r\n\r\n"));
        const RawResponse r = client.readResponseStreaming(60000);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.bodySize, size);
        QCOMPARE(r.bodySha256, TestBackend::patternSha256(size));
        qInfo("48 MB full-duplex echo (%s): %lld ms", chunked ? "chunked" : "Content-Length",
              timer.elapsed());
    }
}

QTEST_GUILESS_MAIN(TestProxyBodies)
#include "tst_proxy_bodies.moc"
