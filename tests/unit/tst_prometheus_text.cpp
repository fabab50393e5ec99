// The Prometheus text writer: escaping, one HELP and TYPE per family with its samples in one
// group, values as Prometheus reads them, and histograms written cumulative up to +Inf, which
// equals _count.

#include "observe/PrometheusText.h"

#include <QTest>

#include <array>
#include <limits>

using namespace portico;

namespace {

using Type = PrometheusText::Type;

QList<QByteArray> lines(const QByteArray &text)
{
    QList<QByteArray> out = text.split('\n');
    if (!out.isEmpty() && out.last().isEmpty())
        out.removeLast();
    return out;
}

} // namespace

class TestPrometheusText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void escapesLabelValuesAndHelp();
    void formatsValues();
    void checksNames();
    void writesHelpAndTypeOncePerFamily();
    void keepsAFamilyTogetherWhenNamedAgain();
    void writesLabelsAndPlainSamples();
    void writesCumulativeHistograms();
    void writesAnEmptyHistogram();
};

void TestPrometheusText::escapesLabelValuesAndHelp()
{
    QCOMPARE(PrometheusText::escapeLabelValue("plain/path"), QByteArray("plain/path"));
    QCOMPARE(PrometheusText::escapeLabelValue("a\\b\"c\nd"), QByteArray("a\\\\b\\\"c\\nd"));
    QCOMPARE(PrometheusText::escapeLabelValue(""), QByteArray());
    // HELP escapes backslash and newline only: a quote stays.
    QCOMPARE(PrometheusText::escapeHelp("say \"hi\"\\\n"), QByteArray("say \"hi\"\\\\\\n"));

    PrometheusText out;
    out.family("m", Type::Gauge, "two\nlines");
    out.sample({{"path", "/a\"b\\c\nd"}}, quint64(1));
    QCOMPARE(out.text(),
             QByteArray("# HELP m two\\nlines\n"
                        "# TYPE m gauge\n"
                        "m{path=\"/a\\\"b\\\\c\\nd\"} 1\n"));
}

void TestPrometheusText::formatsValues()
{
    QCOMPARE(PrometheusText::formatValue(0.001), QByteArray("0.001"));
    QCOMPARE(PrometheusText::formatValue(0.0025), QByteArray("0.0025"));
    QCOMPARE(PrometheusText::formatValue(10.0), QByteArray("10"));
    QCOMPARE(PrometheusText::formatValue(1.5), QByteArray("1.5"));
    QCOMPARE(PrometheusText::formatValue(std::numeric_limits<double>::infinity()),
             QByteArray("+Inf"));
    QCOMPARE(PrometheusText::formatValue(-std::numeric_limits<double>::infinity()),
             QByteArray("-Inf"));
    QCOMPARE(PrometheusText::formatValue(std::numeric_limits<double>::quiet_NaN()),
             QByteArray("NaN"));
    // Whatever the spelling, it reads back as the same double.
    const double odd = 1234.5678e-9;
    QCOMPARE(PrometheusText::formatValue(odd).toDouble(), odd);
}

void TestPrometheusText::checksNames()
{
    QVERIFY(PrometheusText::isMetricName("portico_http_requests_total"));
    QVERIFY(PrometheusText::isMetricName("a:b_c"));
    QVERIFY(!PrometheusText::isMetricName("1abc"));
    QVERIFY(!PrometheusText::isMetricName("a-b"));
    QVERIFY(!PrometheusText::isMetricName(""));
    QVERIFY(PrometheusText::isLabelName("code_class"));
    QVERIFY(!PrometheusText::isLabelName("a:b"));
    QVERIFY(!PrometheusText::isLabelName("9"));
}

void TestPrometheusText::writesHelpAndTypeOncePerFamily()
{
    PrometheusText out;
    out.family("requests_total", Type::Counter, "Requests.");
    out.sample({{"route", "a"}}, quint64(3));
    out.sample({{"route", "b"}}, quint64(4));
    out.family("up", Type::Gauge, "Up.");
    out.sample({}, quint64(1));
    const QList<QByteArray> written = lines(out.text());
    QCOMPARE(written,
             (QList<QByteArray>{"# HELP requests_total Requests.", "# TYPE requests_total counter",
                                "requests_total{route=\"a\"} 3", "requests_total{route=\"b\"} 4",
                                "# HELP up Up.", "# TYPE up gauge", "up 1"}));
}

