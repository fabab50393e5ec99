// The test-support helpers: TestBackend over real sockets via RawHttpClient, PorticodProcess.
#include "PorticodProcess.h"
#include "RawHttpClient.h"
#include "TestBackend.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QtTest>

using namespace portico;
using namespace portico::test;

class TestTestBackend : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void jsonAndRecording();
    void keepAliveReusesConnection();
    void pipelinedAnswersInOrder();
    void echoContentLength();
    void echoChunked();
    void echoLargeBodyStreams();
    void bytesFramings_data();
    void bytesFramings();
    void bytesLargeStreaming();
    void sinkCountsAndHashes();
    void sinkChunked();
    void delay();
    void statusCodes();
    void closeWithoutAnswer();
    void resetAborts();
    void hangNeverAnswers();
    void headersEchoed();
    void expectContinue();
    void headRequest();
    void connectionCloseAndHttp10();
    void invalidRequestGets400();
    void namesAndClear();
    void keepAliveOff();
    void patternIsPiecewise();
    void tempConfig();
    void porticodProcessWithStandIn();
    void porticodProcessEarlyExit();
};

void TestTestBackend::jsonAndRecording()
{
    TestBackend backend(QStringLiteral("alpha"));
    QVERIFY(backend.port() != 0);
    QCOMPARE(backend.url(), QStringLiteral("http://127.0.0.1:%1").arg(backend.port()));
    RawHttpClient client(backend.port());
    QVERIFY(client.isConnected());
    const RawResponse r = client.get("/json?q=1", {{"X-Test", "yes"}});
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("X-Backend"), QByteArray("alpha"));
    QCOMPARE(r.json().value("backend").toString(), QStringLiteral("alpha"));
    QCOMPARE(r.json().value("path").toString(), QStringLiteral("/json"));
    QVERIFY(backend.waitForRequests(1));
    QCOMPARE(backend.requestCount(), 1);
    const BackendRequest req = backend.lastRequest();
    QCOMPARE(req.method, QByteArray("GET"));
    QCOMPARE(req.target, QByteArray("/json?q=1"));
    QCOMPARE(req.path, QByteArray("/json"));
    QCOMPARE(req.headers.value("x-test"), QByteArray("yes"));
    QCOMPARE(req.bodySize, 0);
    QCOMPARE(req.connection, 1);
    QVERIFY(req.complete);
    QCOMPARE(backend.connectionCount(), 1);
}

void TestTestBackend::keepAliveReusesConnection()
{
    TestBackend backend;
    RawHttpClient client(backend.port());
    for (int i = 0; i < 5; ++i)
        QCOMPARE(client.get("/json").status, 200);
    QCOMPARE(backend.connectionCount(), 1);
    RawHttpClient second(backend.port());
    QCOMPARE(second.get("/json").status, 200);
    QCOMPARE(backend.connectionCount(), 2);
    QCOMPARE(backend.lastRequest().connection, 2);
    QVERIFY(!client.isClosedByPeer(100));
}

void TestTestBackend::pipelinedAnswersInOrder()
{
    TestBackend backend;
    RawHttpClient client(backend.port());
    const quint16 p = backend.port();
    QVERIFY(client.send(RawHttpClient::buildRequest("GET", "/delay/100", p)
                        + RawHttpClient::buildRequest("POST", "/echo", p, "abc")
                        + RawHttpClient::buildRequest("GET", "/status/404", p)
                        + RawHttpClient::buildRequest("GET", "/json", p)));
    const QList<RawResponse> rs = client.readResponses(4);
    QCOMPARE(rs.size(), 4);
    QCOMPARE(rs[0].json().value("path").toString(), QStringLiteral("/delay/100"));
    QCOMPARE(rs[1].body, QByteArray("abc"));
    QCOMPARE(rs[2].status, 404);
    QCOMPARE(rs[3].status, 200);
    QCOMPARE(backend.connectionCount(), 1);
}

void TestTestBackend::echoContentLength()
{
    TestBackend backend;
    RawHttpClient client(backend.port());
    const RawResponse r = client.request("POST", "/echo", "hello", {{"Content-Type", "text/x"}});
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.body, QByteArray("hello"));
    QCOMPARE(r.framing, BodyFraming::ContentLength);
    QCOMPARE(r.header("Content-Type"), QByteArray("text/x"));
}

