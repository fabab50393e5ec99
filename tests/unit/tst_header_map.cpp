// HeaderMap operations and hop-by-hop stripping.
#include "http/HeaderMap.h"
#include "http/HttpMessage.h"

#include <QtTest>

using namespace portico;

class TestHeaderMap : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void addKeepsOrderAndDuplicates();
    void caseInsensitiveLookup();
    void namesEqualAgreesWithByteByByte();
    void setReplacesAllInPlace();
    void removeCounts();
    void combinedValue();
    void hasToken();
    void splitHeaderListTrims();
    void hopByHopNames();
    void stripHopByHop();
    void stripConnectionListed();
    void requestTargetParts();
    void reasonPhrases();
};

void TestHeaderMap::addKeepsOrderAndDuplicates()
{
    HeaderMap h;
    QVERIFY(h.isEmpty());
    h.add("Set-Cookie", "a=1");
    h.add("Via", "1.1 x");
    h.add("Set-Cookie", "b=2");
    QCOMPARE(h.size(), 3);
    QCOMPARE(h.fields()[0], (HeaderMap::Field{"Set-Cookie", "a=1"}));
    QCOMPARE(h.fields()[2], (HeaderMap::Field{"Set-Cookie", "b=2"}));
    QCOMPARE(h.count("set-cookie"), 2);
    h.clear();
    QVERIFY(h.isEmpty());
}

void TestHeaderMap::caseInsensitiveLookup()
{
    HeaderMap h;
    h.add("Content-Type", "text/plain");
    QVERIFY(h.contains("content-type"));
    QVERIFY(h.contains("CONTENT-TYPE"));
    QVERIFY(!h.contains("Content-Typ"));
    QCOMPARE(h.value("content-TYPE"), QByteArray("text/plain"));
    QVERIFY(h.value("missing").isNull());
    QVERIFY(HeaderMap::namesEqual("abc", "ABC"));
    QVERIFY(!HeaderMap::namesEqual("abc", "abcd"));
    QVERIFY(HeaderMap::namesEqual("X-Api-Key9", "x-API-kEY9"));
    QVERIFY(HeaderMap::namesEqual("", ""));
    // Only letters fold: token characters one case bit apart stay different.
    QVERIFY(!HeaderMap::namesEqual("a^b", "a~b"));
    QVERIFY(!HeaderMap::namesEqual("a@b", "a`b"));
    QVERIFY(!HeaderMap::namesEqual("a[b", "a{b"));
    QVERIFY(!HeaderMap::namesEqual("Proxy-", "Proxy_"));
}

void TestHeaderMap::namesEqualAgreesWithByteByByte()
{
    // Every pair of byte values, at every place of names short and long (eight bytes at a time
    // and the overlapping tail), against the plain definition.
    const auto reference = [](QByteArrayView a, QByteArrayView b) {
        for (qsizetype i = 0; i < a.size(); ++i) {
            if (HeaderMap::asciiLower(a[i]) != HeaderMap::asciiLower(b[i]))
                return false;
        }
        return true;
    };
    int checked = 0;
    for (int length : {1, 4, 7, 8, 9, 15, 16, 17, 23}) {
        for (int at = 0; at < length; ++at) {
            QByteArray a(length, 'k');
            QByteArray b(length, 'K');
            for (int x = 0; x < 256; ++x) {
                for (int y = 0; y < 256; ++y) {
                    a[at] = char(x);
                    b[at] = char(y);
                    if (HeaderMap::namesEqual(a, b) != reference(a, b))
                        QFAIL(qPrintable(QStringLiteral("length %1 at %2: %3 vs %4")
                                             .arg(length).arg(at).arg(x).arg(y)));
                    ++checked;
                }
            }
        }
    }
    QCOMPARE(checked, (1 + 4 + 7 + 8 + 9 + 15 + 16 + 17 + 23) * 65536);
}

void TestHeaderMap::setReplacesAllInPlace()
{
    HeaderMap h;
    h.add("A", "1");
    h.add("X", "x1");
    h.add("B", "2");
    h.add("x", "x2");
    h.set("X", "new");
    QCOMPARE(h.size(), 3);
    QCOMPARE(h.fields()[1].second, QByteArray("new"));
    QCOMPARE(h.fields()[2].first, QByteArray("B"));
    h.set("C", "3"); // absent: appended
    QCOMPARE(h.fields().back(), (HeaderMap::Field{"C", "3"}));
}

void TestHeaderMap::removeCounts()
{
    HeaderMap h;
    h.add("A", "1");
    h.add("a", "2");
    h.add("B", "3");
    QCOMPARE(h.remove("A"), 2);
    QCOMPARE(h.remove("A"), 0);
    QCOMPARE(h.size(), 1);
}

