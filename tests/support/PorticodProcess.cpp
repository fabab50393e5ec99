#include "PorticodProcess.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QRegularExpression>
#include <QTest>

namespace portico::test {

namespace {

QByteArray readWhole(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

qint64 procStatusKiB(qint64 pid, QByteArrayView field)
{
    if (pid <= 0)
        return -1;
    const QByteArray status = readWhole(QStringLiteral("/proc/%1/status").arg(pid));
    for (const QByteArray &line : status.split('\n')) {
        if (!line.startsWith(field) || line.size() <= field.size() || line[field.size()] != ':')
            continue;
        // "VmHWM:     12345 kB"
        const QList<QByteArray> parts = line.mid(field.size() + 1).simplified().split(' ');
        return parts.isEmpty() ? -1 : parts.front().toLongLong();
    }
    return -1;
}

} // namespace

PorticodProcess::PorticodProcess()
    : m_program(binaryPath())
{
}

PorticodProcess::~PorticodProcess()
{
    kill();
}

QString PorticodProcess::binaryPath()
{
    return qEnvironmentVariable("PORTICOD_BINARY");
}

bool PorticodProcess::start(const QStringList &args, int timeoutMs, int listeners)
{
    kill();
    m_ports.clear();
    m_error.clear();
    if (m_program.isEmpty()) {
        m_error = QStringLiteral("PORTICOD_BINARY is not set");
        return false;
    }
    m_dir = std::make_unique<QTemporaryDir>();
    m_process = std::make_unique<QProcess>();
    m_process->setStandardOutputFile(m_dir->filePath(QStringLiteral("stdout.txt")));
    m_process->setStandardErrorFile(m_dir->filePath(QStringLiteral("stderr.txt")));
    QStringList arguments = args;
    // Tests run in parallel: never let two daemons compete for the default Admin API port.
    if (!arguments.contains(QStringLiteral("--admin")) && m_program == binaryPath())
        arguments << QStringLiteral("--admin") << QStringLiteral("127.0.0.1:0");
    m_process->start(m_program, arguments);
    if (!m_process->waitForStarted(timeoutMs)) {
        m_error = QStringLiteral("cannot start %1: %2").arg(m_program, m_process->errorString());
        return false;
    }
    static const QRegularExpression kListening(
        QStringLiteral(R"(listening on https?://[^\s:/]+:(\d+))"));
    const QDeadlineTimer deadline(timeoutMs);
    while (true) {
        m_ports.clear();
        auto it = kListening.globalMatch(QString::fromUtf8(stdoutText()));
        while (it.hasNext())
            m_ports.append(quint16(it.next().captured(1).toUInt()));
        if (m_ports.size() >= listeners) {
            static const QRegularExpression kAdmin(
                QStringLiteral(R"(admin API on http://[^\s]+:(\d+))"));
            const QRegularExpressionMatch admin = kAdmin.match(QString::fromUtf8(stdoutText()));
            m_adminPort = admin.hasMatch() ? quint16(admin.captured(1).toUInt()) : 0;
            return true;
        }
        if (m_process->state() == QProcess::NotRunning) {
            m_error = QStringLiteral("exited with code %1 before listening: %2")
                          .arg(m_process->exitCode())
                          .arg(QString::fromUtf8(stderrText().trimmed()));
            return false;
        }
        if (deadline.hasExpired()) {
            m_error = QStringLiteral("no 'listening on' line after %1 ms").arg(timeoutMs);
            return false;
        }
        m_process->waitForFinished(20); // also reaps an early exit
    }
}

ProgramRun runPorticod(const QStringList &args, int timeoutMs)
{
    QProcess process;
    process.start(PorticodProcess::binaryPath(), args);
    ProgramRun result;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(5'000);
    } else if (process.exitStatus() == QProcess::NormalExit) {
        result.exitCode = process.exitCode();
    }
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

QString PorticodProcess::url() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(port());
}

qint64 PorticodProcess::pid() const
{
    return m_process ? m_process->processId() : 0;
}

bool PorticodProcess::isRunning() const
{
    return m_process && m_process->state() != QProcess::NotRunning;
}

qint64 PorticodProcess::peakRssKiB() const
{
    return procStatusKiB(pid(), "VmHWM");
}

qint64 PorticodProcess::currentRssKiB() const
{
    return procStatusKiB(pid(), "VmRSS");
}

int PorticodProcess::exitResult() const
{
    if (!m_process || m_process->exitStatus() != QProcess::NormalExit)
        return -1;
    return m_process->exitCode();
}

int PorticodProcess::terminate(int timeoutMs)
{
    if (!isRunning())
        return exitResult();
    m_process->terminate(); // SIGTERM on Unix
    if (!m_process->waitForFinished(timeoutMs)) {
        m_error = QStringLiteral("still running %1 ms after SIGTERM; killed").arg(timeoutMs);
        kill();
        return -1;
    }
    return exitResult();
}

void PorticodProcess::kill()
{
    if (!isRunning())
        return;
    m_process->kill();
    m_process->waitForFinished(5000);
}

int PorticodProcess::waitForExit(int timeoutMs)
{
    if (isRunning() && !m_process->waitForFinished(timeoutMs))
        return -1;
    return exitResult();
}

QByteArray PorticodProcess::stdoutText() const
{
    return m_dir ? readWhole(m_dir->filePath(QStringLiteral("stdout.txt"))) : QByteArray();
}

QByteArray PorticodProcess::stderrText() const
{
    return m_dir ? readWhole(m_dir->filePath(QStringLiteral("stderr.txt"))) : QByteArray();
}

bool PorticodProcess::waitForOutput(QByteArrayView needle, int timeoutMs) const
{
    const QDeadlineTimer deadline(timeoutMs);
    while (true) {
        if (stdoutText().contains(needle) || stderrText().contains(needle))
            return true;
        if (deadline.hasExpired())
            return false;
        QTest::qWait(20);
    }
}

QString writeTempConfig(const QByteArray &content, const QString &suffix)
{
    static QTemporaryDir dir; // removed when the test program exits
    static int counter = 0;
    const QString path = dir.filePath(QStringLiteral("config-%1%2").arg(++counter).arg(suffix));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size())
        return {};
    return path;
}

} // namespace portico::test
