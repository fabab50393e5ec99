// Portico's metrics text from known figures: the families a stopped engine still reports, the
// request series by route, status class and method (unmatched requests under "(none)"), the
// duration histograms, upstream targets merged from traffic and health, and consumer series
// only when asked for.

#include "observe/GatewayMetrics.h"

#include <QTest>

using namespace portico;

namespace {

// The sample lines (no comments), as a set to look lines up in.
QSet<QByteArray> sampleLines(const QByteArray &text)
{
    QSet<QByteArray> out;
    for (const QByteArray &line : text.split('\n')) {
        if (!line.isEmpty() && !line.startsWith('#'))
            out.insert(line);
    }
    return out;
}

TargetHealthState health(const QString &service, const QString &url, bool ejected)
{
    TargetHealthState state;
    state.service = service;
    state.url = url;
    state.ejected = ejected;
    return state;
}

GatewayFigures runningFigures()
{
    GatewayFigures f;
    f.configRevision = 7;
    f.running = true;
    f.workers = 2;
    f.snapshotVersion = 3;
    f.activeConnections = 5;

    RouteMetrics users{QStringLiteral("users"), {}};
    users.counts.count(MethodClass::Get, 200, 800);
    users.counts.count(MethodClass::Get, 200, 3000);
    users.counts.count(MethodClass::Post, 429, 100);
    users.counts.count(MethodClass::Other, 502, 20'000'000);
    f.traffic.routes.push_back(users);
    f.traffic.unrouted.count(MethodClass::Get, 404, 10);

    TargetMetrics a{QStringLiteral("svc"), QStringLiteral("http://a:1"), 4, 1, {}};
    a.firstByte.record(2000);
    TargetMetrics gone{QStringLiteral("svc"), QStringLiteral("http://gone:1"), 2, 0, {}};
    gone.firstByte.record(200'000);
    f.traffic.targets = {a, gone};
    f.health = {health(QStringLiteral("svc"), QStringLiteral("http://a:1"), false),
                health(QStringLiteral("svc"), QStringLiteral("http://b:1"), true),
                health(QStringLiteral("idle"), QStringLiteral("http://c:1"), false)};
    f.traffic.consumers = {ConsumerMetrics{QStringLiteral("app"), 3, 1}};
    return f;
}

} // namespace

class TestGatewayMetrics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stoppedEngineReportsUpAndRevision();
    void requestsByRouteStatusClassAndMethod();
    void durationsAsHistograms();
    void upstreamTargetsFromTrafficAndHealth();
    void consumersOnlyWhenAskedFor();
};

void TestGatewayMetrics::stoppedEngineReportsUpAndRevision()
{
    GatewayFigures f;
    f.configRevision = 4;
    const QByteArray text = gatewayMetricsText(f);
    QCOMPARE(sampleLines(text), (QSet<QByteArray>{"portico_up 0", "portico_config_revision 4"}));
    QVERIFY(text.contains("# TYPE portico_up gauge\n"));
}

void TestGatewayMetrics::requestsByRouteStatusClassAndMethod()
{
    const QByteArray text = gatewayMetricsText(runningFigures());
    const QSet<QByteArray> lines = sampleLines(text);
    for (const char *expected : {
             "portico_up 1",
             "portico_config_revision 7",
             "portico_snapshot_version 3",
             "portico_workers 2",
             "portico_active_connections 5",
             "portico_http_requests_total{route=\"users\",code_class=\"2xx\",method=\"GET\"} 2",
             "portico_http_requests_total{route=\"users\",code_class=\"4xx\",method=\"POST\"} 1",
             "portico_http_requests_total{route=\"users\",code_class=\"5xx\",method=\"OTHER\"} 1",
             "portico_http_requests_total{route=\"(none)\",code_class=\"4xx\",method=\"GET\"} 1",
             "portico_rate_limited_total{route=\"users\"} 1",
             "portico_rate_limited_total{route=\"(none)\"} 0",
         })
        QVERIFY2(lines.contains(expected), expected);
    // Combinations nothing answered are left out.
    QVERIFY(!text.contains("code_class=\"3xx\""));
    QCOMPARE(text.count("# TYPE portico_http_requests_total counter\n"), 1);
}

void TestGatewayMetrics::durationsAsHistograms()
{
    const QSet<QByteArray> lines = sampleLines(gatewayMetricsText(runningFigures()));
    const QByteArray name = "portico_http_request_duration_seconds";
    for (const QByteArray &expected : QList<QByteArray>{
             name + "_bucket{route=\"users\",le=\"0.001\"} 2",
             name + "_bucket{route=\"users\",le=\"0.0025\"} 2",
             name + "_bucket{route=\"users\",le=\"0.005\"} 3",
             name + "_bucket{route=\"users\",le=\"10\"} 3",
             name + "_bucket{route=\"users\",le=\"+Inf\"} 4",
             name + "_sum{route=\"users\"} 20.0039",
             name + "_count{route=\"users\"} 4",
             name + "_bucket{route=\"(none)\",le=\"0.001\"} 1",
             name + "_count{route=\"(none)\"} 1",
         })
        QVERIFY2(lines.contains(expected), expected.constData());
}

void TestGatewayMetrics::upstreamTargetsFromTrafficAndHealth()
{
    const QByteArray text = gatewayMetricsText(runningFigures());
    const QSet<QByteArray> lines = sampleLines(text);
    for (const char *expected : {
             "portico_upstream_requests_total{service=\"svc\",target=\"http://a:1\"} 4",
             "portico_upstream_errors_total{service=\"svc\",target=\"http://a:1\"} 1",
             // configured, never answered
             "portico_upstream_requests_total{service=\"svc\",target=\"http://b:1\"} 0",
             "portico_upstream_requests_total{service=\"idle\",target=\"http://c:1\"} 0",
             // removed since, still counted
             "portico_upstream_requests_total{service=\"svc\",target=\"http://gone:1\"} 2",
             "portico_upstream_target_healthy{service=\"svc\",target=\"http://a:1\"} 1",
             "portico_upstream_target_healthy{service=\"svc\",target=\"http://b:1\"} 0",
             "portico_upstream_target_healthy{service=\"idle\",target=\"http://c:1\"} 1",
             // by service: a's and gone's answers together
             "portico_upstream_response_duration_seconds_bucket{service=\"svc\",le=\"0.0025\"} 1",
             "portico_upstream_response_duration_seconds_bucket{service=\"svc\",le=\"0.25\"} 2",
             "portico_upstream_response_duration_seconds_count{service=\"svc\"} 2",
             "portico_upstream_response_duration_seconds_sum{service=\"svc\"} 0.202",
             "portico_upstream_response_duration_seconds_count{service=\"idle\"} 0",
         })
        QVERIFY2(lines.contains(expected), expected);
    // A removed target has no health to report.
    QVERIFY(!text.contains("portico_upstream_target_healthy{service=\"svc\","
                           "target=\"http://gone:1\"}"));
}

void TestGatewayMetrics::consumersOnlyWhenAskedFor()
{
    GatewayFigures f = runningFigures();
    QVERIFY(!gatewayMetricsText(f).contains("portico_consumer_"));
    f.perConsumer = true;
    const QSet<QByteArray> lines = sampleLines(gatewayMetricsText(f));
    QVERIFY(lines.contains("portico_consumer_requests_total{consumer=\"app\"} 3"));
    QVERIFY(lines.contains("portico_consumer_rate_limited_total{consumer=\"app\"} 1"));
}

QTEST_APPLESS_MAIN(TestGatewayMetrics)
#include "tst_gateway_metrics.moc"
