// GET /metrics from a running gateway: real requests go through the engine to a TestBackend,
// then the Admin API's Prometheus text is read back with a strict parser (every line a comment
// or a sample, every sample's family typed once and kept in one group, histogram buckets
// cumulative up to +Inf == _count) and its numbers must equal what the clients saw: answers by
// route, status class and method (an unmatched request under "(none)", a non-standard method
// under OTHER), 429s as rate limited, each upstream answer, and consumer series only when
// settings.metrics_per_consumer is on.

#include "AdminHarness.h"

#include <QMap>
#include <QTest>

#include <cmath>

using namespace portico;
using namespace portico::test;

namespace {

const QByteArray kAppKey = "pk_metrics0000000000000000000000000000000000";

// /api: public; /limited: key auth, 2 a minute per consumer. Both strip their prefix.
Config metricsConfig(const QString &backendUrl)
{
    Config c = baseConfig();
    c.services.push_back(makeService(QStringLiteral("svc"), {backendUrl}));
    RouteConfig api =
        makeRoute(QStringLiteral("api"), {QStringLiteral("/api")}, QStringLiteral("svc"));
    RouteConfig limited =
        makeRoute(QStringLiteral("limited"), {QStringLiteral("/limited")}, QStringLiteral("svc"));
    limited.auth = {QStringLiteral("key")};
    limited.rateLimit.minute = 2;
    c.routes = {api, limited};
    for (RouteConfig &route : c.routes)
        route.stripPath = true;
    c.consumers.append(makeConsumer(QStringLiteral("app"), kAppKey));
    return c;
}

// ---------------------------------------------------------------------------------------------
// A strict reader of the text format, version 0.0.4

struct Sample
{
    QByteArray name;
    QMap<QByteArray, QByteArray> labels; // unescaped
    double value = 0;
};

struct Exposition
{
    QMap<QByteArray, QByteArray> types; // family -> counter, gauge, histogram, ...
    QList<Sample> samples;
    QString error; // the first rule broken, with its line; empty when all hold