void TestHeaderMap::combinedValue()
{
    HeaderMap h;
    QVERIFY(h.combinedValue("Accept").isNull());
    h.add("Accept", "text/html");
    h.add("X", "y");
    h.add("accept", "application/json");
    QCOMPARE(h.combinedValue("ACCEPT"), QByteArray("text/html, application/json"));
    HeaderMap e;
    e.add("E", "");
    QVERIFY(!e.combinedValue("E").isNull()); // present but empty is not absent
    QCOMPARE(e.combinedValue("E"), QByteArray(""));
}

void TestHeaderMap::hasToken()
{
    HeaderMap h;
    h.add("Connection", "keep-alive, Upgrade");
    h.add("Connection", "X-Foo");
    QVERIFY(h.hasToken("connection", "upgrade"));
    QVERIFY(h.hasToken("Connection", "x-foo"));
    QVERIFY(!h.hasToken("Connection", "close"));
    QVERIFY(!h.hasToken("Connection", "keep")); // whole tokens only
}

void TestHeaderMap::splitHeaderListTrims()
{
    const auto t = splitHeaderList(" a ,b,, \tc\t,");
    QCOMPARE(t.size(), size_t(3));
    QCOMPARE(t[0], QByteArray("a"));
    QCOMPARE(t[1], QByteArray("b"));
    QCOMPARE(t[2], QByteArray("c"));
    QVERIFY(splitHeaderList("").empty());
    QVERIFY(splitHeaderList(" , ").empty());
}

void TestHeaderMap::hopByHopNames()
{
    for (const char *n :
         {"Connection", "keep-alive", "TE", "Trailer", "transfer-encoding", "Upgrade",
          "Proxy-Connection", "Proxy-Authorization", "Proxy-Authenticate"})
        QVERIFY2(isHopByHopHeader(n), n);
    for (const char *n : {"Host", "Content-Length", "Trailers", "Authorization", "Cookie"})
        QVERIFY2(!isHopByHopHeader(n), n);
}

void TestHeaderMap::stripHopByHop()
{
    HeaderMap h;
    h.add("Host", "a");
    h.add("Connection", "keep-alive");
    h.add("Keep-Alive", "timeout=5");
    h.add("TE", "trailers");
    h.add("Trailer", "X-T");
    h.add("Transfer-Encoding", "chunked");
    h.add("Upgrade", "websocket");
    h.add("Proxy-Authorization", "Basic x");
    h.add("proxy-custom", "1");
    h.add("Content-Length", "3");
    h.add("Proxy", "not a prefix match"); // "Proxy" alone is end-to-end
    stripHopByHopHeaders(h);
    QCOMPARE(h.size(), 3);
    QCOMPARE(h.fields()[0].first, QByteArray("Host"));
    QCOMPARE(h.fields()[1].first, QByteArray("Content-Length"));
    QCOMPARE(h.fields()[2].first, QByteArray("Proxy"));
}

void TestHeaderMap::stripConnectionListed()
{
    HeaderMap h;
    h.add("Connection", "X-Secret, close");
    h.add("connection", " x-other ");
    h.add("X-Secret", "1");
    h.add("X-Other", "2");
    h.add("X-Kept", "3");
    stripHopByHopHeaders(h);
    QCOMPARE(h.size(), 1);
    QCOMPARE(h.fields()[0].first, QByteArray("X-Kept"));
}

void TestHeaderMap::requestTargetParts()
{
    RequestHead r;
    r.target = "/a/b?x=1&y=2";
    QCOMPARE(r.path(), QByteArray("/a/b"));
    QCOMPARE(r.query(), QByteArray("x=1&y=2"));
    r.target = "/plain";
    QCOMPARE(r.path(), QByteArray("/plain"));
    QVERIFY(r.query().isNull());
    r.target = "/q?";
    QVERIFY(!r.query().isNull());
    QVERIFY(r.query().isEmpty());
}

void TestHeaderMap::reasonPhrases()
{
    QCOMPARE(reasonPhrase(200), QByteArray("OK"));
    QCOMPARE(reasonPhrase(404), QByteArray("Not Found"));
    QCOMPARE(reasonPhrase(431), QByteArray("Request Header Fields Too Large"));
    QCOMPARE(reasonPhrase(505), QByteArray("HTTP Version Not Supported"));
    QCOMPARE(reasonPhrase(299), QByteArray("Unknown"));
}

QTEST_GUILESS_MAIN(TestHeaderMap)
#include "tst_header_map.moc"