void TestTestBackend::echoChunked()
{
    TestBackend backend;
    RawHttpClient client(backend.port());
    QVERIFY(client.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n"));
    const RawResponse r = client.readResponse();
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.framing, BodyFraming::Chunked);
    QCOMPARE(r.body, QByteArray("abcdefg"));
}

void TestTestBackend::echoLargeBodyStreams()
{
    TestBackend backend;
    RawHttpClient client(backend.port());
    const qint64 size = 8 * 1024 * 1024 + 17;
    const QByteArray body = TestBackend::pattern(0, size);
    QVERIFY(client.send(RawHttpClient::buildRequest("POST", "/echo", backend.port(), body), 30000));
    const RawResponse r = client.readResponseStreaming(30000);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.bodySize, size);
    QVERIFY(r.body.isEmpty());
    QCOMPARE(r.bodySha256, TestBackend::patternSha256(size));
    QVERIFY(backend.waitForRequests(1));
    QCOMPARE(backend.lastRequest().bodySize, size);
    QCOMPARE(backend.lastRequest().body.size(), 64 * 1024); // only the start is kept
}

void TestTestBackend::bytesFramings_data()
{
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<int>("framing");
    QTest::addColumn<bool>("closes");
    QTest::newRow("length") << QByteArray() << int(BodyFraming::ContentLength) << false;
    QTest::newRow("chunked") << QByteArray("?chunked=1") << int(BodyFraming::Chunked) << false;
    QTest::newRow("close") << QByteArray("?close=1") << int(BodyFraming::UntilClose) << true;
}

void TestTestBackend::bytesFramings()
{
    QFETCH(QByteArray, query);
    QFETCH(int, framing);
    QFETCH(bool, closes);
    TestBackend backend;
    RawHttpClient client(backend.port());
    const qint64 size = 300'000; // several 64 KiB pieces and a partial one
    const RawResponse r = client.get("/bytes/" + QByteArray::number(size) + query);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(int(r.framing), framing);
    QCOMPARE(r.body, TestBackend::pattern(0, size));
    QCOMPARE(client.isClosedByPeer(closes ? 2000 : 100), closes);
    if (!closes)
        QCOMPARE(client.get("/bytes/0" + query).bodySize, 0);
}

void TestTestBackend::bytesLargeStreaming()
{
    TestBackend backend;
    RawHttpClient client(backend.port());
    const qint64 size = 64LL * 1024 * 1024;
    QVERIFY(client.send(
        RawHttpClient::buildRequest("GET", "/bytes/" + QByteArray::number(size), backend.port())));
    const RawResponse r = client.readResponseStreaming(60000);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.bodySize, size);
    QCOMPARE(r.bodySha256, TestBackend::patternSha256(size));
}

void TestTestBackend::sinkCountsAndHashes()
{
    TestBackend backend;
    RawHttpClient client(backend.port());
    const qint64 size = 5 * 1024 * 1024;
    const QByteArray body = TestBackend::pattern(7, size);
    const QByteArray sha = QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex();
    const RawResponse r = client.request("POST", "/sink", body, {}, 30000);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(qint64(r.json().value("bytes").toDouble()), size);
    QCOMPARE(r.json().value("sha256").toString().toLatin1(), sha);
    const BackendRequest req = backend.lastRequest();
    QCOMPARE(req.bodySize, size);
    QCOMPARE(req.bodySha256, sha);
    QCOMPARE(req.body, body.first(64 * 1024));
}