// Samples of a family named again after another one still join its group.
void TestPrometheusText::keepsAFamilyTogetherWhenNamedAgain()
{
    PrometheusText out;
    out.family("a_total", Type::Counter, "A.");
    out.sample({{"k", "1"}}, quint64(1));
    out.family("b", Type::Gauge, "B.");
    out.sample({}, 2.5);
    out.family("a_total", Type::Counter, "A.");
    out.sample({{"k", "2"}}, quint64(7));
    const QList<QByteArray> written = lines(out.text());
    QCOMPARE(written,
             (QList<QByteArray>{"# HELP a_total A.", "# TYPE a_total counter", "a_total{k=\"1\"} 1",
                                "a_total{k=\"2\"} 7", "# HELP b B.", "# TYPE b gauge", "b 2.5"}));
    QCOMPARE(out.text().count("# TYPE a_total"), 1);
    QCOMPARE(out.text().count("# HELP a_total"), 1);
}

void TestPrometheusText::writesLabelsAndPlainSamples()
{
    PrometheusText out;
    out.family("x_total", Type::Counter, "X.");
    out.sample({{"route", "users"}, {"code_class", "2xx"}, {"method", "GET"}}, quint64(12));
    out.sample({}, quint64(0));
    QCOMPARE(lines(out.text()).mid(2),
             (QList<QByteArray>{"x_total{route=\"users\",code_class=\"2xx\",method=\"GET\"} 12",
                                "x_total 0"}));
}

void TestPrometheusText::writesCumulativeHistograms()
{
    PrometheusText out;
    out.family("d_seconds", Type::Histogram, "D.");
    const std::array<double, 3> bounds{0.005, 0.1, 1};
    const std::array<quint64, 4> counts{2, 0, 5, 1}; // per bucket; the last: above 1 s
    out.histogram({{"route", "r\"1"}}, bounds, counts, 3.25);
    const QList<QByteArray> written = lines(out.text());
    QCOMPARE(written,
             (QList<QByteArray>{"# HELP d_seconds D.", "# TYPE d_seconds histogram",
                                "d_seconds_bucket{route=\"r\\\"1\",le=\"0.005\"} 2",
                                "d_seconds_bucket{route=\"r\\\"1\",le=\"0.1\"} 2",
                                "d_seconds_bucket{route=\"r\\\"1\",le=\"1\"} 7",
                                "d_seconds_bucket{route=\"r\\\"1\",le=\"+Inf\"} 8",
                                "d_seconds_sum{route=\"r\\\"1\"} 3.25",
                                "d_seconds_count{route=\"r\\\"1\"} 8"}));

    // Without labels, le is the only one.
    PrometheusText plain;
    plain.family("p_seconds", Type::Histogram, "P.");
    plain.histogram({}, bounds, counts, 0.5);
    QVERIFY(plain.text().contains("\np_seconds_bucket{le=\"+Inf\"} 8\n"));
    QVERIFY(plain.text().contains("\np_seconds_count 8\n"));
}

void TestPrometheusText::writesAnEmptyHistogram()
{
    PrometheusText out;
    out.family("e_seconds", Type::Histogram, "E.");
    const std::array<double, 2> bounds{0.1, 1};
    const std::array<quint64, 3> counts{};
    out.histogram({}, bounds, counts, 0);
    QCOMPARE(lines(out.text()).mid(2),
             (QList<QByteArray>{"e_seconds_bucket{le=\"0.1\"} 0", "e_seconds_bucket{le=\"1\"} 0",
                                "e_seconds_bucket{le=\"+Inf\"} 0", "e_seconds_sum 0",
                                "e_seconds_count 0"}));
}

QTEST_APPLESS_MAIN(TestPrometheusText)
#include "tst_prometheus_text.moc"
