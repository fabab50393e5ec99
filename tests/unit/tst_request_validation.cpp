// RequestValidation: Host syntax, framing rules, versions, tokens.
#include "http/HttpParser.h"
#include "http/RequestValidation.h"

#include <QtTest>

using namespace portico;

namespace {

RequestHead head(std::initializer_list<HeaderMap::Field> fields, int minor = 1)
{
    RequestHead h;
    h.method = "GET";
    h.target = "/";
    h.versionMinor = minor;
    for (const auto &f : fields)
        h.headers.add(f.first, f.second);
    return h;
}

int statusOf(const RequestHead &h)
{
    const auto err = validateRequestHead(h);
    return err ? err->status : 0;
}

} // namespace

class TestRequestValidation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hostValues_data();
    void hostValues();
    void hostCount();
    void framing();
    void versions();
    void connectRefused();
    void tokens();
};

void TestRequestValidation::hostValues_data()
{
    QTest::addColumn<QByteArray>("host");
    QTest::addColumn<bool>("valid");
    QTest::newRow("name") << QByteArray("example.test") << true;
    QTest::newRow("name:port") << QByteArray("example.test:8080") << true;
    QTest::newRow("ipv4") << QByteArray("127.0.0.1:80") << true;
    QTest::newRow("ipv6") << QByteArray("[::1]:8443") << true;
    QTest::newRow("ipv6 bare") << QByteArray("[fe80::1]") << true;
    QTest::newRow("empty port") << QByteArray("a:") << true;
    QTest::newRow("empty") << QByteArray("") << false;
    QTest::newRow("space") << QByteArray("a b") << false;
    QTest::newRow("slash") << QByteArray("a/b") << false;
    QTest::newRow("at") << QByteArray("user@a") << false;
    QTest::newRow("port too big") << QByteArray("a:65536") << false;
    QTest::newRow("port letters") << QByteArray("a:80x") << false;
    QTest::newRow("two colons") << QByteArray("a:1:2") << false;
    QTest::newRow("only port") << QByteArray(":80") << false;
    QTest::newRow("unclosed ipv6") << QByteArray("[::1") << false;
    QTest::newRow("ipv6 junk after") << QByteArray("[::1]x") << false;
    QTest::newRow("too long") << QByteArray(256, 'a') << false;
}

void TestRequestValidation::hostValues()
{
    QFETCH(QByteArray, host);
    QFETCH(bool, valid);
    QCOMPARE(isValidHostHeader(host), valid);
}

void TestRequestValidation::hostCount()
{
    QCOMPARE(statusOf(head({{"Host", "a"}})), 0);
    QCOMPARE(statusOf(head({})), 400);                             // HTTP/1.1 needs Host
    QCOMPARE(statusOf(head({}, 0)), 0);                            // HTTP/1.0 does not
    QCOMPARE(statusOf(head({{"Host", "a"}, {"host", "a"}})), 400); // even when equal
    QCOMPARE(statusOf(head({{"Host", "a b"}}, 0)), 400);
}

void TestRequestValidation::framing()
{
    QCOMPARE(statusOf(head({{"Host", "a"}, {"Transfer-Encoding", "chunked"}})), 0);
    QCOMPARE(statusOf(head({{"Host", "a"}, {"Transfer-Encoding", "Chunked"}})), 0);
    QCOMPARE(statusOf(head({{"Host", "a"}, {"Transfer-Encoding", "gzip"}})), 501);
    QCOMPARE(statusOf(head({{"Host", "a"}, {"Transfer-Encoding", "gzip, chunked"}})), 501);
    QCOMPARE(
        statusOf(head(
            {{"Host", "a"}, {"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}})),
        400);
    QCOMPARE(statusOf(head({{"Host", "a"}, {"Transfer-Encoding", ""}})), 400);
    QCOMPARE(
        statusOf(head({{"Host", "a"}, {"Transfer-Encoding", "chunked"}, {"Content-Length", "3"}})),
        400);
    QCOMPARE(statusOf(head({{"Transfer-Encoding", "chunked"}}, 0)), 400);
}

void TestRequestValidation::versions()
{
    RequestHead h = head({{"Host", "a"}});
    h.versionMajor = 2;
    h.versionMinor = 0;
    QCOMPARE(statusOf(h), 505);
    h.versionMajor = 0;
    h.versionMinor = 9;
    QCOMPARE(statusOf(h), 505);
    h.versionMajor = 1;
    h.versionMinor = 2;
    QCOMPARE(statusOf(h), 505);
}

void TestRequestValidation::connectRefused()
{
    RequestHead h = head({{"Host", "a:443"}});
    h.method = "CONNECT";
    h.target = "a:443";
    QCOMPARE(statusOf(h), 501);
}

void TestRequestValidation::tokens()
{
    QVERIFY(isHttpToken("Content-Type"));
    QVERIFY(isHttpToken("x!#$%&'*+-.^_`|~9"));
    QVERIFY(!isHttpToken(""));
    QVERIFY(!isHttpToken("a b"));
    QVERIFY(!isHttpToken("a:"));
    QVERIFY(!isHttpToken("a\"b"));
    QVERIFY(!isHttpToken("caf\xc3\xa9"));
}

QTEST_GUILESS_MAIN(TestRequestValidation)
#include "tst_request_validation.moc"
