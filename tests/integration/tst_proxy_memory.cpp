// Streaming, proved by memory: the real porticod daemon moves 200 MB up and 200 MB down, and a
// download read slowly by its client, while its peak resident set (VmHWM) stays far below the
// body sizes. A gateway that buffered bodies (or ignored its watermarks) would hold hundreds of
// megabytes here.
#include "IntegrationFixtures.h"
#include "PorticodProcess.h"

#include <QtTest>

using namespace portico;
using namespace portico::test;

namespace {

constexpr qint64 kLarge = 200LL * 1024 * 1024; // 209715200
// Generous for a Qt daemon with two workers (baseline ~15-20 MiB), tiny next to 200 MB.
constexpr qint64 kPeakBoundKiB = 80 * 1024;

QByteArray daemonConfig(const TestBackend &backend)
{
    return "format_version: 1\n"
           "settings:\n"
           "  listen: 127.0.0.1:0\n"
           "  workers: 2\n"
           "services:\n"
           "  - name: origin\n"
           "    url: "
        + backend.url().toLatin1()
        + "\n"
          "routes:\n"
          "  - name: all\n"
          "    paths: [/]\n"
          "    service: origin\n"
          "    max_body_bytes: 1073741824\n";
}

bool startDaemon(PorticodProcess &daemon, const TestBackend &backend, QString *error)
{
    const QString path = writeTempConfig(daemonConfig(backend));
    if (path.isEmpty()) {
        *error = QStringLiteral("cannot write the config");
        return false;
    }
    if (!daemon.start({QStringLiteral("--config"), path})) {
        *error = daemon.errorString() + QStringLiteral(" (PORTICOD_BINARY=%1)")
                                            .arg(PorticodProcess::binaryPath());
        return false;
    }
    return true;
}

QString mib(qint64 kib)
{
    return QString::number(double(kib) / 1024.0, 'f', 1) + QStringLiteral(" MiB");
}

} // namespace

class TestProxyMemory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void largeTransfersStayBounded();
    void slowReaderStopsUpstreamReads();
};

void TestProxyMemory::largeTransfersStayBounded()
{
    TestBackend backend;
    PorticodProcess daemon;
    QString error;
    QVERIFY2(startDaemon(daemon, backend, &error), qPrintable(error));

    RawHttpClient client(daemon.port());
    QCOMPARE(client.get("/json").status, 200);
    const qint64 baseline = daemon.peakRssKiB();
    QVERIFY(baseline > 0);

    // 200 MB up, streamed by the client in 1 MiB pieces.
    QElapsedTimer timer;
    timer.start();
    const RawResponse up = streamUpload(client, "/sink", kLarge);
    QVERIFY2(up.ok, qPrintable(up.error));
    const qint64 upMs = timer.elapsed();
    QCOMPARE(up.status, 200);
    QCOMPARE(qint64(up.json().value("bytes").toDouble()), kLarge);
    const QByteArray expected = TestBackend::patternSha256(kLarge);
    QCOMPARE(up.json().value("sha256").toString().toLatin1(), expected);
    const qint64 afterUpload = daemon.peakRssKiB();

    // 200 MB down on the same connection.
    timer.restart();
    QVERIFY(client.send(RawHttpClient::buildRequest("GET", "/bytes/" + QByteArray::number(kLarge),
                                                    daemon.port())));
    const RawResponse down = client.readResponseStreaming(120000);
    QVERIFY2(down.ok, qPrintable(down.error));
    const qint64 downMs = timer.elapsed();
    QCOMPARE(down.status, 200);
    QCOMPARE(down.bodySize, kLarge);
    QCOMPARE(down.bodySha256, expected);
    const qint64 peak = daemon.peakRssKiB();

    qInfo("porticod VmHWM: %s at start, %s after the 200 MB upload (%lld ms), %s after the "
          "200 MB download (%lld ms)",
          qPrintable(mib(baseline)), qPrintable(mib(afterUpload)), upMs, qPrintable(mib(peak)),
          downMs);
    QVERIFY2(peak < kPeakBoundKiB, qPrintable(QStringLiteral("peak RSS %1").arg(mib(peak))));
    // Moving 400 MB added next to nothing to what the daemon held when idle.
    QVERIFY2(peak - baseline < 32 * 1024,
             qPrintable(QStringLiteral("grew by %1").arg(mib(peak - baseline))));
    QVERIFY(daemon.isRunning());
    QCOMPARE(daemon.terminate(), 0);
}

void TestProxyMemory::slowReaderStopsUpstreamReads()
{
    TestBackend backend;
    PorticodProcess daemon;
    QString error;
    QVERIFY2(startDaemon(daemon, backend, &error), qPrintable(error));
    {
        RawHttpClient warm(daemon.port());
        QCOMPARE(warm.get("/json").status, 200);
    }
    const qint64 baseline = daemon.peakRssKiB();

    SlowDownload download;
    QVERIFY(download.start(daemon.port(), "/bytes/" + QByteArray::number(kLarge)));
    // About 2 seconds of a client reading 64 KiB every 20 ms (~3 MiB/s) while the backend could
    // send at several hundred MiB/s: without back-pressure the daemon would read most of the
    // 200 MB from the backend and queue it for the client.
    QElapsedTimer timer;
    timer.start();
    int reads = 0;
    while (timer.elapsed() < 2000 && reads < 200) {
        QVERIFY2(download.readSome(64 * 1024), "the download stalled or closed");
        ++reads;
        QThread::msleep(20);
    }
    QCOMPARE(download.status(), 200);
    QCOMPARE(download.contentLength(), kLarge);
    const qint64 readSlowly = download.received();
    const qint64 slowMs = timer.elapsed();
    const qint64 duringSlow = daemon.peakRssKiB();
    QVERIFY(readSlowly < 32LL * 1024 * 1024); // the client really was slow

    // Then the rest, as fast as it comes: every byte intact.
    download.setReadBufferSize(1024 * 1024);
    QVERIFY2(download.readToEnd(), qPrintable(QString::number(download.received())));
    QCOMPARE(download.received(), kLarge);
    QCOMPARE(download.sha256(), TestBackend::patternSha256(kLarge));
    const qint64 peak = daemon.peakRssKiB();

    qInfo("slow reader: %s read in %lld ms; porticod VmHWM %s at start, %s while reading "
          "slowly (+%s), %s at the end",
          qPrintable(mib(readSlowly / 1024)), slowMs, qPrintable(mib(baseline)),
          qPrintable(mib(duringSlow)), qPrintable(mib(duringSlow - baseline)),
          qPrintable(mib(peak)));
    // The watermarks (256 KiB) and the capped socket buffers leave a few MiB at most in flight.
    QVERIFY2(duringSlow - baseline < 16 * 1024,
             qPrintable(QStringLiteral("grew by %1 while the client read slowly")
                            .arg(mib(duringSlow - baseline))));
    QVERIFY2(peak < kPeakBoundKiB, qPrintable(QStringLiteral("peak RSS %1").arg(mib(peak))));
    QCOMPARE(daemon.terminate(), 0);
}

QTEST_GUILESS_MAIN(TestProxyMemory)
#include "tst_proxy_memory.moc"
