#pragma once

#include "policy/rate_limit/RedisEndpoint.h"
#include "policy/rate_limit/RedisReply.h"

#include <QByteArray>
#include <QList>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace portico::test {

// A real redis-server for a test, on a free 127.0.0.1 port, with no persistence (its files in
// a temporary directory), started by start() and stopped by stop() or the destructor. Never
// the machine's own Redis: a test asserting against it must fail, not skip, when the binary
// is missing (scripts/setup.sh installs it). Blocking calls; not a QObject.
class RedisTestServer
{
public:
    RedisTestServer();
    ~RedisTestServer();
    RedisTestServer(const RedisTestServer &) = delete;
    RedisTestServer &operator=(const RedisTestServer &) = delete;

    // Starts it and waits (a few seconds at most) until it answers PING. The first start
    // picks the port; later ones (after stop()) reuse it. False and errorString() on failure.
    bool start();
    // Stops it (SIGTERM; SIGKILL when frozen, so nothing it had buffered is answered).
    void stop();
    // SIGSTOP and SIGCONT: a server that accepts connections and answers nothing meanwhile.
    bool freeze();
    bool thaw();

    bool isRunning() const;
    QString errorString() const { return m_error; }
    quint16 port() const { return m_port; }
    QString url(int db = 0) const; // redis://127.0.0.1:PORT/DB
    RedisEndpoint endpoint(int db = 0) const;

    // A command on a connection of its own, for assertions: command({"GET", "key"}).
    RedisReply command(const QList<QByteArray> &words, int db = 0, int timeoutMs = 3000) const;

private:
    bool startOnce();
    bool waitUntilAnswering(int timeoutMs);
    QString logTail() const;

    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
    bool m_frozen = false;
    QString m_error;
};

} // namespace portico::test
