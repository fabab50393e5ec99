#pragma once

#include <QByteArray>
#include <QList>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace portico::test {

// Runs the porticod binary (path from the PORTICOD_BINARY environment variable) for a test.
// Its stdout and stderr go to files, never to pipes, so a chatty daemon cannot block on a full
// pipe while the test is busy; stdoutText()/stderrText() read them back.
class PorticodProcess
{
public:
    PorticodProcess();
    ~PorticodProcess(); // kills the process if it still runs
    PorticodProcess(const PorticodProcess &) = delete;
    PorticodProcess &operator=(const PorticodProcess &) = delete;

    // $PORTICOD_BINARY, or empty when unset.
    static QString binaryPath();
    // Runs another program instead (tests of this helper).
    void setProgram(const QString &program) { m_program = program; }

    // Starts with args such as {"--config", file, "--listen", "127.0.0.1:0", "--workers", "2"}
    // and waits until `listeners` lines "listening on http(s)://HOST:PORT" were printed.
    // False when it exits first or the timeout passes; errorString() says why.
    bool start(const QStringList &args, int timeoutMs = 15000, int listeners = 1);

    quint16 port() const { return m_ports.isEmpty() ? 0 : m_ports.front(); }
    QList<quint16> ports() const { return m_ports; } // in the order printed
    // The Admin API's port from the "admin API on ..." line; 0 when none was printed. Unless the
    // arguments name an --admin address, start() adds "--admin 127.0.0.1:0".
    quint16 adminPort() const { return m_adminPort; }
    QString url() const;                             // "http://127.0.0.1:PORT" of port()
    qint64 pid() const;
    bool isRunning() const;

    // From /proc/PID/status: VmHWM (peak resident set) and VmRSS, in KiB; -1 when unknown.
    qint64 peakRssKiB() const;
    qint64 currentRssKiB() const;

    // SIGTERM, then waits: the exit code, or -1 when it crashed or had to be killed.
    int terminate(int timeoutMs = 15000);
    void kill();
    // Waits for the process to end by itself: the exit code, or -1 (crash, timeout).
    int waitForExit(int timeoutMs = 15000);

    QByteArray stdoutText() const;
    QByteArray stderrText() const;
    // Spins until `needle` appears in stdout or stderr, or the timeout passes.
    bool waitForOutput(QByteArrayView needle, int timeoutMs = 5000) const;
    QString errorString() const { return m_error; }

private:
    int exitResult() const;

    QString m_program;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_process;
    QList<quint16> m_ports;
    quint16 m_adminPort = 0;
    QString m_error;
};

// A program run to completion: what it printed and its exit code (-1: it crashed or did not
// finish in time and was killed).
struct ProgramRun
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// Runs porticod ($PORTICOD_BINARY) with `args` until it exits by itself, for invocations that
// are expected to: --help, --export, a config error.
ProgramRun runPorticod(const QStringList &args, int timeoutMs = 30'000);

// Writes a config file into a directory that lives until the test program ends and returns
// its path; each call makes a new file. The suffix picks the format (".yaml" or ".json").
QString writeTempConfig(const QByteArray &content, const QString &suffix = QStringLiteral(".yaml"));

} // namespace portico::test
