// The access log's line format: every field of a record under its documented key, in order,
// one valid JSON object per line whatever bytes a client sent, absent values as null.

#include "observe/AccessLogLine.h"
#include "observe/CaptureRecord.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringDecoder>
#include <QTest>

using namespace portico;

namespace {

CaptureRecord fullRecord()
{
    CaptureRecord r;
    r.sequence = 7;
    r.id = "0f8fad5b-d9cb-469f-a165-70867728950e";
    r.traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    r.startedAtMs = 1'714'566'896'789; // 2024-05-01T12:34:56.789Z
    r.clientIp = "192.0.2.7";
    r.clientPort = 54321;
    r.method = "POST";
    r.host = "api.example.test";
    r.target = "/users/42?apikey=[redacted]&page=2";
    r.httpVersion = "HTTP/1.1";
    r.route = "users";
    r.consumer = "mobile-app";
    r.keyPrefix = "pk_abc";
    r.status = 201;
    r.requestBytes = 120;
    r.responseBytes = 3456;
    r.upstreamService = "users";
    r.upstreamTarget = "http://127.0.0.1:9001";
    r.timings = CaptureTimings{150, 800, 12'000, 13'100};
    r.decisions = {{"route", "users"}, {"auth", "key k1 consumer mobile-app"}};
    // What the log never shows, even when a record holds it.
    r.hasHeaders = true;
    r.requestHeaders = {{"X-API-Key", "[redacted]"}, {"Accept", "application/json"}};
    r.responseHeaders = {{"Content-Type", "application/json"}};
    r.upstreamUrl = "http://127.0.0.1:9001/users/42";
    r.requestBody.bytes = "{\"name\":\"body\"}";
    return r;
}

QByteArray lineOf(const CaptureRecord &record)
{
    QByteArray out;
    appendAccessLogLine(out, record);
    return out;
}

bool isValidUtf8(QByteArrayView bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder(bytes);
    return !decoder.hasError();
}

QJsonObject parsed(const QByteArray &line)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning("not JSON (%s): %s", qPrintable(error.errorString()), line.constData());
    return doc.object();
}

} // namespace

class TestAccessLogLine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writesEveryField();
    void keysAreStableAndOrdered();
    void absentValuesAreNull();
    void escapesOddBytes_data();
    void escapesOddBytes();
    void formatsTimes_data();
    void formatsTimes();
    void reportsDroppedLines();
};

