// How requests are brought to origin-form and responses framed for their client.
#include "http/RequestTarget.h"
#include "net/ResponseFraming.h"

#include <QTest>

using namespace portico;

class TestClientFraming : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void originFormIsKept();
    void absoluteFormMovesAuthorityToHost();
    void otherFormsAreRefused();
    void lengthIsKept();
    void chunkedForHttp11();
    void closeDelimitedForHttp10();
    void closeIsAnnounced();
    void headAndBodilessStatusesGetNoChunking();
    void lostContentLengthIsRestored();
};

namespace {

RequestHead request(QByteArray method = "GET", int minor = 1)
{
    RequestHead head;
    head.method = method;
    head.target = "/";
    head.versionMinor = minor;
    return head;
}

ResponseHead response(int status, BodyFraming framing, qint64 length = 0)
{
    ResponseHead head;
    head.status = status;
    head.framing = framing;
    head.contentLength = length;
    if (framing == BodyFraming::ContentLength)
        head.headers.add("Content-Length", QByteArray::number(length));
    return head;
}

} // namespace

void TestClientFraming::originFormIsKept()
{
    RequestHead head = request();
    head.target = "/a/b?c=d";
    head.headers.add("Host", "example.test");
    QVERIFY(toOriginForm(head));
    QCOMPARE(head.target, QByteArray("/a/b?c=d"));
    QCOMPARE(head.headers.value("Host"), QByteArray("example.test"));
}

void TestClientFraming::absoluteFormMovesAuthorityToHost()
{
    RequestHead head = request();
    head.target = "HTTP://api.example.test:8080/users/1?x=1";
    head.headers.add("Host", "other.test");
    QVERIFY(toOriginForm(head));
    QCOMPARE(head.target, QByteArray("/users/1?x=1"));
    QCOMPARE(head.headers.count("Host"), 1);
    QCOMPARE(head.headers.value("Host"), QByteArray("api.example.test:8080"));

    RequestHead bare = request();
    bare.target = "http://api.example.test?q";
    QVERIFY(toOriginForm(bare));
    QCOMPARE(bare.target, QByteArray("/?q"));
}

void TestClientFraming::otherFormsAreRefused()
{
    for (const QByteArray &target : {QByteArray("*"), QByteArray("example.test:443"),
                                    QByteArray("http://"), QByteArray("ftp://x/")}) {
        RequestHead head = request();
        head.target = target;
        QVERIFY2(!toOriginForm(head), target.constData());
    }
}

void TestClientFraming::lengthIsKept()
{
    ResponseHead head = response(200, BodyFraming::ContentLength, 5);
    const ClientFraming f = frameForClient(head, request(), false);
    QVERIFY(!f.chunked);
    QVERIFY(!f.close);
    QCOMPARE(head.headers.value("Content-Length"), QByteArray("5"));
    QVERIFY(!head.headers.contains("Transfer-Encoding"));
    QVERIFY(!head.headers.contains("Connection"));
}

void TestClientFraming::chunkedForHttp11()
{
    for (BodyFraming upstream : {BodyFraming::Chunked, BodyFraming::UntilClose}) {
        ResponseHead head = response(200, upstream);
        const ClientFraming f = frameForClient(head, request(), false);
        QVERIFY(f.chunked);
        QVERIFY(!f.close);
        QCOMPARE(head.headers.value("Transfer-Encoding"), QByteArray("chunked"));
    }
}

void TestClientFraming::closeDelimitedForHttp10()
{
    ResponseHead head = response(200, BodyFraming::Chunked);
    const ClientFraming f = frameForClient(head, request("GET", 0), false);
    QVERIFY(!f.chunked);
    QVERIFY(f.close);
    QVERIFY(!head.headers.contains("Transfer-Encoding"));
    QCOMPARE(head.headers.value("Connection"), QByteArray("close"));

    ResponseHead sized = response(200, BodyFraming::ContentLength, 3);
    const ClientFraming kept = frameForClient(sized, request("GET", 0), false);
    QVERIFY(!kept.close);
    QCOMPARE(sized.headers.value("Connection"), QByteArray("keep-alive"));
    QCOMPARE(sized.versionMinor, 1);
}

void TestClientFraming::closeIsAnnounced()
{
    ResponseHead head = response(200, BodyFraming::ContentLength, 2);
    const ClientFraming f = frameForClient(head, request("POST"), true);
    QVERIFY(f.close);
    QCOMPARE(head.headers.value("Connection"), QByteArray("close"));
}

void TestClientFraming::headAndBodilessStatusesGetNoChunking()
{
    ResponseHead toHead = response(200, BodyFraming::Chunked);
    QVERIFY(!frameForClient(toHead, request("HEAD"), false).chunked);
    QVERIFY(!toHead.headers.contains("Transfer-Encoding"));
    ResponseHead notModified = response(304, BodyFraming::None);
    QVERIFY(!frameForClient(notModified, request(), false).chunked);
}

void TestClientFraming::lostContentLengthIsRestored()
{
    // An upstream's "Connection: Content-Length" removed the header with the hop-by-hop ones.
    ResponseHead head = response(200, BodyFraming::ContentLength, 42);
    head.headers.remove("Content-Length");
    frameForClient(head, request(), false);
    QCOMPARE(head.headers.value("Content-Length"), QByteArray("42"));
}

QTEST_GUILESS_MAIN(TestClientFraming)
#include "tst_client_framing.moc"
