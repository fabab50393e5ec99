#include "observe/LatencyHistogram.h"

#include <QRandomGenerator>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

using namespace portico;

namespace {

// What the histogram promises: within 1/32 of the true value (exact below 16 µs).
constexpr double kRelativeError = 1.0 / 32.0;

// The nearest-rank percentile of sorted values.
qint64 nearestRank(const std::vector<qint64> &sorted, double q)
{
    const auto n = quint64(sorted.size());
    const auto rank = std::clamp<quint64>(quint64(std::ceil(q * double(n))), 1, n);
    return sorted[size_t(rank - 1)];
}

QString withinError(double estimate, qint64 truth)
{
    const double allowed = double(truth) * kRelativeError;
    if (std::abs(estimate - double(truth)) <= allowed)
        return {};
    return QStringLiteral("estimate %1, true %2, allowed error %3")
        .arg(estimate)
        .arg(truth)
        .arg(allowed);
}

void checkPercentiles(const LatencyHistogram &histogram, std::vector<qint64> values)
{
    std::sort(values.begin(), values.end());
    for (double q : {0.0, 0.01, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0}) {
        const QString why = withinError(histogram.percentile(q), nearestRank(values, q));
        QVERIFY2(why.isEmpty(), qPrintable(QStringLiteral("q=%1: ").arg(q) + why));
    }
}

} // namespace

class TestLatencyHistogram : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyReportsZero();
    void smallValuesAreExact();
    void bucketsCoverTheRange();
    void percentilesOnRandomData_data();
    void percentilesOnRandomData();
    void mergeEqualsRecordingTogether();
    void outOfRangeValuesAreClamped();
    void clearForgetsEverything();
};

void TestLatencyHistogram::emptyReportsZero()
{
    LatencyHistogram h;
    QVERIFY(h.isEmpty());
    QCOMPARE(h.count(), quint64(0));
    QCOMPARE(h.percentile(0.5), 0.0);
    QCOMPARE(h.percentile(0.99), 0.0);
    LatencyHistogram other;
    h.merge(other);
    QVERIFY(h.isEmpty());
}

void TestLatencyHistogram::smallValuesAreExact()
{
    LatencyHistogram h;
    for (int v = 0; v < 32; ++v)
        h.record(v);
    QCOMPARE(h.count(), quint64(32));
    QCOMPARE(h.percentile(0.0), 0.0); // rank 1
    QCOMPARE(h.percentile(0.5), 15.0);
    QCOMPARE(h.percentile(1.0), 31.0);
}

// Bucket indices grow with the value, stay in range, and a bucket's reported value lies in
// the bucket within the stated error of every value it holds.
void TestLatencyHistogram::bucketsCoverTheRange()
{
    int previous = -1;
    for (qint64 v = 0; v <= LatencyHistogram::kMaxMicros; v = v < 64 ? v + 1 : v + v / 37) {
        const int bucket = LatencyHistogram::bucketOf(v);
        QVERIFY(bucket >= previous);
        QVERIFY(bucket < LatencyHistogram::kBucketCount);
        previous = bucket;
        const QString why = withinError(LatencyHistogram::valueOf(bucket), v);
        QVERIFY2(why.isEmpty(), qPrintable(why));
    }
    QCOMPARE(LatencyHistogram::bucketOf(LatencyHistogram::kMaxMicros),
             LatencyHistogram::kBucketCount - 1);
    QVERIFY(LatencyHistogram::kMaxMicros >= 100'000'000); // 100 s
}

void TestLatencyHistogram::percentilesOnRandomData_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<double>("minMicros");
    QTest::addColumn<double>("maxMicros");
    QTest::newRow("fast, few") << 7 << 1.0 << 200.0;
    QTest::newRow("proxy-like") << 20000 << 50.0 << 50'000.0;
    QTest::newRow("whole range") << 50000 << 1.0 << 100'000'000.0;
    QTest::newRow("narrow") << 10000 << 1000.0 << 1100.0;
}

// Log-uniform random durations: each percentile within the stated error of a sorted copy's.
void TestLatencyHistogram::percentilesOnRandomData()
{
    QFETCH(int, count);
    QFETCH(double, minMicros);
    QFETCH(double, maxMicros);
    QRandomGenerator random(12345 + quint32(count));
    const double logMin = std::log(minMicros);
    const double logMax = std::log(maxMicros);
    std::vector<qint64> values;
    LatencyHistogram h;
    for (int i = 0; i < count; ++i) {
        const qint64 v = qint64(std::exp(logMin + random.generateDouble() * (logMax - logMin)));
        values.push_back(v);
        h.record(v);
    }
    QCOMPARE(h.count(), quint64(count));
    checkPercentiles(h, values);
}

void TestLatencyHistogram::mergeEqualsRecordingTogether()
{
    QRandomGenerator random(7);
    LatencyHistogram parts[3];
    LatencyHistogram whole;
    std::vector<qint64> values;
    for (int i = 0; i < 9000; ++i) {
        // Each part its own range, so the merge matters for every percentile.
        const qint64 v = qint64(random.bounded(1000)) * (i % 3 == 0 ? 1 : i % 3 == 1 ? 10 : 100);
        parts[i % 3].record(v);
        whole.record(v);
        values.push_back(v);
    }
    LatencyHistogram merged;
    for (const LatencyHistogram &part : parts)
        merged.merge(part);
    QCOMPARE(merged.count(), whole.count());
    for (double q : {0.1, 0.5, 0.9, 0.99})
        QCOMPARE(merged.percentile(q), whole.percentile(q));
    checkPercentiles(merged, values);
}

void TestLatencyHistogram::outOfRangeValuesAreClamped()
{
    LatencyHistogram h;
    h.record(-5); // a clock step: counted as 0
    QCOMPARE(h.percentile(1.0), 0.0);
    h.record(LatencyHistogram::kMaxMicros * 100); // longer than the histogram reaches
    h.record(std::numeric_limits<qint64>::max());
    QCOMPARE(h.count(), quint64(3));
    const double top = h.percentile(1.0);
    QVERIFY2(top <= double(LatencyHistogram::kMaxMicros), qPrintable(QString::number(top)));
    QVERIFY(top >= double(LatencyHistogram::kMaxMicros) * (1.0 - kRelativeError));
    // q outside [0, 1] is clamped too.
    QCOMPARE(h.percentile(-1.0), 0.0);
    QCOMPARE(h.percentile(2.0), top);
}

void TestLatencyHistogram::clearForgetsEverything()
{
    LatencyHistogram h;
    for (int i = 0; i < 100; ++i)
        h.record(i * 1000);
    h.clear();
    QVERIFY(h.isEmpty());
    QCOMPARE(h.percentile(0.5), 0.0);
    h.record(40);
    QCOMPARE(h.count(), quint64(1));
    QCOMPARE(h.percentile(0.5), LatencyHistogram::valueOf(LatencyHistogram::bucketOf(40)));
}

QTEST_APPLESS_MAIN(TestLatencyHistogram)
#include "tst_latency_histogram.moc"
