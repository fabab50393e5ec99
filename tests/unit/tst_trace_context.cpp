// W3C Trace Context level 1: traceparent parsed strictly for version 00 and leniently for later
// versions, formatted back, and continued or started for a request's headers. Also the request
// ids (X-Request-Id), made from the same random words.

#include "http/HeaderMap.h"
#include "observe/RequestId.h"
#include "observe/TraceContext.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace portico;

namespace {

const QByteArray kValid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

bool isLowerHex(QByteArrayView text)
{
    for (char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

HeaderMap headersWith(const QList<QByteArray> &traceparents)
{
    HeaderMap headers;
    headers.add("Host", "example.test");
    for (const QByteArray &value : traceparents)
        headers.add("traceparent", value);
    return headers;
}

} // namespace

class TestTraceContext : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesVersion00();
    void formatsTraceParents();
    void rejectsInvalid_data();
    void rejectsInvalid();
    void readsLaterVersionsLeniently();
    void continuesAValidTrace();
    void startsANewTraceOtherwise();
    void newIdsDiffer();
    void requestIdsAreVersion4Uuids();
};

void TestTraceContext::parsesVersion00()
{
    const std::optional<TraceParent> trace = parseTraceParent(kValid);
    QVERIFY(trace);
    QCOMPARE(trace->traceId, QByteArrayView("4bf92f3577b34da6a3ce929d0e0e4736"));
    QCOMPARE(trace->parentId, QByteArrayView("00f067aa0ba902b7"));
    QCOMPARE(trace->flags, quint8(1));

    // Unknown flags are kept as they are for version 00.
    const auto other = parseTraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-fe");
    QVERIFY(other);
    QCOMPARE(other->flags, quint8(0xfe));
    // Ids that are mostly zero are fine.
    QVERIFY(parseTraceParent("00-00000000000000000000000000000001-0000000000000001-00"));
}

void TestTraceContext::formatsTraceParents()
{
    QCOMPARE(formatTraceParent("4bf92f3577b34da6a3ce929d0e0e4736", 0x00f067aa0ba902b7ULL, 1),
             kValid);
    const QByteArray formatted = formatTraceParent("00000000000000010000000000000000", 0xabc, 0xfe);
    QCOMPARE(formatted, QByteArray("00-00000000000000010000000000000000-0000000000000abc-fe"));
    QVERIFY(parseTraceParent(formatted));
}

void TestTraceContext::rejectsInvalid_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("uppercase trace id")
        << QByteArray("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01");
    QTest::newRow("uppercase parent id")
        << QByteArray("00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01");
    QTest::newRow("uppercase version")
        << QByteArray("0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    QTest::newRow("zero trace id")
        << QByteArray("00-00000000000000000000000000000000-00f067aa0ba902b7-01");
    QTest::newRow("zero parent id")
        << QByteArray("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01");
    QTest::newRow("version ff") << QByteArray(
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    QTest::newRow("short trace id")
        << QByteArray("00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01");
    QTest::newRow("long trace id")
        << QByteArray("00-4bf92f3577b34da6a3ce929d0e0e47366-00f067aa0ba902b7-01");
    QTest::newRow("short parent id")
        << QByteArray("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01");
    QTest::newRow("one flag digit")
        << QByteArray("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1");
    QTest::newRow("version 00 with more")
        << QByteArray("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra");
    QTest::newRow("version 00 trailing space")
        << QByteArray("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 ");
    QTest::newRow("wrong separator")
        << QByteArray("00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    QTest::newRow("not hex") << QByteArray(
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01");
    QTest::newRow("not hex flags")
        << QByteArray("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0x");
    QTest::newRow("later version, no dash after flags")
        << QByteArray("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x");
    QTest::newRow("later version, too short")
        << QByteArray("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1");
}

void TestTraceContext::rejectsInvalid()
{
    QFETCH(QByteArray, value);
    QVERIFY(!parseTraceParent(value));
}

void TestTraceContext::readsLaterVersionsLeniently()
{
    // A future version with extra fields: the ids and the sampled flag are used.
    const auto withMore =
        parseTraceParent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff-what-ever");
    QVERIFY(withMore);
    QCOMPARE(withMore->traceId, QByteArrayView("4bf92f3577b34da6a3ce929d0e0e4736"));
    QCOMPARE(withMore->parentId, QByteArrayView("00f067aa0ba902b7"));
    QCOMPARE(withMore->flags, quint8(1)); // only "sampled" carries over to version 00
    const auto exact = parseTraceParent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
    QVERIFY(exact);
    QCOMPARE(exact->flags, quint8(0));
}

void TestTraceContext::continuesAValidTrace()
{
    QByteArray traceId;
    const GatewaySpan span = continueTrace(headersWith({kValid}), &traceId);
    QVERIFY(span.keepTraceState);
    QCOMPARE(traceId, QByteArray("4bf92f3577b34da6a3ce929d0e0e4736"));
    QVERIFY(span.spanId != 0x00f067aa0ba902b7ULL); // the gateway's own span
    QVERIFY(span.spanId != 0);
    QCOMPARE(span.flags, quint8(1));
    const QByteArray upstream = formatTraceParent(traceId, span.spanId, span.flags);
    QCOMPARE(upstream.first(36), kValid.first(36));
    QVERIFY(upstream.mid(36, 16) != kValid.mid(36, 16));
    QVERIFY(upstream.endsWith("-01"));

    // Field names are case-insensitive.
    HeaderMap mixedCase;
    mixedCase.add("TraceParent", kValid);
    QVERIFY(continueTrace(mixedCase, &traceId).keepTraceState);
}

void TestTraceContext::startsANewTraceOtherwise()
{
    const QList<QList<QByteArray>> cases = {
        {},
        {"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"},
        {kValid, kValid}, // two traceparent fields: invalid
    };
    for (const QList<QByteArray> &values : cases) {
        QByteArray traceId;
        const GatewaySpan span = continueTrace(headersWith(values), &traceId);
        QVERIFY(!span.keepTraceState);
        QCOMPARE(span.flags, TraceParent::kSampled);
        QCOMPARE(traceId.size(), 32);
        QVERIFY(isLowerHex(traceId));
        QVERIFY(traceId != "4bf92f3577b34da6a3ce929d0e0e4736");
        const QByteArray formatted = formatTraceParent(traceId, span.spanId, span.flags);
        QVERIFY2(parseTraceParent(formatted), formatted.constData());
    }
}

void TestTraceContext::newIdsDiffer()
{
    QSet<QByteArray> traces;
    QSet<quint64> spans;
    for (int i = 0; i < 1000; ++i) {
        QByteArray traceId;
        spans.insert(continueTrace(HeaderMap{}, &traceId).spanId);
        traces.insert(traceId);
    }
    QCOMPARE(traces.size(), 1000);
    QCOMPARE(spans.size(), 1000);
}

void TestTraceContext::requestIdsAreVersion4Uuids()
{
    static const QRegularExpression uuid(QStringLiteral(
        "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"));
    QSet<QByteArray> ids;
    for (int i = 0; i < 1000; ++i) {
        const QByteArray id = generateRequestId();
        QVERIFY2(uuid.match(QString::fromLatin1(id)).hasMatch(), id.constData());
        QVERIFY(isAcceptableRequestId(id)); // what the gateway makes, it would also keep
        ids.insert(id);
    }
    QCOMPARE(ids.size(), 1000);
}

QTEST_APPLESS_MAIN(TestTraceContext)
#include "tst_trace_context.moc"