void TestTestBackend::sinkChunked()
{
    TestBackend backend;
    RawHttpClient client(backend.port());
    QVERIFY(client.send("POST /sink HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
    QByteArray all;
    for (int i = 1; i <= 20; ++i) {
        const QByteArray piece(i * 1000, char('a' + i));
        all += piece;
        QVERIFY(client.send(QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n"));
    }
    QVERIFY(client.send("0\r\n\r\n"));
    const RawResponse r = client.readResponse();
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(qint64(r.json().value("bytes").toDouble()), all.size());
    QCOMPARE(r.json().value("sha256").toString().toLatin1(),
             QCryptographicHash::hash(all, QCryptographicHash::Sha256).toHex());
}

void TestTestBackend::delay()
{
    TestBackend backend;
    RawHttpClient client(backend.port());
    QElapsedTimer t;
    t.start();
    const RawResponse r = client.get("/delay/200");
    QCOMPARE(r.status, 200);
    QVERIFY(t.elapsed() >= 190);
    QVERIFY(backend.waitForRequests(1));
}

void TestTestBackend::statusCodes()
{
    TestBackend backend;
    RawHttpClient client(backend.port());
    RawResponse r = client.get("/status/503");
    QCOMPARE(r.status, 503);
    QCOMPARE(r.json().value("status").toInt(), 503);
    r = client.get("/status/204");
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.status, 204);
    QVERIFY(r.body.isEmpty());
    QCOMPARE(client.get("/status/201").status, 201); // same connection still usable
    QCOMPARE(backend.connectionCount(), 1);
}

void TestTestBackend::closeWithoutAnswer()
{
    TestBackend backend;
    RawHttpClient client(backend.port());
    const RawResponse r = client.get("/close");
    QVERIFY(!r.ok);
    QVERIFY(client.isClosedByPeer());
    QVERIFY(backend.waitForRequests(1));
}

void TestTestBackend::resetAborts()
{
    TestBackend backend;
    RawHttpClient client(backend.port());
    QVERIFY(client.send(RawHttpClient::buildRequest("GET", "/reset", backend.port())));
    QVERIFY(client.isClosedByPeer());
    QCOMPARE(client.socket()->error(), QAbstractSocket::RemoteHostClosedError);
    QVERIFY(!client.readResponse(200).ok);
}

void TestTestBackend::hangNeverAnswers()
{
    TestBackend backend;
    RawHttpClient client(backend.port());
    QVERIFY(client.send(RawHttpClient::buildRequest("GET", "/hang", backend.port())));
    const RawResponse r = client.readResponse(300);
    QVERIFY(!r.ok);
    QVERIFY(r.error.contains(QStringLiteral("timed out")));
    QVERIFY(backend.waitForRequests(1));
    QVERIFY(!client.isClosedByPeer(100));
}

void TestTestBackend::headersEchoed()
{
    TestBackend backend;
    RawHttpClient client(backend.port());
    const RawResponse r = client.get("/headers?x=1", {{"X-A", "1"}, {"x-a", "2"}, {"X-B", "b"}});
    QVERIFY2(r.ok, qPrintable(r.error));
    const QJsonObject o = r.json();
    QCOMPARE(o.value("target").toString(), QStringLiteral("/headers?x=1"));
    const QJsonObject h = o.value("headers").toObject();
    QCOMPARE(h.value("x-a").toString(), QStringLiteral("1, 2"));
    QCOMPARE(h.value("x-b").toString(), QStringLiteral("b"));
    QVERIFY(h.contains("host"));
    QCOMPARE(o.value("raw").toArray().size(), 4);
}

void TestTestBackend::expectContinue()
{
    TestBackend backend;
    RawHttpClient client(backend.port());
    QVERIFY(client.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                        "Content-Length: 4\r\n\r\n"));
    const RawResponse interim = client.readResponse();
    QVERIFY2(interim.ok, qPrintable(interim.error));
    QCOMPARE(interim.status, 100);
    QVERIFY(client.send("ping"));
    const RawResponse r = client.readResponse();
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray("ping"));
}

void TestTestBackend::headRequest()
{
    TestBackend backend;
    RawHttpClient client(backend.port());
    const RawResponse r = client.request("HEAD", "/bytes/1000");
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.header("Content-Length"), QByteArray("1000"));
    QVERIFY(r.body.isEmpty());
    QCOMPARE(client.get("/json").status, 200); // nothing was left on the wire
}

