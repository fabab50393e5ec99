// The access log's writer on real files: lines from several threads at once each written once
// and whole, size rotation keeping the configured number of files, a folder removed under it
// (a warning, lines held, writing resumed when the folder is back), lines dropped and reported
// when the queue is full, option changes and close losing nothing.

#include "observe/AccessLog.h"
#include "observe/CaptureBlob.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <memory>
#include <vector>

using namespace portico;

namespace {

// Messages the log emits (from its writer thread), captured for the test to look at.
struct CapturedMessages
{
    QMutex mutex;
    QStringList warnings;
    QStringList infos;
};
CapturedMessages *g_messages = nullptr;
QtMessageHandler g_previousHandler = nullptr;

void captureMessage(QtMsgType type, const QMessageLogContext &context, const QString &text)
{
    if (g_messages && text.startsWith(QLatin1String("access log:"))) {
        QMutexLocker lock(&g_messages->mutex);
        (type == QtWarningMsg ? g_messages->warnings : g_messages->infos) << text;
        return;
    }
    g_previousHandler(type, context, text);
}

// A record's blob, as a worker appends it.
QByteArray record(const QByteArray &id)
{
    CaptureRecord r;
    r.id = id;
    r.startedAtMs = 1'714'566'896'789;
    r.method = "GET";
    r.target = "/items/" + id;
    r.status = 200;
    r.timings.totalUs = 1234;
    r.decisions = {{"route", "items"}};
    return encodeCaptureRecord(r);
}

QByteArray lineId(int thread, int i)
{
    return "t" + QByteArray::number(thread) + "-" + QByteArray::number(i);
}

struct LogFile
{
    QString path;
    qint64 size = 0;
    QList<QByteArray> lines;
};

LogFile readLog(const QString &path)
{
    LogFile file;
    file.path = path;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return file;
    const QByteArray all = f.readAll();
    file.size = all.size();
    file.lines = all.split('\n');
    if (!file.lines.isEmpty() && file.lines.last().isEmpty())
        file.lines.removeLast(); // after the last '\n'
    return file;
}

// The active file and the rotated ones, oldest first.
QList<LogFile> readAllLogs(const QString &path, int files)
{
    QList<LogFile> out;
    for (int n = files; n >= 1; --n) {
        const QString rotated = path + QLatin1Char('.') + QString::number(n);
        if (QFile::exists(rotated))
            out << readLog(rotated);
    }
    out << readLog(path);
    return out;
}

QJsonObject parseLine(const QByteArray &line, bool *ok)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
    *ok = error.error == QJsonParseError::NoError && doc.isObject();
    return doc.object();
}

// The ids of a file's lines, in order; fails the test on a line that is not a JSON object.
QList<QByteArray> idsOf(const LogFile &file)
{
    QList<QByteArray> ids;
    for (const QByteArray &line : file.lines) {
        bool ok = false;
        const QJsonObject o = parseLine(line, &ok);
        if (!ok) {
            qWarning("%s: not a JSON object: %s", qPrintable(file.path), line.constData());
            return {};
        }
        if (o.contains(QLatin1String("id")))
            ids << o.value(QLatin1String("id")).toString().toUtf8();
    }
    return ids;
}

// Appends `count` lines from each of `threads` threads at once (ids t<thread>-<i>).
void appendConcurrently(AccessLog &log, int threads, int count)
{
    std::vector<std::unique_ptr<QThread>> running;
    for (int t = 0; t < threads; ++t) {
        running.emplace_back(QThread::create([&log, t, count] {
            for (int i = 0; i < count; ++i)
                log.append(record(lineId(t, i)));
        }));
        running.back()->start();
    }
    for (auto &thread : running)
        thread->wait();
}

template<typename Done>
bool waitFor(Done done, int timeoutMs = 5000)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QTest::qWait(20);
    }
    return true;
}

} // namespace

