#include "RedisTestServer.h"

#include "policy/rate_limit/RedisSyncClient.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include <csignal>

namespace portico::test {

namespace {

constexpr int kStartTimeoutMs = 5000;

// A port nothing listens on, below the kernel's ephemeral range: one in that range could be
// taken meanwhile by an outgoing connection as its local port (while a test has the server
// stopped, say), or even be connected to by a client from that very port (a TCP self-connect).
quint16 freeLoopbackPort()
{
    int ephemeralLow = 32768;
    QFile range(QStringLiteral("/proc/sys/net/ipv4/ip_local_port_range"));
    if (range.open(QIODevice::ReadOnly))
        ephemeralLow = range.readAll().simplified().split(' ').value(0).toInt();
    if (ephemeralLow <= 11000)
        ephemeralLow = 32768;
    for (int attempt = 0; attempt < 200; ++attempt) {
        const auto port = quint16(QRandomGenerator::global()->bounded(10000, ephemeralLow));
        QTcpServer probe;
        if (probe.listen(QHostAddress::LocalHost, port))
            return port; // closed on return; redis-server binds it next
    }
    return 0;
}

// The state letter of /proc/PID/stat ('T' when stopped), or 0.
char processState(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray text = stat.readAll();
    const qsizetype close = text.lastIndexOf(')'); // after the command name, which may hold ')'
    return close >= 0 && close + 2 < text.size() ? text[close + 2] : 0;
}

} // namespace

RedisTestServer::RedisTestServer() = default;

RedisTestServer::~RedisTestServer()
{
    stop();
}

bool RedisTestServer::start()
{
    if (isRunning())
        return true;
    m_error.clear();
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("cannot create a temporary directory: %1")
                      .arg(m_dir.errorString());
        return false;
    }
    if (QStandardPaths::findExecutable(QStringLiteral("redis-server")).isEmpty()) {
        m_error = QStringLiteral("redis-server not found in PATH: the Redis tests need a real one; "
                                 "install the Debian package redis-server (scripts/setup.sh does)");
        return false;
    }
    if (m_port != 0)
        return startOnce();
    // Another process may take the port between the probe and redis-server's bind: try again.
    for (int attempt = 0; attempt < 3; ++attempt) {
        m_port = freeLoopbackPort();
        if (m_port != 0 && startOnce())
            return true;
    }
    m_port = 0;
    return false;
}

bool RedisTestServer::startOnce()
{
    const QString log = m_dir.filePath(QStringLiteral("redis.log"));
    QFile::remove(log);
    m_process = std::make_unique<QProcess>();
    m_process->setStandardOutputFile(QProcess::nullDevice());
    m_process->setStandardErrorFile(m_dir.filePath(QStringLiteral("redis.stderr")));
    m_process->start(QStringLiteral("redis-server"),
                     {QStringLiteral("--port"), QString::number(m_port),
                      QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                      QStringLiteral("--save"), QString(""),
                      QStringLiteral("--appendonly"), QStringLiteral("no"),
                      QStringLiteral("--dir"), m_dir.path(),
                      QStringLiteral("--logfile"), log,
                      QStringLiteral("--daemonize"), QStringLiteral("no"),
                      // DEBUG SLEEP, for tests of a slow server.
                      QStringLiteral("--enable-debug-command"), QStringLiteral("local")});
    if (!m_process->waitForStarted(kStartTimeoutMs)) {
        m_error = QStringLiteral("cannot start redis-server: %1").arg(m_process->errorString());
        m_process.reset();
        return false;
    }
    m_frozen = false;
    if (waitUntilAnswering(kStartTimeoutMs))
        return true;
    m_error = QStringLiteral("redis-server on port %1 did not answer PING within %2 ms; "
                             "its log:\n%3")
                  .arg(m_port)
                  .arg(kStartTimeoutMs)
                  .arg(logTail());
    stop();
    return false;
}

bool RedisTestServer::waitUntilAnswering(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (m_process->state() != QProcess::Running)
            return false;
        // A raw probe: the sync client would log every refused connection while it starts.
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        if (socket.waitForConnected(200)) {
            socket.write("PING\r\n");
            QByteArray answer;
            while (!answer.contains('\n') && socket.waitForReadyRead(200))
                answer += socket.readAll();
            if (answer.startsWith("+PONG"))
                return true;
        }
        QThread::msleep(20);
    }
    return false;
}

QString RedisTestServer::logTail() const
{
    QString text;
    for (const char *name : {"redis.log", "redis.stderr"}) {
        QFile file(m_dir.filePath(QLatin1String(name)));
        if (file.open(QIODevice::ReadOnly))
            text += QString::fromUtf8(file.readAll().right(4000));
    }
    return text;
}

void RedisTestServer::stop()
{
    if (!m_process)
        return;
    if (m_process->state() != QProcess::NotRunning) {
        if (m_frozen)
            m_process->kill(); // SIGCONT would let it answer what it had read
        else
            m_process->terminate();
        if (!m_process->waitForFinished(5000)) {
            m_process->kill();
            m_process->waitForFinished(5000);
        }
    }
    m_frozen = false;
    m_process.reset();
}

bool RedisTestServer::freeze()
{
    if (!isRunning() || ::kill(pid_t(m_process->processId()), SIGSTOP) != 0)
        return false;
    m_frozen = true;
    // Stopped once the kernel says so, not when the signal is merely sent.
    const QDeadlineTimer deadline(2000);
    while (processState(m_process->processId()) != 'T') {
        if (deadline.hasExpired())
            return false;
        QThread::msleep(1);
    }
    return true;
}

bool RedisTestServer::thaw()
{
    if (!isRunning() || ::kill(pid_t(m_process->processId()), SIGCONT) != 0)
        return false;
    m_frozen = false;
    return true;
}

bool RedisTestServer::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

QString RedisTestServer::url(int db) const
{
    return QStringLiteral("redis://127.0.0.1:%1/%2").arg(m_port).arg(db);
}

RedisEndpoint RedisTestServer::endpoint(int db) const
{
    return *RedisEndpoint::parse(url(db));
}

RedisReply RedisTestServer::command(const QList<QByteArray> &words, int db, int timeoutMs) const
{
    return RedisSyncClient::command(endpoint(db), words, timeoutMs);
}

} // namespace portico::test