    // The samples named `name` whose labels include all of `match`.
    QList<Sample> find(const QByteArray &name, const QMap<QByteArray, QByteArray> &match = {}) const
    {
        QList<Sample> out;
        for (const Sample &s : samples) {
            bool all = s.name == name;
            for (auto it = match.begin(); all && it != match.end(); ++it)
                all = s.labels.value(it.key()) == it.value() && s.labels.contains(it.key());
            if (all)
                out << s;
        }
        return out;
    }
    // The one sample named so; NaN when there is none or more than one.
    double value(const QByteArray &name, const QMap<QByteArray, QByteArray> &match = {}) const
    {
        const QList<Sample> found = find(name, match);
        return found.size() == 1 ? found.first().value : std::nan("");
    }
};

bool isNameChar(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'
        || (!first && c >= '0' && c <= '9');
}

// A metric or label name at `at`; empty when there is none.
QByteArray readName(const QByteArray &line, qsizetype &at)
{
    const qsizetype start = at;
    while (at < line.size() && isNameChar(line[at], at == start))
        ++at;
    return line.mid(start, at - start);
}

bool readValue(const QByteArray &text, double *value)
{
    if (text == "+Inf" || text == "-Inf" || text == "NaN") {
        *value = text == "NaN" ? std::nan("") : text[0] == '+' ? INFINITY : -INFINITY;
        return true;
    }
    bool ok = false;
    *value = text.toDouble(&ok);
    return ok && !text.isEmpty() && !text.contains(' ');
}

// `{a="x",b="y"}` at `at` (which is on the brace); false when malformed.
bool readLabels(const QByteArray &line, qsizetype &at, QMap<QByteArray, QByteArray> *labels)
{
    ++at;
    while (at < line.size() && line[at] != '}') {
        const QByteArray name = readName(line, at);
        if (name.isEmpty() || name.contains(':') || labels->contains(name)
            || line.mid(at, 2) != "=\"")
            return false;
        at += 2;
        QByteArray value;
        for (;;) {
            if (at >= line.size())
                return false;
            const char c = line[at++];
            if (c == '"')
                break;
            if (c != '\\') {
                value += c;
                continue;
            }
            if (at >= line.size())
                return false;
            const char e = line[at++];
            if (e == 'n')
                value += '\n';
            else if (e == '\\' || e == '"')
                value += e;
            else
                return false; // no other escapes exist
        }
        labels->insert(name, value);
        if (at < line.size() && line[at] == ',')
            ++at;
        else if (at >= line.size() || line[at] != '}')
            return false;
    }
    if (at >= line.size())
        return false;
    ++at;
    return true;
}

// The family a sample belongs to: its own name, or a histogram's for _bucket, _sum, _count.
QByteArray familyOf(const Exposition &e, const QByteArray &name)
{
    if (e.types.contains(name))
        return name;
    for (const char *suffix : {"_bucket", "_sum", "_count"}) {
        if (name.endsWith(suffix)) {
            const QByteArray base = name.chopped(qsizetype(qstrlen(suffix)));
            if (e.types.value(base) == "histogram")
                return base;
        }
    }
    return {};
}

QString checkHistograms(const Exposition &e);

Exposition parseExposition(const QByteArray &text)
{
    Exposition e;
    const auto fail = [&e](int number, const QString &why) {
        if (e.error.isEmpty())
            e.error = QStringLiteral("line %1: %2").arg(number).arg(why);
    };
    if (!text.endsWith('\n'))
        fail(0, QStringLiteral("no final newline"));
    QSet<QByteArray> helped;
    QSet<QByteArray> finished; // families whose group has ended
    QSet<QByteArray> series;
    QByteArray current;
    const QList<QByteArray> lines = text.split('\n');
    for (int i = 0; i + 1 < lines.size(); ++i) {
        const QByteArray &line = lines[i];
        const int number = i + 1;
        QByteArray family;
        if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
            const QList<QByteArray> parts = line.mid(7).split(' ');
            family = parts.value(0);
            qsizetype at = 0;
            if (readName(family, at) != family || family.isEmpty()) {
                fail(number, QStringLiteral("bad metric name"));
                continue;
            }
            if (line.startsWith("# HELP ")) {
                if (helped.contains(family))
                    fail(number, QStringLiteral("second HELP for ") + family);
                helped.insert(family);
            } else {
                static const QSet<QByteArray> kTypes{"counter", "gauge", "histogram", "summary",
                                                     "untyped"};
                if (parts.size() != 2 || !kTypes.contains(parts[1]))
                    fail(number, QStringLiteral("bad TYPE line"));
                if (e.types.contains(family))
                    fail(number, QStringLiteral("second TYPE for ") + family);
                for (const Sample &s : e.samples) {
                    if (familyOf(e, s.name) == family || s.name == family)
                        fail(number, QStringLiteral("TYPE after samples of ") + family);
                }
                e.types.insert(family, parts.value(1));
            }
        } else if (line.startsWith('#')) {
            continue; // a comment
        } else {
            Sample s;
            qsizetype at = 0;
            s.name = readName(line, at);
            if (s.name.isEmpty()) {
                fail(number, QStringLiteral("not a sample"));
                continue;
            }
            if (at < line.size() && line[at] == '{' && !readLabels(line, at, &s.labels)) {
                fail(number, QStringLiteral("bad labels"));
                continue;
            }
            if (at >= line.size() || line[at] != ' ' || !readValue(line.mid(at + 1), &s.value)) {
                fail(number, QStringLiteral("bad value"));
                continue;
            }
            family = familyOf(e, s.name);
            if (family.isEmpty())
                fail(number, QStringLiteral("no TYPE for ") + s.name);
            const QByteArray key = line.left(at);
            if (series.contains(key))
                fail(number, QStringLiteral("repeated series"));
            series.insert(key);
            e.samples << s;
        }
        if (family != current) {
            if (finished.contains(family))
                fail(number, QStringLiteral("family split in two groups: ") + family);
            if (!current.isEmpty())
                finished.insert(current);
            current = family;
        }
    }
    if (e.error.isEmpty())
        e.error = checkHistograms(e);
    return e;
}

