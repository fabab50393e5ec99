// The capture ring and redaction: bounds by count and by bytes (also while four threads add
// at once), reading after a sequence, shrinking on reconfiguration, when details are wanted
// (watch tokens, a reader's minute, always/off), and which header fields and query parameters
// never reach a record.

#include "http/HeaderMap.h"
#include "observe/Redactor.h"
#include "observe/TrafficCapture.h"

#include <QTest>

#include <thread>

using namespace portico;

namespace {

std::shared_ptr<CaptureRecord> recordWithPath(const QByteArray &path, qsizetype padding = 0)
{
    auto record = std::make_shared<CaptureRecord>();
    record->method = "GET";
    record->target = path;
    record->responseBody.bytes = QByteArray(padding, 'x');
    return record;
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
    void detailsFollowWatchers();
    void detailsAlwaysAndOff();
    void redactsCredentialFields();
    void redactsConfiguredFields();
    void redactsCredentialQueryParameters();
};

void TestTrafficCapture::offCapturesNothing()
{
    TrafficCapture capture;
    capture.configure(observe(0));
    QVERIFY(!capture.isOn());
    capture.add(recordWithPath("/a"));
    QCOMPARE(capture.size(), 0);
    QCOMPARE(capture.lastSequence(), 0u);
}

void TestTrafficCapture::keepsTheNewestByCount()
{
    TrafficCapture capture;
    capture.configure(observe(3));
    QVERIFY(capture.isOn());
    for (const char *p : {"/1", "/2", "/3", "/4", "/5"})
        capture.add(recordWithPath(p));
    QCOMPARE(capture.size(), 3);
    QCOMPARE(paths(capture.latest(10)), (QList<QByteArray>{"/3", "/4", "/5"}));
    QCOMPARE(paths(capture.latest(2)), (QList<QByteArray>{"/4", "/5"}));
    QCOMPARE(capture.lastSequence(), 5u);
    QCOMPARE(capture.latest(10).front()->sequence, 3u);
    capture.clear();
    QCOMPARE(capture.size(), 0);
    QCOMPARE(capture.bytes(), 0);
    capture.add(recordWithPath("/6"));
    QCOMPARE(capture.latest(1).front()->sequence, 6u); // sequences go on after a clear
}

void TestTrafficCapture::readsAfterASequence()
{
    TrafficCapture capture;
    capture.configure(observe(4));
    for (const char *p : {"/1", "/2", "/3", "/4", "/5", "/6"})
        capture.add(recordWithPath(p));
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
        capture.add(recordWithPath("/" + QByteArray::number(i), 10 * 1024));
    QVERIFY(capture.bytes() <= 64 * 1024);
    QVERIFY2(capture.size() >= 5 && capture.size() <= 6, qPrintable(QString::number(capture.size())));
    QCOMPARE(capture.latest(1).front()->target, QByteArray("/19"));
    // A record bigger than the cap is not kept at all.
    capture.add(recordWithPath("/huge", 100 * 1024));
    QCOMPARE(capture.size(), 0);
    QCOMPARE(capture.bytes(), 0);
}

void TestTrafficCapture::shrinkingDropsAtOnce()
{
    TrafficCapture capture;
    capture.configure(observe(10));
    for (int i = 0; i < 10; ++i)
        capture.add(recordWithPath("/" + QByteArray::number(i)));
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
                capture.add(recordWithPath("/t" + QByteArray::number(t), i % 7 * 100));
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

void TestTrafficCapture::detailsFollowWatchers()
{
    TrafficCapture capture;
    capture.configure(observe(10)); // capture_headers: watched
    QVERIFY(!capture.wantsDetails(1000));
    {
        const std::shared_ptr<void> first = capture.watch();
        const std::shared_ptr<void> second = capture.watch();
        QVERIFY(first);
        QVERIFY(capture.wantsDetails(1000));
    }
    QVERIFY(!capture.wantsDetails(1000));
    capture.noteRead(1000); // a client read GET /traffic: a minute of details
    QVERIFY(capture.wantsDetails(1000 + TrafficCapture::kReaderWatchMs - 1));
    QVERIFY(!capture.wantsDetails(1000 + TrafficCapture::kReaderWatchMs));
}

void TestTrafficCapture::detailsAlwaysAndOff()
{
    TrafficCapture capture;
    ObserveConfig o = observe(10);
    o.captureHeaders = QStringLiteral("always");
    o.captureBodyKib = 2;
    capture.configure(o);
    QVERIFY(capture.wantsDetails(0));
    QCOMPARE(capture.bodyLimitBytes(), 2048);
    o.captureHeaders = QStringLiteral("off");
    capture.configure(o);
    const std::shared_ptr<void> watching = capture.watch();
    QVERIFY(!capture.wantsDetails(0));
}

void TestTrafficCapture::redactsCredentialFields()
{
    HeaderMap headers;
    headers.add("Host", "api.test");
    headers.add("authorization", "Bearer secret-token");
    headers.add("X-Api-Key", "pk_secret");
    headers.add("Cookie", "session=abc");
    headers.add("Proxy-Authorization", "Basic c2VjcmV0");
    headers.add("Accept", "application/json");
    const std::vector<CapturedField> fields = Redactor().redactedFields(headers);
    QCOMPARE(fields.size(), size_t(6));
    const QByteArray redacted = Redactor::kRedacted.toByteArray();
    QCOMPARE(fields[0].value, QByteArray("api.test"));
    QCOMPARE(fields[1].name, QByteArray("authorization")); // names stay as sent
    for (size_t i = 1; i <= 4; ++i)
        QCOMPARE(fields[i].value, redacted);
    QCOMPARE(fields[5].value, QByteArray("application/json"));

    HeaderMap response;
    response.add("Set-Cookie", "id=1");
    QCOMPARE(Redactor().redactedFields(response)[0].value, redacted);
}

void TestTrafficCapture::redactsConfiguredFields()
{
    const Redactor redactor({QStringLiteral("X-Session"), QStringLiteral("x-card")});
    QVERIFY(redactor.isSecret("x-session"));
    QVERIFY(redactor.isSecret("X-CARD"));
    QVERIFY(redactor.isSecret("Authorization"));
    QVERIFY(!redactor.isSecret("X-Sessions"));
    QVERIFY(!Redactor().isSecret("X-Session"));
    const QString longName = QStringLiteral("X-") + QString(70, u'a');
    QVERIFY(Redactor({longName}).isSecret(longName.toUpper().toLatin1()));
}

void TestTrafficCapture::redactsCredentialQueryParameters()
{
    const auto r = [](const QByteArray &target) { return Redactor::redactedTarget(target); };
    QCOMPARE(r("/users?apikey=pk_1&page=2"), QByteArray("/users?apikey=[redacted]&page=2"));
    QCOMPARE(r("/a?page=2&API_KEY=x"), QByteArray("/a?page=2&API_KEY=[redacted]"));
    QCOMPARE(r("/a?access_token=t&apikey=k"),
             QByteArray("/a?access_token=[redacted]&apikey=[redacted]"));
    QCOMPARE(r("/a?apikeys=x&myapikey=y"), QByteArray("/a?apikeys=x&myapikey=y"));
    QCOMPARE(r("/a?apikey"), QByteArray("/a?apikey")); // no value, nothing to hide
    QCOMPARE(r("/a"), QByteArray("/a"));
    QCOMPARE(r("/a?"), QByteArray("/a?"));
    QCOMPARE(r("/a?x=1&&apikey=2"), QByteArray("/a?x=1&&apikey=[redacted]"));
    QCOMPARE(r("http://h/a?apikey=2"), QByteArray("http://h/a?apikey=[redacted]"));
}

QTEST_GUILESS_MAIN(TestTrafficCapture)
#include "tst_traffic_capture.moc"
