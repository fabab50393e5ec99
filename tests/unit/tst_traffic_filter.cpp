#include "observe/CaptureRecord.h"
#include "observe/TrafficFilter.h"

#include <QTest>

using namespace portico;

namespace {

// A 404 for a keyed client of route "users", proxied, 150 ms, 12 KiB answered.
CaptureRecord sampleRecord()
{
    CaptureRecord record;
    record.id = "req-abc123";
    record.traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    record.clientIp = "10.1.2.3";
    record.method = "POST";
    record.host = "api.example.test:8080";
    record.target = "/users/42/orders?limit=10&sort=name";
    record.httpVersion = "HTTP/1.1";
    record.route = "users";
    record.consumer = "mobile-app";
    record.status = 404;
    record.responseBytes = 12 * 1024;
    record.upstreamService = "users";
    record.upstreamTarget = "http://127.0.0.1:9001";
    record.timings.totalUs = 150'000;
    record.decisions = {{"route", "users"},
                        {"auth", "key k1 consumer mobile-app"},
                        {"ejected", "http://127.0.0.1:9002 after 3 connect failures"}};
    return record;
}

TrafficFilter compiled(const QString &text)
{
    TrafficFilterParse parsed = TrafficFilter::parse(text);
    if (!parsed.ok()) {
        for (const TrafficFilterError &error : parsed.errors)
            qWarning() << text << error.start << error.length << error.message;
    }
    Q_ASSERT(parsed.filter);
    return *parsed.filter;
}

} // namespace

class TrafficFilterTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyMatchesEverything()
    {
        for (const QString &text : {QString(), QStringLiteral("   "), QStringLiteral("\t")}) {
            const TrafficFilterParse parsed = TrafficFilter::parse(text);
            QVERIFY(parsed.ok());
            QVERIFY(parsed.filter->isEmpty());
            QVERIFY(parsed.filter->matches(sampleRecord()));
            QVERIFY(parsed.filter->matches(CaptureRecord{}));
        }
    }

    void matches_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("expected");
        const auto row = [](const char *text, bool expected) {
            QTest::newRow(text) << QString::fromUtf8(text) << expected;
        };
        // status: code, class, comparisons, range
        row("status:404", true);
        row("status:200", false);
        row("status:4xx", true);
        row("status:4XX", true);
        row("status:5xx", false);
        row("status:>=400", true);
        row("status:>404", false);
        row("status:<=404", true);
        row("status:<404", false);
        row("status:=404", true);
        row("status:400-499", true);
        row("status:405-499", false);
        // names: exact unless a wildcard, ASCII case-insensitive
        row("route:users", true);
        row("route:Users", true);
        row("route:user", false);
        row("route:use*", true);
        row("route:\"\"", false);
        row("consumer:mobile-app", true);
        row("consumer:mobile", false);
        row("consumer:*-app", true);
        row("method:post", true);
        row("method:POST", true);
        row("method:GET", false);
        row("method:P?ST", true);
        // path: glob on the path without the query, case-sensitive; no wildcard = exact
        row("path:/users/42/orders", true);
        row("path:/users", false);
        row("path:/users/*", true);
        row("path:/users/*/orders", true);
        row("path:*/orders", true);
        row("path:/users/4?/orders", true);
        row("path:/users/?/orders", false);
        row("path:/USERS/*", false);
        row("path:/users/42/orders?limit=10*", false);
        row("path:*", true);
        // host: with or without the port
        row("host:api.example.test", true);
        row("host:api.example.test:8080", true);
        row("host:API.example.test", true);
        row("host:*.example.test", true);
        row("host:api.example.test:9090", false);
        row("host:example.test", false);
        // latency in us, ms (the default) or s
        row("latency:>100ms", true);
        row("latency:>100", true);
        row("latency:>150ms", false);
        row("latency:>=150ms", true);
        row("latency:<2s", true);
        row("latency:<0.15s", false);
        row("latency:<=0.15s", true);
        row("latency:>=150000us", true);
        row("latency:>150000us", false);
        row("latency:>1.5ms", true);
        // size of the response body in b (the default), kb or mb (1024-based)
        row("size:>10kb", true);
        row("size:>12kb", false);
        row("size:>=12kb", true);
        row("size:12288", true);
        row("size:12kb", true);
        row("size:<1mb", true);
        row("size:>0.01MB", true);
        // client, ids, upstream target, decisions
        row("client:10.1.2.3", true);
        row("client:10.1.2.30", false);
        row("client:10.1.*", true);
        row("id:req-abc", true);
        row("id:abc", false);
        row("trace:4bf92f", true);
        row("trace:4BF92F", true);
        row("trace:92f", false);
        row("target:9001", true);
        row("target:127.0.0.1:9002", false);
        row("decision:ejected", true);
        row("decision:connect failures", false); // a space ends the term: two terms
        row("decision:\"connect failures\"", true);
        row("decision:\"rate limit\"", false);
        row("decision:KEY", true);
        // bare words: substring of method, host, target, route, consumer
        row("mobile", true);
        row("ORDERS", true);
        row("example", true);
        row("post", true);
        row("sort=name", true);
        row("ejected", false);
        row("\"mobile-app\"", true);
        // negation, conjunction
        row("-status:404", false);
        row("-status:5xx", true);
        row("-mobile", false);
        row("-method:GET", true);
        row("status:4xx route:users consumer:mobile-app method:POST latency:>100ms "
            "path:/users/*",
            true);
        row("status:4xx route:users consumer:mobile-app method:GET", false);
        row("  status:4xx    -route:orders  ", true);
        // keys are case-insensitive
        row("STATUS:404 Route:users", true);
    }

    void matches()
    {
        QFETCH(QString, text);
        QFETCH(bool, expected);
        QCOMPARE(compiled(text).matches(sampleRecord()), expected);
    }

    void quotedValues()
    {
        CaptureRecord record = sampleRecord();
        record.target = "/a b/\"c\"\\d?x=1";
        QVERIFY(compiled("path:\"/a b/\\\"c\\\"\\\\d\"").matches(record));
        QVERIFY(!compiled("path:\"/a b\"").matches(record));
        QVERIFY(compiled("path:\"/a b/*\"").matches(record));
        // An empty quoted value asks for an empty field: anonymous, no route.
        record.consumer.clear();
        QVERIFY(compiled("consumer:\"\"").matches(record));
        QVERIFY(!compiled("-consumer:\"\"").matches(record));
        QVERIFY(compiled("-route:\"\"").matches(record));
    }

    void unknownLatencyNeverMatches()
    {
        CaptureRecord record = sampleRecord();
        record.timings.totalUs = -1;
        QVERIFY(!compiled("latency:>0us").matches(record));
        QVERIFY(!compiled("latency:<1s").matches(record));
        QVERIFY(compiled("-latency:<1s").matches(record));
    }

    void unansweredRequests()
    {
        CaptureRecord record = sampleRecord();
        record.status = 0; // the connection was lost before an answer
        QVERIFY(compiled("status:0").matches(record));
        QVERIFY(!compiled("status:<400").matches(record));
        QVERIFY(!compiled("status:<=200").matches(record));
        QVERIFY(compiled("status:0-99").matches(record));
        record.status = 204;
        QVERIFY(compiled("status:<400").matches(record));
    }

    void globs()
    {
        CaptureRecord record = sampleRecord();
        record.target = "/caf\xc3\xa9/menu";
        QVERIFY(compiled("path:/caf?/menu").matches(record)); // '?' is one character, not byte
        QVERIFY(!compiled("path:/caf?"
                          "?/menu")
                     .matches(record));
        QVERIFY(compiled("path:/caf\u00e9/*").matches(record));
        QVERIFY(compiled("path:/*/*").matches(record));
        QVERIFY(compiled("path:**menu").matches(record));
        QVERIFY(!compiled("path:/*/x*").matches(record));
        // The absolute form's path is what path: sees.
        record.target = "http://api.example.test/abs/path?q=1";
        QVERIFY(compiled("path:/abs/path").matches(record));
        // Backtracking: the first candidate for '*' is not the right one.
        record.target = "/aXbXbXc";
        QVERIFY(compiled("path:/a*bXc").matches(record));
        QVERIFY(!compiled("path:/a*bXd").matches(record));
    }

    void hostsWithoutPort()
    {
        CaptureRecord record = sampleRecord();
        record.host = "[::1]:8080";
        QVERIFY(compiled("host:[::1]").matches(record));
        QVERIFY(compiled("host:[::1]:8080").matches(record));
        record.host = "localhost";
        QVERIFY(compiled("host:localhost").matches(record));
        QVERIFY(!compiled("host:localhost:80").matches(record));
    }

    void errors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("start");
        QTest::addColumn<int>("length");
        QTest::addColumn<QString>("message");
        const auto row = [](const char *name, const char *text, int start, int length,
                            const char *message) {
            QTest::newRow(name) << QString::fromUtf8(text) << start << length
                                << QString::fromUtf8(message);
        };
        row("unknown key", "stauts:404", 0, 10,
            "unknown key \"stauts\" (expected status, route, consumer, method, path, host, "
            "latency, size, client, id, trace, target, decision)");
        row("unknown key after a term", "method:GET stauts:404", 11, 10,
            "unknown key \"stauts\" (expected status, route, consumer, method, path, host, "
            "latency, size, client, id, trace, target, decision)");
        row("status class", "status:6xx", 0, 10, "status class must be 1xx..5xx");
        row("status words", "status:abc", 0, 10,
            "status must be a code (404), a class (4xx), a comparison (>=500) or a range "
            "(400-499)");
        row("status range reversed", "status:499-400", 0, 14, "status range 499-400 is empty");
        row("status too large", "status:1000", 0, 11,
            "status must be a code (404), a class (4xx), a comparison (>=500) or a range "
            "(400-499)");
        row("latency without comparison", "latency:100ms", 0, 13,
            "latency needs a comparison like >100ms, <2s or >=250us");
        row("latency unit", "latency:>5m", 0, 11,
            "latency: unknown unit \"m\" (expected us, \u00b5s, ms, s)");
        row("latency number", "latency:>fast", 0, 13, "latency: expected a number, not \"fast\"");
        row("size unit", "size:>1gb", 0, 9, "size: unknown unit \"gb\" (expected b, kb, mb)");
        row("size number", "size:>.5kb", 0, 10, "size: expected a number, not \".5kb\"");
        row("empty value", "route:", 0, 6, "route needs a value");
        row("negated empty value", " -path: ", 1, 6, "path needs a value");
        row("missing quote", "path:\"/a b", 0, 10, "missing closing quote");
        row("text after quote", "path:\"/a\"b x", 0, 10, "unexpected text after the closing quote");
    }

    void errors()
    {
        QFETCH(QString, text);
        QFETCH(int, start);
        QFETCH(int, length);
        QFETCH(QString, message);
        const TrafficFilterParse parsed = TrafficFilter::parse(text);
        QVERIFY(!parsed.ok());
        QVERIFY(!parsed.filter);
        QCOMPARE(parsed.errors.size(), size_t(1));
        QCOMPARE(parsed.errors[0].message, message);
        QCOMPARE(parsed.errors[0].start, start);
        QCOMPARE(parsed.errors[0].length, length);
    }

    void everyErrorIsReported()
    {
        const QString text = QStringLiteral("stauts:4xx route:users latency:5 status:9xx");
        const TrafficFilterParse parsed = TrafficFilter::parse(text);
        QCOMPARE(parsed.errors.size(), size_t(3));
        QCOMPARE(text.mid(parsed.errors[0].start, parsed.errors[0].length),
                 QStringLiteral("stauts:4xx"));
        QCOMPARE(text.mid(parsed.errors[1].start, parsed.errors[1].length),
                 QStringLiteral("latency:5"));
        QCOMPARE(text.mid(parsed.errors[2].start, parsed.errors[2].length),
                 QStringLiteral("status:9xx"));
    }

    void rangesAreUtf16Indexes()
    {
        // The GUI underlines with QString indexes: a character outside the BMP counts two.
        const QString text = QString::fromUtf8("\xf0\x9f\x98\x80 stauts:1");
        const TrafficFilterParse parsed = TrafficFilter::parse(text);
        QCOMPARE(parsed.errors.size(), size_t(1));
        QCOMPARE(parsed.errors[0].start, 3);
        QCOMPARE(parsed.errors[0].length, 8);
    }

    void filtersManyRecords()
    {
        // The page runs one filter over the whole ring per keystroke.
        std::vector<CaptureRecord> records(10'000, sampleRecord());
        for (size_t i = 0; i < records.size(); ++i) {
            records[i].status = i % 10 == 0 ? 503 : 200;
            records[i].timings.totalUs = qint64(i) * 100;
            records[i].target = "/users/" + QByteArray::number(qulonglong(i));
        }
        const TrafficFilter filter = compiled("status:5xx latency:>=500ms path:/users/*0");
        int matched = 0;
        for (const CaptureRecord &record : records)
            matched += filter.matches(record) ? 1 : 0;
        QCOMPARE(matched, 5000 / 10); // i in [5000, 10000) with i % 10 == 0
    }
};

QTEST_GUILESS_MAIN(TrafficFilterTest)
#include "tst_traffic_filter.moc"