// Per series: buckets in increasing le, counts never decreasing, the last le="+Inf" equal to
// _count, and a _sum.
QString checkHistograms(const Exposition &e)
{
    for (auto type = e.types.begin(); type != e.types.end(); ++type) {
        if (type.value() != "histogram")
            continue;
        const QByteArray &family = type.key();
        // By the series' other labels (as text, in name order).
        QMap<QByteArray, QList<std::pair<double, double>>> buckets;
        QMap<QByteArray, QMap<QByteArray, QByteArray>> labelsOf;
        for (const Sample &s : e.find(family + "_bucket")) {
            if (!s.labels.contains("le"))
                return QStringLiteral("%1: a bucket without le").arg(family);
            double le = 0;
            if (!readValue(s.labels.value("le"), &le))
                return QStringLiteral("%1: bad le").arg(family);
            QMap<QByteArray, QByteArray> rest = s.labels;
            rest.remove("le");
            QByteArray key;
            for (auto label = rest.begin(); label != rest.end(); ++label)
                key += label.key() + '=' + label.value() + '\n';
            labelsOf.insert(key, rest);
            buckets[key].append({le, s.value});
        }
        for (auto it = buckets.begin(); it != buckets.end(); ++it) {
            const QList<std::pair<double, double>> &list = it.value();
            const QMap<QByteArray, QByteArray> &labels = labelsOf.value(it.key());
            for (qsizetype i = 1; i < list.size(); ++i) {
                if (!(list[i].first > list[i - 1].first) || list[i].second < list[i - 1].second)
                    return QStringLiteral("%1: buckets not cumulative").arg(family);
            }
            if (!std::isinf(list.last().first))
                return QStringLiteral("%1: buckets do not end in +Inf").arg(family);
            if (e.value(family + "_count", labels) != list.last().second)
                return QStringLiteral("%1: +Inf differs from _count").arg(family);
            if (std::isnan(e.value(family + "_sum", labels)))
                return QStringLiteral("%1: no _sum").arg(family);
        }
    }
    return {};
}

// "route code_class method" of a request the clients saw answered.
QByteArray requestKey(const QByteArray &route, const QByteArray &code, const QByteArray &method)
{
    return route + ' ' + code + ' ' + method;
}

QByteArray codeClass(int status)
{
    return status >= 100 && status < 600 ? QByteArray::number(status / 100) + "xx" : "none";
}

} // namespace

class TestMetrics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void parserIsStrict();
    void countsWhatTheClientsSaw();
    void consumerSeriesOnlyWhenEnabled();

private:
    // Sends `method path` to the gateway on a fresh connection and counts its answer.
    RawResponse send(const QByteArray &route, const QByteArray &method, const QByteArray &path,
                     const RawHeaders &headers = {});
    Exposition scrape();
    // Scrapes until every request sent is in portico_http_requests_total (worker figures
    // reach the aggregate a sample or two after they were counted).
    Exposition scrapeWhenCounted();

    std::unique_ptr<TestBackend> m_backend;
    AdminHarness m_stack;
    QMap<QByteArray, int> m_sent; // by requestKey()
    int m_proxied = 0;            // answers that came from the backend
};

void TestMetrics::init()
{
    m_backend = std::make_unique<TestBackend>(QStringLiteral("svc"));
    const QString why = m_stack.start(metricsConfig(m_backend->url()));
    QVERIFY2(why.isEmpty(), qPrintable(why));
    m_sent.clear();
    m_proxied = 0;
}

