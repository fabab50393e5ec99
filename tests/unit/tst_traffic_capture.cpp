// The capture ring: bounds by count and by bytes (also while four threads add at once),
// reading after a sequence, shrinking on reconfiguration, and when details are wanted (watch
// tokens, a reader's minute, always/off).

#include "observe/CaptureBlob.h"
#include "observe/TrafficCapture.h"

#include <QTest>

#include <thread>

using namespace portico;

namespace {

// A record's blob, as a worker hands it to the ring.
QByteArray recordWithPath(const QByteArray &path, qsizetype padding = 0)
{
    CaptureRecord record;
    record.method = "GET";
    record.target = path;
    record.responseBody.bytes = QByteArray(padding, 'x');
    record.responseBytes = padding;
    return encodeCaptureRecord(record);
}

void add(TrafficCapture &capture, QByteArray blob)
{
    capture.add(blob);
}

ObserveConfig observe(int records, qint64 bytes = 16 * 1024 * 1024)
{
    ObserveConfig o;
    o.captureRecords = records;
    o.captureBytes = bytes;
    return o;
}

QList<QByteArray> paths(const CaptureRecords &records)
{
    QList<QByteArray> out;
    for (const CaptureRecordPtr &r : records)
        out << r->target;
    return out;
}

} // namespace

class TestTrafficCapture : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void offCapturesNothing();
    void keepsTheNewestByCount();
    void readsAfterASequence();
    void byteCapDropsOldest();
    void shrinkingDropsAtOnce();
    void boundsHoldWithFourWriters();
    void capturesWhileWatched();
    void capturesAlwaysOrNever();
};

void TestTrafficCapture::offCapturesNothing()
{
    TrafficCapture capture;
    capture.configure(observe(0));
    const std::shared_ptr<void> watching = capture.watch();
    QVERIFY(!capture.isCapturing(0));
    add(capture, recordWithPath("/a"));
    QCOMPARE(capture.size(), 0);
    QCOMPARE(capture.lastSequence(), 0u);
}

void TestTrafficCapture::keepsTheNewestByCount()
{
    TrafficCapture capture;
    capture.configure(observe(3));
    for (const char *p : {"/1", "/2", "/3", "/4", "/5"})
        add(capture, recordWithPath(p));
    QCOMPARE(capture.size(), 3);
    QCOMPARE(paths(capture.latest(10)), (QList<QByteArray>{"/3", "/4", "/5"}));
    QCOMPARE(paths(capture.latest(2)), (QList<QByteArray>{"/4", "/5"}));
    QCOMPARE(capture.lastSequence(), 5u);
    QCOMPARE(capture.latest(10).front()->sequence, 3u);
    capture.clear();
    QCOMPARE(capture.size(), 0);
    QCOMPARE(capture.bytes(), 0);
    add(capture, recordWithPath("/6"));
    QCOMPARE(capture.latest(1).front()->sequence, 6u); // sequences go on after a clear
}

void TestTrafficCapture::readsAfterASequence()
{
    TrafficCapture capture;
    capture.configure(observe(4));
    for (const char *p : {"/1", "/2", "/3", "/4", "/5", "/6"})
        add(capture, recordWithPath(p));
    // Kept: 3..6.
    QCOMPARE(paths(capture.recordsAfter(4, 100)), (QList<QByteArray>{"/5", "/6"}));
    QCOMPARE(paths(capture.recordsAfter(1, 100)), (QList<QByteArray>{"/3", "/4", "/5", "/6"}));
    QCOMPARE(paths(capture.recordsAfter(2, 1)), (QList<QByteArray>{"/6"})); // the newest
    QVERIFY(capture.recordsAfter(6, 100).empty());
    QVERIFY(capture.recordsAfter(99, 100).empty());
    QVERIFY(capture.recordsAfter(0, 0).empty());
}