void TestAccessLogLine::writesEveryField()
{
    const QByteArray line = lineOf(fullRecord());
    QVERIFY(line.endsWith('\n'));
    QCOMPARE(line.count('\n'), 1);
    const QJsonObject o = parsed(line);
    QCOMPARE(o.value("time").toString(), QStringLiteral("2024-05-01T12:34:56.789Z"));
    QCOMPARE(o.value("id").toString(), QStringLiteral("0f8fad5b-d9cb-469f-a165-70867728950e"));
    QCOMPARE(o.value("trace_id").toString(), QStringLiteral("4bf92f3577b34da6a3ce929d0e0e4736"));
    QCOMPARE(o.value("client_ip").toString(), QStringLiteral("192.0.2.7"));
    QCOMPARE(o.value("client_port").toInt(), 54321);
    QCOMPARE(o.value("method").toString(), QStringLiteral("POST"));
    QCOMPARE(o.value("host").toString(), QStringLiteral("api.example.test"));
    QCOMPARE(o.value("path").toString(), QStringLiteral("/users/42?apikey=[redacted]&page=2"));
    QCOMPARE(o.value("http_version").toString(), QStringLiteral("HTTP/1.1"));
    QCOMPARE(o.value("status").toInt(), 201);
    QCOMPARE(o.value("request_bytes").toInteger(), 120);
    QCOMPARE(o.value("response_bytes").toInteger(), 3456);
    QCOMPARE(o.value("route").toString(), QStringLiteral("users"));
    QCOMPARE(o.value("consumer").toString(), QStringLiteral("mobile-app"));
    QCOMPARE(o.value("key_prefix").toString(), QStringLiteral("pk_abc"));
    QCOMPARE(o.value("upstream_service").toString(), QStringLiteral("users"));
    QCOMPARE(o.value("upstream_target").toString(), QStringLiteral("http://127.0.0.1:9001"));
    QCOMPARE(o.value("gateway_us").toInteger(), 150);
    QCOMPARE(o.value("connect_us").toInteger(), 800);
    QCOMPARE(o.value("upstream_us").toInteger(), 12'000);
    QCOMPARE(o.value("total_us").toInteger(), 13'100);
    const QJsonArray decisions = o.value("decisions").toArray();
    QCOMPARE(decisions.size(), 2);
    QCOMPARE(decisions[0].toObject().value("stage").toString(), QStringLiteral("route"));
    QCOMPARE(decisions[0].toObject().value("decision").toString(), QStringLiteral("users"));
    QCOMPARE(decisions[1].toObject().value("stage").toString(), QStringLiteral("auth"));
    QCOMPARE(decisions[1].toObject().value("decision").toString(),
             QStringLiteral("key k1 consumer mobile-app"));

    // Headers, bodies and the upstream URL are not the log's business.
    for (const char *absent :
         {"Accept", "application/json\"", "X-API-Key", "body", "sequence", "/users/42\""})
        QVERIFY2(!line.contains(absent), absent);
}

void TestAccessLogLine::keysAreStableAndOrdered()
{
    static const QList<QByteArray> kKeys = {"time",
                                            "id",
                                            "trace_id",
                                            "client_ip",
                                            "client_port",
                                            "method",
                                            "host",
                                            "path",
                                            "http_version",
                                            "status",
                                            "request_bytes",
                                            "response_bytes",
                                            "route",
                                            "consumer",
                                            "key_prefix",
                                            "upstream_service",
                                            "upstream_target",
                                            "total_us",
                                            "gateway_us",
                                            "connect_us",
                                            "upstream_us",
                                            "decisions"};
    for (const CaptureRecord &record : {fullRecord(), CaptureRecord{}}) {
        const QByteArray line = lineOf(record);
        QCOMPARE(parsed(line).keys().size(), kKeys.size());
        qsizetype at = 0;
        for (const QByteArray &key : kKeys) {
            const qsizetype found = line.indexOf("\"" + key + "\":", at);
            QVERIFY2(found >= at, key.constData());
            at = found;
        }
    }
}

void TestAccessLogLine::absentValuesAreNull()
{
    CaptureRecord r; // not routed, not proxied, no answer, no timings
    r.id = "abc";
    r.method = "GET";
    r.target = "/";
    const QJsonObject o = parsed(lineOf(r));
    for (const char *key :
         {"trace_id", "host", "status", "route", "consumer", "key_prefix", "upstream_service",
          "upstream_target", "total_us", "gateway_us", "connect_us", "upstream_us"})
        QVERIFY2(o.value(key).isNull(), key);
    QCOMPARE(o.value("time").toString(), QStringLiteral("1970-01-01T00:00:00.000Z"));
    QCOMPARE(o.value("request_bytes").toInteger(), 0);
    QCOMPARE(o.value("decisions").toArray().size(), 0);
    QCOMPARE(o.value("client_port").toInt(), 0);
}

void TestAccessLogLine::escapesOddBytes_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QString>("expected"); // as a JSON reader sees it
    QTest::newRow("plain") << QByteArray("/a/b?c=d") << QStringLiteral("/a/b?c=d");
    QTest::newRow("quote and backslash") << QByteArray("/a\"b\\c") << QStringLiteral("/a\"b\\c");
    QTest::newRow("controls") << QByteArray("/a\nb\rc\td\x01\x1f\x7f")
                              << QStringLiteral("/a\nb\rc\td\x01\x1f\x7f");
    QTest::newRow("nul") << QByteArray("/a\0b", 4) << QString::fromUtf16(u"/a\u0000b", 4);
    QTest::newRow("utf-8 kept") << QByteArray("/caf\xc3\xa9/\xe2\x82\xac/\xf0\x9f\x98\x80")
                                << QString::fromUtf8("/caf\xc3\xa9/\xe2\x82\xac/\xf0\x9f\x98\x80");
    QTest::newRow("lone byte") << QByteArray("/a\xe9z") << QStringLiteral("/a\uFFFDz");
    QTest::newRow("truncated sequence")
        << QByteArray("/a\xe2\x82") << QStringLiteral("/a\uFFFD\uFFFD");
    QTest::newRow("overlong") << QByteArray("/\xc0\xaf") << QStringLiteral("/\uFFFD\uFFFD");
    QTest::newRow("surrogate") << QByteArray("/\xed\xa0\x80")
                               << QStringLiteral("/\uFFFD\uFFFD\uFFFD");
    QTest::newRow("past U+10FFFF")
        << QByteArray("/\xf4\x90\x80\x80") << QStringLiteral("/\uFFFD\uFFFD\uFFFD\uFFFD");
    QTest::newRow("json breakout") << QByteArray("/\",\"status\":999,\"x\":\"")
                                   << QStringLiteral("/\",\"status\":999,\"x\":\"");
}

void TestAccessLogLine::escapesOddBytes()
{
    QFETCH(QByteArray, target);
    QFETCH(QString, expected);
    CaptureRecord r = fullRecord();
    r.target = target;
    r.decisions = {{"local_reply", target}};
    const QByteArray line = lineOf(r);
    QVERIFY(isValidUtf8(line));
    QCOMPARE(line.count('\n'), 1); // no raw newline but the last
    QVERIFY(line.endsWith('\n'));
    for (char c : line.chopped(1))
        QVERIFY(quint8(c) >= 0x20 && c != 0x7f);
    const QJsonObject o = parsed(line);
    QCOMPARE(o.value("path").toString(), expected);
    QCOMPARE(o.value("status").toInt(), 201);
    QCOMPARE(o.value("decisions").toArray()[0].toObject().value("decision").toString(), expected);
}

void TestAccessLogLine::formatsTimes_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::newRow("epoch") << qint64(0);
    QTest::newRow("leap day") << qint64(951'782'400'001);      // 2000-02-29T00:00:00.001Z
    QTest::newRow("end of year") << qint64(1'704'067'199'999); // 2023-12-31T23:59:59.999Z
    QTest::newRow("2038") << qint64(2'147'483'648'000);
    QTest::newRow("far") << qint64(253'402'300'799'000); // 9999-12-31T23:59:59Z
    QTest::newRow("before the epoch") << qint64(-1);
}

void TestAccessLogLine::formatsTimes()
{
    QFETCH(qint64, ms);
    QByteArray text;
    appendRfc3339Ms(text, ms);
    const QString expected = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)
                                 .toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss.zzz'Z'"));
    QCOMPARE(QString::fromLatin1(text), expected);
}

void TestAccessLogLine::reportsDroppedLines()
{
    QByteArray line;
    appendDroppedLine(line, 1'714'566'896'789, 1234);
    QCOMPARE(line, QByteArray("{\"time\":\"2024-05-01T12:34:56.789Z\",\"dropped\":1234}\n"));
    QCOMPARE(parsed(line).value("dropped").toInt(), 1234);
}

QTEST_APPLESS_MAIN(TestAccessLogLine)
#include "tst_access_log_line.moc"
