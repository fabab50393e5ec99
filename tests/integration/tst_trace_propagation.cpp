// W3C Trace Context through a real gateway: the service behind it receives a traceparent with
// the client's trace id (or a new one), the gateway's own span as parent id and the flags kept;
// tracestate goes along only with a valid traceparent.

#include "IntegrationFixtures.h"
#include "observe/TraceContext.h"

#include <QTest>

using namespace portico;
using namespace portico::test;

namespace {

const QByteArray kTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
const QByteArray kParentId = "00f067aa0ba902b7";

} // namespace

class TestTracePropagation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void startsATraceWhenThereIsNone();
    void continuesAValidTrace();
    void restartsAnInvalidTrace_data();
    void restartsAnInvalidTrace();

private:
    // Sends one request to the gateway and returns what the backend received.
    BackendRequest forward(const RawHeaders &headers);

    std::unique_ptr<TestBackend> m_backend;
    std::unique_ptr<GatewayEngine> m_engine;
};

void TestTracePropagation::initTestCase()
{
    m_backend = std::make_unique<TestBackend>(QStringLiteral("svc"));
    m_engine = std::make_unique<GatewayEngine>();
    START_ENGINE(*m_engine, singleServiceConfig({m_backend->url()}));
}

void TestTracePropagation::cleanupTestCase()
{
    m_engine.reset();
    m_backend.reset();
}

BackendRequest TestTracePropagation::forward(const RawHeaders &headers)
{
    m_backend->clear();
    RawHttpClient client(m_engine->listenPort());
    const RawResponse response = client.get("/headers", headers);
    if (response.status != 200 || m_backend->requestCount() != 1)
        return {};
    return m_backend->lastRequest();
}

void TestTracePropagation::startsATraceWhenThereIsNone()
{
    // A tracestate without a traceparent belongs to no trace: dropped.
    const BackendRequest received = forward({{"tracestate", "vendor=abc"}});
    QCOMPARE(received.headers.count("traceparent"), 1);
    const QByteArray value = received.headers.value("traceparent");
    const std::optional<TraceParent> trace = parseTraceParent(value);
    QVERIFY2(trace, value.constData());
    QVERIFY(value.startsWith("00-"));
    QCOMPARE(trace->flags, TraceParent::kSampled);
    QVERIFY(!received.headers.contains("tracestate"));

    // Each request its own trace.
    const QByteArray next = forward({}).headers.value("traceparent");
    QVERIFY(parseTraceParent(next));
    QVERIFY(next.mid(3, 32) != value.mid(3, 32));
}

void TestTracePropagation::continuesAValidTrace()
{
    // Flags 00 (not sampled) stay 00; both tracestate fields go on unchanged and in order.
    const QByteArray incoming = "00-" + kTraceId + "-" + kParentId + "-00";
    const BackendRequest received = forward({{"traceparent", incoming},
                                             {"tracestate", "congo=t61rcWkgMzE"},
                                             {"tracestate", "rojo=00f067aa0ba902b7"}});
    QCOMPARE(received.headers.count("traceparent"), 1);
    const QByteArray value = received.headers.value("traceparent");
    const std::optional<TraceParent> trace = parseTraceParent(value);
    QVERIFY2(trace, value.constData());
    QCOMPARE(trace->traceId, kTraceId);
    QVERIFY(value.mid(36, 16) != kParentId); // the gateway's span is the parent now
    QCOMPARE(trace->flags, quint8(0));
    QList<QByteArray> states;
    for (const auto &[name, v] : received.headers.fields()) {
        if (HeaderMap::namesEqual(name, "tracestate"))
            states << v;
    }
    QCOMPARE(states, QList<QByteArray>({"congo=t61rcWkgMzE", "rojo=00f067aa0ba902b7"}));

    // Sampled stays sampled; each request gets a span of its own.
    const QByteArray sampled = "00-" + kTraceId + "-" + kParentId + "-01";
    const QByteArray first = forward({{"traceparent", sampled}}).headers.value("traceparent");
    const QByteArray second = forward({{"traceparent", sampled}}).headers.value("traceparent");
    QCOMPARE(first.mid(3, 32), kTraceId);
    QVERIFY(first.endsWith("-01"));
    QVERIFY(first.mid(36, 16) != second.mid(36, 16));
}

void TestTracePropagation::restartsAnInvalidTrace_data()
{
    QTest::addColumn<RawHeaders>("headers");
    const QByteArray upper = "00-" + kTraceId.toUpper() + "-" + kParentId + "-01";
    const QByteArray zeros = "00-00000000000000000000000000000000-" + kParentId + "-01";
    const QByteArray versionFf = "ff-" + kTraceId + "-" + kParentId + "-01";
    const QByteArray valid = "00-" + kTraceId + "-" + kParentId + "-01";
    QTest::newRow("uppercase") << RawHeaders{{"traceparent", upper}, {"tracestate", "a=b"}};
    QTest::newRow("zero trace id") << RawHeaders{{"traceparent", zeros}, {"tracestate", "a=b"}};
    QTest::newRow("version ff") << RawHeaders{{"traceparent", versionFf}, {"tracestate", "a=b"}};
    QTest::newRow("short") << RawHeaders{{"traceparent", valid.chopped(1)}, {"tracestate", "a=b"}};
    QTest::newRow("two fields") << RawHeaders{
        {"traceparent", valid}, {"traceparent", valid}, {"tracestate", "a=b"}};
}

void TestTracePropagation::restartsAnInvalidTrace()
{
    QFETCH(RawHeaders, headers);
    const BackendRequest received = forward(headers);
    QCOMPARE(received.headers.count("traceparent"), 1);
    const QByteArray value = received.headers.value("traceparent");
    const std::optional<TraceParent> trace = parseTraceParent(value);
    QVERIFY2(trace, value.constData());
    QVERIFY(trace->traceId != kTraceId);
    QCOMPARE(trace->flags, TraceParent::kSampled);
    QVERIFY(!received.headers.contains("tracestate"));
}

QTEST_GUILESS_MAIN(TestTracePropagation)
#include "tst_trace_propagation.moc"