void TestMetrics::cleanup()
{
    m_stack.stop();
    m_backend.reset();
}

RawResponse TestMetrics::send(const QByteArray &route, const QByteArray &method,
                              const QByteArray &path, const RawHeaders &headers)
{
    RawHttpClient client(m_stack.engine->listenPort());
    const QByteArray body = method == "POST" ? QByteArray("{}") : QByteArray();
    const RawResponse response = client.request(method, path, body, headers);
    if (response.ok) {
        ++m_sent[requestKey(route, codeClass(response.status), method)];
        if (!response.header("X-Backend").isEmpty())
            ++m_proxied;
    }
    return response;
}

Exposition TestMetrics::scrape()
{
    RawHttpClient client(m_stack.server->port());
    const RawResponse response = client.get("/metrics");
    Exposition e;
    if (response.status != 200) {
        e.error = QStringLiteral("GET /metrics: %1 %2").arg(response.status).arg(response.error);
        return e;
    }
    if (!response.header("Content-Type").startsWith("text/plain; version=0.0.4")) {
        e.error = QStringLiteral("content type ") + response.header("Content-Type");
        return e;
    }
    return parseExposition(response.body);
}

Exposition TestMetrics::scrapeWhenCounted()
{
    int expected = 0;
    for (int n : std::as_const(m_sent))
        expected += n;
    QDeadlineTimer deadline(5000);
    for (;;) {
        Exposition e = scrape();
        double counted = 0;
        for (const Sample &s : e.find("portico_http_requests_total"))
            counted += s.value;
        if (!e.error.isEmpty() || counted >= expected || deadline.hasExpired())
            return e;
        QTest::qWait(50);
    }
}

// The reader below must catch what it is there to catch, or the checks on the gateway's text
// prove nothing.
void TestMetrics::parserIsStrict()
{
    const QByteArray valid = "# HELP a_total A \\\\ b\\n\n"
                             "# TYPE a_total counter\n"
                             "a_total{x=\"q\\\"\\\\\\n\"} 3\n"
                             "# a comment\n"
                             "# TYPE h histogram\n"
                             "h_bucket{le=\"0.1\"} 1\n"
                             "h_bucket{le=\"+Inf\"} 2\n"
                             "h_sum 0.3\n"
                             "h_count 2\n";
    const Exposition e = parseExposition(valid);
    QVERIFY2(e.error.isEmpty(), qPrintable(e.error));
    QCOMPARE(e.find("a_total").value(0).labels.value("x"), QByteArray("q\"\\\n"));
    QCOMPARE(e.value("h_count"), 2.0);

    const QList<QByteArray> broken{
        "a 1\n",                                                    // no TYPE
        "# TYPE a gauge\na 1",                                      // no final newline
        "# TYPE a gauge\n# TYPE a gauge\na 1\n",                    // TYPE twice
        "# HELP a x\n# HELP a x\n# TYPE a gauge\na 1\n",            // HELP twice
        "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x=\"1\"} 2\n", // split family
        "# TYPE a gauge\na 1\na 2\n",                               // repeated series
        "# TYPE a gauge\na{x=\"\\t\"} 1\n",                         // unknown escape
        "# TYPE a gauge\na{x=\"1\"  } 1\n",                         // bad labels
        "# TYPE a gauge\na  1\n",                                   // bad value
        "# TYPE a gauge\na one\n",                                  // bad value
        "# TYPE a kind\na 1\n",                                     // unknown type
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n"
        "h_sum 1\nh_count 1\n",                                              // not cumulative
        "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n",    // no +Inf
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n", // +Inf != count
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 2\n",          // no _sum
    };
    for (const QByteArray &text : broken)
        QVERIFY2(!parseExposition(text).error.isEmpty(), text.constData());
}