class TestAccessLog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void writesEveryLineOnceWhileRotating();
    void keepsOnlyTheConfiguredFiles();
    void truncatesWithoutRotatedFiles();
    void survivesItsFolderBeingRemoved();
    void dropsAndReportsWhenTheQueueIsFull();
    void followsOptionChangesWithoutLosingLines();
    void closeWritesEverything();
    void offMeansNothingIsWritten();

private:
    CapturedMessages m_messages;
};

void TestAccessLog::init()
{
    {
        QMutexLocker lock(&m_messages.mutex);
        m_messages.warnings.clear();
        m_messages.infos.clear();
    }
    g_messages = &m_messages;
    g_previousHandler = qInstallMessageHandler(captureMessage);
}

void TestAccessLog::cleanup()
{
    qInstallMessageHandler(g_previousHandler);
    g_messages = nullptr;
}

void TestAccessLog::writesEveryLineOnceWhileRotating()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("access.log"));
    constexpr qint64 kMaxBytes = 4096;
    constexpr int kFiles = 60; // room for every line: about 10 lines a file
    constexpr int kThreads = 4;
    constexpr int kPerThread = 120;
    AccessLog log;
    log.configure(AccessLogOptions{path, kMaxBytes, kFiles});
    QVERIFY(log.isEnabled());
    appendConcurrently(log, kThreads, kPerThread);
    log.close();
    QVERIFY(!log.isEnabled());
    QCOMPARE(log.droppedLines(), quint64(0));

    const QList<LogFile> files = readAllLogs(path, kFiles + 5);
    QVERIFY2(files.size() > 20, "expected many rotations");
    QVERIFY(!QFile::exists(path + QStringLiteral(".%1").arg(kFiles + 1)));
    QSet<QByteArray> seen;
    QHash<int, int> lastOfThread; // each thread's lines stay in order across the files
    for (const LogFile &file : files) {
        QVERIFY2(file.size <= kMaxBytes, qPrintable(file.path));
        const QList<QByteArray> ids = idsOf(file);
        QCOMPARE(ids.size(), file.lines.size());
        for (const QByteArray &id : ids) {
            QVERIFY2(!seen.contains(id), id.constData());
            seen.insert(id);
            const QList<QByteArray> parts = id.mid(1).split('-');
            const int thread = parts[0].toInt();
            const int i = parts[1].toInt();
            QVERIFY(i > lastOfThread.value(thread, -1));
            lastOfThread[thread] = i;
        }
    }
    QCOMPARE(seen.size(), kThreads * kPerThread);
}

void TestAccessLog::keepsOnlyTheConfiguredFiles()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("access.log"));
    // Left from a configuration that kept more.
    for (int n : {3, 4, 7}) {
        QFile stale(path + QStringLiteral(".%1").arg(n));
        QVERIFY(stale.open(QIODevice::WriteOnly));
    }
    constexpr qint64 kMaxBytes = 4096;
    constexpr int kThreads = 4;
    constexpr int kPerThread = 2000;
    AccessLog log;
    log.configure(AccessLogOptions{path, kMaxBytes, 2});
    appendConcurrently(log, kThreads, kPerThread);
    log.close();
    QCOMPARE(log.droppedLines(), quint64(0));

    QDir folder(dir.path());
    QCOMPARE(folder.entryList(QDir::Files, QDir::Name),
             QStringList({"access.log", "access.log.1", "access.log.2"}));
    // What is kept is the newest lines: for each thread a run up to its last line, each once.
    QHash<int, QList<int>> kept;
    for (const LogFile &file : readAllLogs(path, 2)) {
        QVERIFY2(file.size <= kMaxBytes && file.size > 0, qPrintable(file.path));
        const QList<QByteArray> ids = idsOf(file);
        QCOMPARE(ids.size(), file.lines.size());
        for (const QByteArray &id : ids) {
            const QList<QByteArray> parts = id.mid(1).split('-');
            kept[parts[0].toInt()] << parts[1].toInt();
        }
    }
    int total = 0;
    for (auto it = kept.cbegin(); it != kept.cend(); ++it) {
        const QList<int> &is = it.value();
        total += is.size();
        QCOMPARE(is.last(), kPerThread - 1);
        for (qsizetype k = 1; k < is.size(); ++k)
            QCOMPARE(is[k], is[k - 1] + 1);
    }
    QVERIFY(total > 10);
}