void TestTestBackend::connectionCloseAndHttp10()
{
    TestBackend backend;
    RawHttpClient client(backend.port());
    RawResponse r = client.get("/json", {{"Connection", "close"}});
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("Connection"), QByteArray("close"));
    QVERIFY(client.isClosedByPeer());

    QVERIFY(client.connectTo(backend.port()));
    QVERIFY(client.send("GET /json HTTP/1.0\r\n\r\n"));
    QCOMPARE(client.readResponse().status, 200);
    QVERIFY(client.isClosedByPeer());

    QVERIFY(client.connectTo(backend.port()));
    QVERIFY(client.send("GET /json HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    r = client.readResponse();
    QCOMPARE(r.header("Connection"), QByteArray("keep-alive"));
    QVERIFY(!client.isClosedByPeer(100));
}

void TestTestBackend::invalidRequestGets400()
{
    TestBackend backend;
    RawHttpClient client(backend.port());
    QVERIFY(client.send("GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n"));
    const RawResponse r = client.readResponse();
    QCOMPARE(r.status, 400);
    QVERIFY(client.isClosedByPeer());
}

void TestTestBackend::namesAndClear()
{
    TestBackend a(QStringLiteral("a"));
    TestBackend b;
    b.setName(QStringLiteral("b"));
    QVERIFY(a.port() != b.port());
    RawHttpClient ca(a.port());
    RawHttpClient cb(b.port());
    QCOMPARE(ca.get("/").header("X-Backend"), QByteArray("a"));
    QCOMPARE(cb.get("/").header("X-Backend"), QByteArray("b"));
    b.setName(QString());
    QVERIFY(!cb.get("/").headers.contains("X-Backend"));
    QCOMPARE(b.requestCount(), 2);
    b.clear();
    QCOMPARE(b.requestCount(), 0);
    QCOMPARE(b.connectionCount(), 0);
    QCOMPARE(b.lastRequest().method, QByteArray());
    QCOMPARE(cb.get("/json").status, 200);
    QCOMPARE(b.requestCount(), 1);
    QCOMPARE(b.openConnectionCount(), 1);
}

void TestTestBackend::keepAliveOff()
{
    TestBackend backend;
    backend.setKeepAlive(false);
    RawHttpClient client(backend.port());
    QCOMPARE(client.get("/json").header("Connection"), QByteArray("close"));
    QVERIFY(client.isClosedByPeer());
}

void TestTestBackend::patternIsPiecewise()
{
    QCOMPARE(TestBackend::pattern(0, 600),
             TestBackend::pattern(0, 250) + TestBackend::pattern(250, 350));
    QCOMPARE(TestBackend::pattern(251, 10), TestBackend::pattern(0, 10));
    QCOMPARE(
        TestBackend::patternSha256(3'000'000),
        QCryptographicHash::hash(TestBackend::pattern(0, 3'000'000), QCryptographicHash::Sha256)
            .toHex());
}

void TestTestBackend::tempConfig()
{
    const QString a = writeTempConfig("format_version: 1\n");
    const QString b = writeTempConfig("{}", QStringLiteral(".json"));
    QVERIFY(!a.isEmpty() && a != b);
    QVERIFY(a.endsWith(".yaml") && b.endsWith(".json"));
    QFile f(a);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray("format_version: 1\n"));
}

void TestTestBackend::porticodProcessWithStandIn()
{
    PorticodProcess proc;
    proc.setProgram(QStringLiteral("/bin/sh"));
    const QString script = QStringLiteral(
        "trap 'echo bye >&2; exit 0' TERM; echo 'porticod starting'; "
        "echo 'listening on http://127.0.0.1:4321'; echo 'listening on https://127.0.0.1:4322'; "
        "while true; do sleep 0.05; done");
    QVERIFY2(proc.start({QStringLiteral("-c"), script}, 5000, 2), qPrintable(proc.errorString()));
    QCOMPARE(proc.port(), quint16(4321));
    QCOMPARE(proc.ports(), (QList<quint16>{4321, 4322}));
    QCOMPARE(proc.url(), QStringLiteral("http://127.0.0.1:4321"));
    QVERIFY(proc.pid() > 0);
    QVERIFY(proc.isRunning());
    QVERIFY(proc.currentRssKiB() > 0);
    QVERIFY(proc.peakRssKiB() >= proc.currentRssKiB());
    QVERIFY(proc.stdoutText().contains("porticod starting"));
    QCOMPARE(proc.terminate(), 0);
    QVERIFY(!proc.isRunning());
    QVERIFY(proc.waitForOutput("bye"));
}

void TestTestBackend::porticodProcessEarlyExit()
{
    PorticodProcess proc;
    proc.setProgram(QStringLiteral("/bin/sh"));
    QVERIFY(!proc.start({QStringLiteral("-c"), QStringLiteral("echo 'bad config: x' >&2; exit 3")},
                        5000));
    QVERIFY(proc.errorString().contains(QStringLiteral("bad config: x")));
    QCOMPARE(proc.waitForExit(), 3);
    if (PorticodProcess::binaryPath().isEmpty())
        qInfo("PORTICOD_BINARY unset (CTest sets it)");
}

QTEST_GUILESS_MAIN(TestTestBackend)
#include "tst_test_backend.moc"