void TestMetrics::countsWhatTheClientsSaw()
{
    for (int i = 0; i < 3; ++i)
        QCOMPARE(send("api", "GET", "/api/json").status, 200);
    for (int i = 0; i < 2; ++i)
        QCOMPARE(send("api", "POST", "/api/echo").status, 200);
    QCOMPARE(send("api", "DELETE", "/api/status/503").status, 503);
    // Not a standard method: counted, under OTHER.
    QVERIFY(send("api", "PROPFIND", "/api/json").ok);
    QCOMPARE(send("(none)", "GET", "/nowhere").status, 404);
    const RawHeaders key{{"X-API-Key", kAppKey}};
    QCOMPARE(send("limited", "GET", "/limited/json", key).status, 200);
    QCOMPARE(send("limited", "GET", "/limited/json", key).status, 200);
    QCOMPARE(send("limited", "GET", "/limited/json", key).status, 429);
    {
        // A method llhttp does not know: refused before any route is looked at.
        RawHttpClient client(m_stack.engine->listenPort());
        QVERIFY(client.send("BREW /api/json HTTP/1.1\r\nHost: x\r\n\r\n"));
        const RawResponse refused = client.readResponse();
        QVERIFY(refused.ok);
        QVERIFY(refused.status >= 400);
        ++m_sent[requestKey("(none)", codeClass(refused.status), "BREW")];
    }

    // A connection kept open while scraping.
    RawHttpClient kept(m_stack.engine->listenPort());
    QCOMPARE(kept.get("/api/json").status, 200);
    ++m_sent[requestKey("api", "2xx", "GET")];
    ++m_proxied;

    const Exposition e = scrapeWhenCounted();
    QVERIFY2(e.error.isEmpty(), qPrintable(e.error));

    // Every answer, by route, status class and method; others bucketed.
    static const QSet<QByteArray> kStandard{"GET",     "HEAD",    "POST",  "PUT",  "DELETE",
                                            "CONNECT", "OPTIONS", "TRACE", "PATCH"};
    QMap<QByteArray, int> expected;
    for (auto it = m_sent.begin(); it != m_sent.end(); ++it) {
        const QList<QByteArray> parts = it.key().split(' ');
        const QByteArray method = kStandard.contains(parts[2]) ? parts[2] : "OTHER";
        expected[requestKey(parts[0], parts[1], method)] += it.value();
    }
    QMap<QByteArray, int> counted;
    for (const Sample &s : e.find("portico_http_requests_total")) {
        QCOMPARE(s.labels.keys(), (QList<QByteArray>{"code_class", "method", "route"}));
        counted[requestKey(s.labels["route"], s.labels["code_class"], s.labels["method"])] +=
            int(s.value);
    }
    const auto listed = [](const QMap<QByteArray, int> &counts) {
        QStringList out;
        for (auto it = counts.begin(); it != counts.end(); ++it)
            out << QStringLiteral("%1 = %2").arg(QString::fromUtf8(it.key())).arg(it.value());
        return out;
    };
    QCOMPARE(listed(counted), listed(expected));
    int otherOnApi = 0;
    for (auto it = counted.begin(); it != counted.end(); ++it) {
        if (it.key().startsWith("api ") && it.key().endsWith(" OTHER"))
            otherOnApi += it.value();
    }
    QCOMPARE(otherOnApi, 1);
    QVERIFY(e.find("portico_http_requests_total", {{"method", "PROPFIND"}}).isEmpty());
    QVERIFY(e.find("portico_http_requests_total", {{"method", "BREW"}}).isEmpty());

    // Durations: one per request of a route; the refused BREW had no head to time.
    QCOMPARE(e.value("portico_http_request_duration_seconds_count", {{"route", "api"}}), 8.0);
    QCOMPARE(e.value("portico_http_request_duration_seconds_count", {{"route", "limited"}}), 3.0);
    QCOMPARE(e.value("portico_http_request_duration_seconds_count", {{"route", "(none)"}}), 1.0);
    QVERIFY(e.value("portico_http_request_duration_seconds_sum", {{"route", "api"}}) > 0);
    QCOMPARE(e.types.value("portico_http_request_duration_seconds"), QByteArray("histogram"));

    QCOMPARE(e.value("portico_rate_limited_total", {{"route", "limited"}}), 1.0);
    QCOMPARE(e.value("portico_rate_limited_total", {{"route", "api"}}), 0.0);

    // The upstream side: each backend answer, no failed try, the target healthy.
    const QMap<QByteArray, QByteArray> target{{"service", "svc"},
                                              {"target", m_backend->url().toUtf8()}};
    QCOMPARE(e.value("portico_upstream_requests_total", target), double(m_proxied));
    QCOMPARE(e.value("portico_upstream_errors_total", target), 0.0);
    QCOMPARE(e.value("portico_upstream_target_healthy", target), 1.0);
    QCOMPARE(e.value("portico_upstream_response_duration_seconds_count", {{"service", "svc"}}),
             double(m_proxied));

    QCOMPARE(e.value("portico_up"), 1.0);
    QCOMPARE(e.value("portico_workers"), 2.0);
    QCOMPARE(e.value("portico_config_revision"), double(m_stack.config->revision()));
    QVERIFY(e.value("portico_snapshot_version") >= 1);
    QVERIFY(e.value("portico_active_connections") >= 1);
    for (const char *type :
         {"portico_up", "portico_workers", "portico_active_connections", "portico_config_revision",
          "portico_snapshot_version", "portico_upstream_target_healthy"})
        QCOMPARE(e.types.value(type), QByteArray("gauge"));
    for (const char *type : {"portico_http_requests_total", "portico_rate_limited_total",
                             "portico_upstream_requests_total", "portico_upstream_errors_total"})
        QCOMPARE(e.types.value(type), QByteArray("counter"));
}