void TestAccessLog::truncatesWithoutRotatedFiles()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("access.log"));
    AccessLog log;
    log.configure(AccessLogOptions{path, 4096, 0});
    appendConcurrently(log, 2, 500);
    log.close();
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{"access.log"});
    const LogFile file = readLog(path);
    QVERIFY(file.size <= 4096 && file.size > 0);
    const QList<QByteArray> ids = idsOf(file);
    QCOMPARE(ids.size(), file.lines.size());
    QVERIFY(ids.contains("t0-499") || ids.contains("t1-499"));
}

void TestAccessLog::survivesItsFolderBeingRemoved()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString folder = dir.filePath(QStringLiteral("logs"));
    QVERIFY(QDir().mkpath(folder));
    const QString path = folder + QStringLiteral("/access.log");
    AccessLog log;
    log.configure(AccessLogOptions{path, 1024 * 1024, 3});
    for (int i = 0; i < 10; ++i)
        log.append(record(lineId(0, i)));
    QVERIFY(log.sync());
    QCOMPARE(readLog(path).lines.size(), 10);

    QVERIFY(QDir(folder).removeRecursively());
    // The writer notices within about a second: one warning, naming the file.
    QVERIFY(waitFor([&] {
        QMutexLocker lock(&m_messages.mutex);
        return !m_messages.warnings.isEmpty();
    }));
    for (int i = 10; i < 20; ++i)
        log.append(record(lineId(0, i)));
    QTest::qWait(1500); // more tries fail meanwhile: still one warning
    {
        QMutexLocker lock(&m_messages.mutex);
        QCOMPARE(m_messages.warnings.size(), 1);
        QVERIFY2(m_messages.warnings[0].contains(path), qPrintable(m_messages.warnings[0]));
        QVERIFY2(m_messages.warnings[0].contains(QLatin1String("cannot open")),
                 qPrintable(m_messages.warnings[0]));
    }
    QVERIFY(log.isEnabled());

    QVERIFY(QDir().mkpath(folder));
    QVERIFY(waitFor([&] { return readLog(path).lines.size() == 10; }));
    for (int i = 20; i < 25; ++i)
        log.append(record(lineId(0, i)));
    log.close();
    QList<QByteArray> expected;
    for (int i = 10; i < 25; ++i)
        expected << lineId(0, i);
    QCOMPARE(idsOf(readLog(path)), expected); // held while the folder was gone, none lost
    QCOMPARE(log.droppedLines(), quint64(0));
    QMutexLocker lock(&m_messages.mutex);
    QCOMPARE(m_messages.warnings.size(), 1);
    QCOMPARE(m_messages.infos.size(), 1);
    QVERIFY(m_messages.infos[0].contains(QLatin1String("again")));
}

void TestAccessLog::dropsAndReportsWhenTheQueueIsFull()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString folder = dir.filePath(QStringLiteral("later"));
    const QString path = folder + QStringLiteral("/access.log");
    AccessLog log(100);                                    // at most 100 lines wait
    log.configure(AccessLogOptions{path, 1024 * 1024, 3}); // its folder does not exist yet
    QVERIFY(waitFor([&] {
        QMutexLocker lock(&m_messages.mutex);
        return !m_messages.warnings.isEmpty();
    }));
    for (int i = 0; i < 150; ++i)
        log.append(record(lineId(0, i)));
    QCOMPARE(log.droppedLines(), quint64(50));

    QVERIFY(QDir().mkpath(folder));
    QVERIFY(waitFor([&] { return readLog(path).lines.size() == 101; }));
    log.close();
    const LogFile file = readLog(path);
    QCOMPARE(file.lines.size(), 101);
    QList<QByteArray> expected;
    for (int i = 0; i < 100; ++i)
        expected << lineId(0, i);
    QCOMPARE(idsOf(file), expected);
    bool ok = false;
    const QJsonObject report = parseLine(file.lines.last(), &ok);
    QVERIFY(ok);
    QCOMPARE(report.value(QLatin1String("dropped")).toInt(), 50);
    QVERIFY(report.contains(QLatin1String("time")));
}