void TestTrafficCapture::byteCapDropsOldest()
{
    TrafficCapture capture;
    capture.configure(observe(1000, 64 * 1024));
    for (int i = 0; i < 20; ++i)
        add(capture, recordWithPath("/" + QByteArray::number(i), 10 * 1024));
    QVERIFY(capture.bytes() <= 64 * 1024);
    QVERIFY2(capture.size() >= 5 && capture.size() <= 6,
             qPrintable(QString::number(capture.size())));
    QCOMPARE(capture.latest(1).front()->target, QByteArray("/19"));
    // A record bigger than the cap is not kept at all.
    add(capture, recordWithPath("/huge", 100 * 1024));
    QCOMPARE(capture.size(), 0);
    QCOMPARE(capture.bytes(), 0);
}

void TestTrafficCapture::shrinkingDropsAtOnce()
{
    TrafficCapture capture;
    capture.configure(observe(10));
    for (int i = 0; i < 10; ++i)
        add(capture, recordWithPath("/" + QByteArray::number(i)));
    capture.configure(observe(2));
    QCOMPARE(paths(capture.latest(10)), (QList<QByteArray>{"/8", "/9"}));
    capture.configure(observe(0));
    QCOMPARE(capture.size(), 0);
}

void TestTrafficCapture::boundsHoldWithFourWriters()
{
    TrafficCapture capture;
    capture.configure(observe(500, 256 * 1024));
    constexpr int kPerThread = 20'000;
    std::vector<std::thread> writers;
    std::atomic<bool> overBound{false};
    for (int t = 0; t < 4; ++t) {
        writers.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                add(capture, recordWithPath("/t" + QByteArray::number(t), i % 7 * 100));
                if (i % 1000 == 0 && (capture.size() > 500 || capture.bytes() > 256 * 1024))
                    overBound = true;
            }
        });
    }
    // A reader polling meanwhile always sees consecutive sequences.
    quint64 last = 0;
    bool gap = false;
    for (int i = 0; i < 200; ++i) {
        const CaptureRecords seen = capture.recordsAfter(last, 100'000);
        for (size_t k = 1; k < seen.size(); ++k)
            gap = gap || seen[k]->sequence != seen[k - 1]->sequence + 1;
        if (!seen.empty())
            last = seen.back()->sequence;
    }
    for (std::thread &w : writers)
        w.join();
    QVERIFY(!overBound);
    QVERIFY(!gap);
    QCOMPARE(capture.lastSequence(), quint64(4 * kPerThread));
    QVERIFY(capture.size() <= 500);
    QVERIFY(capture.bytes() <= 256 * 1024);
    const CaptureRecords kept = capture.latest(1000);
    QCOMPARE(kept.back()->sequence, quint64(4 * kPerThread));
    QCOMPARE(kept.front()->sequence, quint64(4 * kPerThread) - kept.size() + 1);
}

void TestTrafficCapture::capturesWhileWatched()
{
    TrafficCapture capture;
    capture.configure(observe(10)); // capture: watched
    QVERIFY(!capture.isCapturing(1000));
    {
        const std::shared_ptr<void> first = capture.watch();
        const std::shared_ptr<void> second = capture.watch();
        QVERIFY(first);
        QVERIFY(capture.isCapturing(1000));
    }
    QVERIFY(!capture.isCapturing(1000));
    capture.noteRead(1000); // a client read GET /traffic: a minute of capture
    QVERIFY(capture.isCapturing(1000 + TrafficCapture::kReaderWatchMs - 1));
    QVERIFY(!capture.isCapturing(1000 + TrafficCapture::kReaderWatchMs));
}

void TestTrafficCapture::capturesAlwaysOrNever()
{
    TrafficCapture capture;
    ObserveConfig o = observe(10);
    o.capture = QStringLiteral("always");
    o.captureBodyKib = 2;
    capture.configure(o);
    QVERIFY(capture.isCapturing(0));
    QCOMPARE(capture.bodyLimitBytes(), 2048);
    o.capture = QStringLiteral("off");
    capture.configure(o);
    const std::shared_ptr<void> watching = capture.watch();
    QVERIFY(!capture.isCapturing(0));
}

QTEST_GUILESS_MAIN(TestTrafficCapture)
#include "tst_traffic_capture.moc"