void TestMetrics::consumerSeriesOnlyWhenEnabled()
{
    const RawHeaders key{{"X-API-Key", kAppKey}};
    for (int i = 0; i < 3; ++i)
        send("limited", "GET", "/limited/json", key);
    QCOMPARE(m_sent.value(requestKey("limited", "4xx", "GET")), 1);

    Exposition e = scrapeWhenCounted();
    QVERIFY2(e.error.isEmpty(), qPrintable(e.error));
    QCOMPARE(e.value("portico_rate_limited_total", {{"route", "limited"}}), 1.0);
    for (auto it = e.types.begin(); it != e.types.end(); ++it)
        QVERIFY2(!it.key().startsWith("portico_consumer_"), it.key().constData());
    const double versionBefore = e.value("portico_snapshot_version");

    Config config = m_stack.config->config();
    config.settings.observe.metricsPerConsumer = true;
    const StoreResult stored =
        m_stack.config->replace(config, ConfigSource::Admin, QStringLiteral("per consumer"));
    QVERIFY2(stored.status == StoreResult::Status::Ok, qPrintable(errorsText(stored.errors)));

    e = scrape();
    QVERIFY2(e.error.isEmpty(), qPrintable(e.error));
    QCOMPARE(e.value("portico_snapshot_version"), versionBefore + 1);
    QCOMPARE(e.value("portico_config_revision"), double(m_stack.config->revision()));
    // The figures since start, counted before the setting changed, all there.
    QCOMPARE(e.value("portico_consumer_requests_total", {{"consumer", "app"}}), 3.0);
    QCOMPARE(e.value("portico_consumer_rate_limited_total", {{"consumer", "app"}}), 1.0);
    QCOMPARE(e.types.value("portico_consumer_requests_total"), QByteArray("counter"));
    QCOMPARE(e.types.value("portico_consumer_rate_limited_total"), QByteArray("counter"));
}

QTEST_MAIN(TestMetrics)
#include "tst_metrics.moc"