void TestAccessLog::followsOptionChangesWithoutLosingLines()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QStringList paths = {dir.filePath(QStringLiteral("a.log")),
                               dir.filePath(QStringLiteral("b.log")),
                               dir.filePath(QStringLiteral("c.log"))};
    AccessLog log;
    // Large enough for every line of this test: none is rotated away.
    constexpr qint64 kMaxBytes = 64 * 1024 * 1024;
    log.configure(AccessLogOptions{paths[0], kMaxBytes, 2});
    // Before and after a change, in order: the old file has the first, the new the second.
    for (int i = 0; i < 100; ++i)
        log.append(record(lineId(9, i)));
    log.configure(AccessLogOptions{paths[1], kMaxBytes, 2});
    for (int i = 100; i < 200; ++i)
        log.append(record(lineId(9, i)));
    QVERIFY(log.sync());
    const QList<QByteArray> first = idsOf(readLog(paths[0]));
    QCOMPARE(first.size(), 100);
    QCOMPARE(first.last(), lineId(9, 99));
    QCOMPARE(idsOf(readLog(paths[1])).first(), lineId(9, 100));

    // Changes while a thread appends at full speed: every line lands once somewhere.
    constexpr int kLines = 20000;
    std::unique_ptr<QThread> writer(QThread::create([&log] {
        for (int i = 0; i < kLines; ++i)
            log.append(record(lineId(1, i)));
    }));
    writer->start();
    for (int round = 0; round < 12; ++round) {
        QTest::qWait(5);
        log.configure(AccessLogOptions{paths[round % 3], kMaxBytes + round, 2});
    }
    QVERIFY(writer->wait(30000));
    log.close();
    QCOMPARE(log.droppedLines(), quint64(0));
    QSet<QByteArray> seen;
    for (const QString &path : paths) {
        for (const LogFile &file : readAllLogs(path, 2)) {
            const QList<QByteArray> ids = idsOf(file);
            QCOMPARE(ids.size(), file.lines.size());
            for (const QByteArray &id : ids) {
                if (!id.startsWith("t1-"))
                    continue;
                QVERIFY2(!seen.contains(id), id.constData());
                seen.insert(id);
            }
        }
    }
    QCOMPARE(seen.size(), kLines);
}

void TestAccessLog::closeWritesEverything()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("access.log"));
    AccessLog log;
    log.configure(AccessLogOptions{path, 1024 * 1024 * 1024, 1});
    for (int i = 0; i < 5000; ++i)
        log.append(record(lineId(0, i)));
    log.close(); // at once: no wait for the writer's tick
    const QList<QByteArray> ids = idsOf(readLog(path));
    QCOMPARE(ids.size(), 5000);
    QCOMPARE(ids.last(), lineId(0, 4999));
}

void TestAccessLog::offMeansNothingIsWritten()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("access.log"));
    AccessLog log;
    QVERIFY(!log.isEnabled());
    log.append(record("before"));
    log.configure(AccessLogOptions{path, 1024 * 1024, 1});
    log.append(record("during"));
    log.configure(AccessLogOptions{}); // an empty path turns it off
    QVERIFY(!log.isEnabled());
    log.append(record("after"));
    QCOMPARE(idsOf(readLog(path)), QList<QByteArray>{"during"});
    QCOMPARE(log.droppedLines(), quint64(0));
}

QTEST_GUILESS_MAIN(TestAccessLog)
#include "tst_access_log.moc"
