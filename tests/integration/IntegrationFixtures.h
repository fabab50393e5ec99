#pragma once

// Header-only helpers shared by the proxy integration tests (tests/integration/tst_proxy_*.cpp):
// building configurations, running the engine in-process, a port that refuses connections, a
// minimal origin on a chosen port, client threads for load, and streaming uploads/downloads.

#include "RawHttpClient.h"
#include "TestBackend.h"
#include "config/ApiKeys.h"
#include "config/Config.h"
#include "net/GatewayEngine.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QRegularExpression>
#include <QStringList>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace portico::test {

// ---------------------------------------------------------------------------------------------
// Configuration builders

inline Config baseConfig()
{
    Config c;
    c.settings.listen = QStringLiteral("127.0.0.1:0");
    c.settings.workers = 2;
    return c;
}

inline ServiceConfig makeService(const QString &name, const QStringList &urls,
                                 const std::vector<int> &weights = {})
{
    ServiceConfig s;
    s.name = name;
    for (int i = 0; i < urls.size(); ++i) {
        TargetConfig t;
        t.url = urls[i];
        t.weight = size_t(i) < weights.size() ? weights[size_t(i)] : 100;
        s.targets.push_back(t);
    }
    return s;
}

inline RouteConfig makeRoute(const QString &name, const QStringList &paths, const QString &service)
{
    RouteConfig r;
    r.name = name;
    r.paths = paths;
    r.service = service;
    return r;
}

// A consumer with one API key (stored as the store keeps it, created at a fixed time).
inline ConsumerConfig makeConsumer(const QString &name, const QByteArray &plaintextKey)
{
    ConsumerConfig c;
    c.name = name;
    c.keys = {storedApiKey(QString::fromLatin1(plaintextKey),
                           QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC))};
    return c;
}

// One service "svc" with the given targets and one catch-all route "all" to it.
inline Config singleServiceConfig(const QStringList &urls)
{
    Config c = baseConfig();
    c.services.push_back(makeService(QStringLiteral("svc"), urls));
    c.routes.push_back(makeRoute(QStringLiteral("all"), {QStringLiteral("/")}, QStringLiteral("svc")));
    return c;
}

inline QString errorsText(const ConfigErrors &errors)
{
    QStringList out;
    for (const ConfigError &e : errors)
        out << e.toString();
    return out.join(QStringLiteral("; "));
}

// ---------------------------------------------------------------------------------------------
// Ports

// A loopback port that nothing listens on: bound, read, closed. Connecting to it is refused.
inline quint16 closedPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}

inline QString urlForPort(quint16 port)
{
    return QStringLiteral("http://127.0.0.1:%1").arg(port);
}

// A loopback port where connecting hangs: it listens with a backlog of 0 and its accept queue is
// already full (one connection, never accepted), so the kernel drops further SYNs and a connect
// attempt neither succeeds nor is refused until the connector gives up.
class BlackholePort
{
public:
    BlackholePort()
    {
        m_listener = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (m_listener < 0 || ::bind(m_listener, reinterpret_cast<sockaddr *>(&addr), len) != 0
            || ::listen(m_listener, 0) != 0
            || ::getsockname(m_listener, reinterpret_cast<sockaddr *>(&addr), &len) != 0)
            return;
        m_port = ntohs(addr.sin_port);
        m_filler = ::socket(AF_INET, SOCK_STREAM, 0); // fills the queue
        if (m_filler < 0 || ::connect(m_filler, reinterpret_cast<sockaddr *>(&addr), len) != 0)
            m_port = 0;
    }
    ~BlackholePort()
    {
        if (m_filler >= 0)
            ::close(m_filler);
        if (m_listener >= 0)
            ::close(m_listener);
    }
    BlackholePort(const BlackholePort &) = delete;
    BlackholePort &operator=(const BlackholePort &) = delete;
    quint16 port() const { return m_port; }
    QString url() const { return urlForPort(m_port); }

private:
    int m_listener = -1;
    int m_filler = -1;
    quint16 m_port = 0;
};

// A minimal origin for what TestBackend cannot do: a port chosen by the test, canned (even
// malformed) responses, closing a kept-alive connection behind the gateway's back. It is served
// by the thread that creates it, so it works while that thread spins its event loop, which
// RawHttpClient does while it waits. Each request head gets `response` (request bodies are not
// supported); then the connection is closed after `closeAfterMs` (-1: kept open).
class ScriptedOrigin
{
public:
    static QByteArray okResponse(const QByteArray &name)
    {
        return "HTTP/1.1 200 OK\r\nX-Backend: " + name + "\r\nContent-Length: 2\r\n\r\nok";
    }

    explicit ScriptedOrigin(quint16 port = 0, QByteArray response = okResponse("scripted"),
                            int closeAfterMs = -1)
        : m_response(std::move(response))
        , m_closeAfterMs(closeAfterMs)
    {
        m_listening = m_server.listen(QHostAddress::LocalHost, port);
        QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                ++m_connections;
                QObject::connect(socket, &QTcpSocket::disconnected, socket, [this, socket] {
                    m_buffers.remove(socket);
                    socket->deleteLater();
                });
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                    QByteArray &buffer = m_buffers[socket];
                    buffer += socket->readAll();
                    qsizetype end;
                    while ((end = buffer.indexOf("\r\n\r\n")) >= 0) {
                        buffer.remove(0, end + 4);
                        ++m_requests;
                        socket->write(m_response);
                        socket->flush();
                        if (m_closeAfterMs == 0) {
                            socket->disconnectFromHost();
                            break;
                        }
                        if (m_closeAfterMs > 0) {
                            QTimer::singleShot(m_closeAfterMs, socket,
                                               [socket] { socket->disconnectFromHost(); });
                        }
                    }
                });
            }
        });
    }
    bool isListening() const { return m_listening; }
    quint16 port() const { return m_server.serverPort(); }
    QString url() const { return urlForPort(port()); }
    int requestCount() const { return m_requests; }
    int connectionCount() const { return m_connections; }

private:
    QByteArray m_response;
    int m_closeAfterMs = -1;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    bool m_listening = false;
    int m_requests = 0;
    int m_connections = 0;
    QTcpServer m_server; // last: destroyed first, its sockets' slots still see the members
};

// ---------------------------------------------------------------------------------------------
// Threads

// Runs `body` on a QThread of its own (which has an event loop dispatcher, so RawHttpClient can
// wait there). Joined on destruction.
class TestThread
{
public:
    explicit TestThread(std::function<void()> body)
        : m_thread(QThread::create(std::move(body)))
    {
        m_thread->start();
    }
    ~TestThread() { join(); }
    bool join(int timeoutMs = 60000)
    {
        if (!m_thread)
            return true;
        const bool done = m_thread->wait(QDeadlineTimer(timeoutMs));
        if (done)
            m_thread.reset();
        return done;
    }

private:
    std::unique_ptr<QThread> m_thread;
};

// ---------------------------------------------------------------------------------------------
// Bodies

inline QByteArray sha256Hex(QByteArrayView data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

// Streams a Content-Length upload of pattern() bytes to /sink-like paths on an open client,
// piece by piece (send() waits until each piece is with the kernel, so the gateway's
// back-pressure is felt here), then reads the (small) response, body included. Returns it
// (ok=false on failure).
inline RawResponse streamUpload(RawHttpClient &client, const QByteArray &path, qint64 size,
                                int timeoutMs = 120000)
{
    RawResponse failed;
    const QByteArray head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:"
        + QByteArray::number(client.port()) + "\r\nContent-Type: application/octet-stream"
        + "\r\nContent-Length: " + QByteArray::number(size) + "\r\n\r\n";
    const QDeadlineTimer deadline(timeoutMs);
    if (!client.send(head)) {
        failed.error = QStringLiteral("head not sent");
        return failed;
    }
    constexpr qint64 kPiece = 1024 * 1024;
    for (qint64 off = 0; off < size; off += kPiece) {
        if (!client.send(TestBackend::pattern(off, qMin(kPiece, size - off)),
                         int(qMax<qint64>(1, deadline.remainingTime())))) {
            failed.error = QStringLiteral("body stalled at %1 bytes").arg(off);
            return failed;
        }
    }
    return client.readResponse(int(qMax<qint64>(1, deadline.remainingTime())));
}

// Same as streamUpload with chunked framing (pieces of 1 MiB, each its own chunk).
inline RawResponse streamChunkedUpload(RawHttpClient &client, const QByteArray &path, qint64 size,
                                       int timeoutMs = 120000)
{
    RawResponse failed;
    const QByteArray head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:"
        + QByteArray::number(client.port()) + "\r\nTransfer-Encoding: chunked\r\n\r\n";
    const QDeadlineTimer deadline(timeoutMs);
    if (!client.send(head)) {
        failed.error = QStringLiteral("head not sent");
        return failed;
    }
    constexpr qint64 kPiece = 1024 * 1024;
    for (qint64 off = 0; off < size; off += kPiece) {
        const QByteArray piece = TestBackend::pattern(off, qMin(kPiece, size - off));
        if (!client.send(QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n",
                         int(qMax<qint64>(1, deadline.remainingTime())))) {
            failed.error = QStringLiteral("body stalled at %1 bytes").arg(off);
            return failed;
        }
    }
    if (!client.send("0\r\n\r\n")) {
        failed.error = QStringLiteral("last chunk not sent");
        return failed;
    }
    return client.readResponse(int(qMax<qint64>(1, deadline.remainingTime())));
}

// A download read straight from a QTcpSocket, without RawHttpClient's parser, so a test can read
// it as slowly as it likes. Only for Content-Length responses.
class SlowDownload
{
public:
    // Sends GET `path` on a fresh connection; the socket's read buffer is capped, so bytes the
    // test has not read stay in the kernel and TCP flow control pushes back on the sender.
    bool start(quint16 port, const QByteArray &path, int timeoutMs = 5000)
    {
        m_socket = std::make_unique<QTcpSocket>();
        m_socket->setReadBufferSize(64 * 1024);
        m_socket->connectToHost(QHostAddress::LocalHost, port);
        if (!m_socket->waitForConnected(timeoutMs))
            return false;
        m_socket->write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        return m_socket->waitForBytesWritten(timeoutMs);
    }

    // Reads at most `maxBytes` (waiting up to timeoutMs for some); false on close or error.
    bool readSome(qint64 maxBytes, int timeoutMs = 5000)
    {
        if (m_socket->bytesAvailable() == 0 && !m_socket->waitForReadyRead(timeoutMs))
            return false;
        const QByteArray data = m_socket->read(maxBytes);
        if (m_contentLength < 0) {
            m_head += data;
            const qsizetype end = m_head.indexOf("\r\n\r\n");
            if (end < 0)
                return m_head.size() < 64 * 1024;
            static const QRegularExpression kStatus(QStringLiteral("^HTTP/1\\.1 (\\d{3})"));
            static const QRegularExpression kLength(
                QStringLiteral("\\r\\ncontent-length: *(\\d+)"),
                QRegularExpression::CaseInsensitiveOption);
            const QString headText = QString::fromLatin1(m_head.first(end + 2));
            m_status = kStatus.match(headText).captured(1).toInt();
            const auto length = kLength.match(headText);
            m_contentLength = length.hasMatch() ? length.captured(1).toLongLong() : 0;
            consume(QByteArrayView(m_head).sliced(end + 4));
            m_head.clear();
        } else {
            consume(data);
        }
        return true;
    }

    void setReadBufferSize(qint64 bytes) { m_socket->setReadBufferSize(bytes); }

    // Reads the rest as fast as it comes.
    bool readToEnd(int timeoutMs = 120000)
    {
        const QDeadlineTimer deadline(timeoutMs);
        while (!isComplete()) {
            if (deadline.hasExpired()
                || !readSome(1024 * 1024, int(qMax<qint64>(1, deadline.remainingTime()))))
                return false;
        }
        return true;
    }

    bool isComplete() const { return m_contentLength >= 0 && m_received >= m_contentLength; }
    int status() const { return m_status; }
    qint64 contentLength() const { return m_contentLength; }
    qint64 received() const { return m_received; }
    QByteArray sha256() { return m_hash.result().toHex(); }

private:
    void consume(QByteArrayView data)
    {
        m_received += data.size();
        m_hash.addData(data);
    }

    std::unique_ptr<QTcpSocket> m_socket;
    QByteArray m_head;
    int m_status = 0;
    qint64 m_contentLength = -1;
    qint64 m_received = 0;
    QCryptographicHash m_hash{QCryptographicHash::Sha256};
};

} // namespace portico::test

// Starts an engine in a test function, failing the test with the configuration errors if any.
#define START_ENGINE(engine, config)                                                            \
    do {                                                                                        \
        portico::ConfigErrors startErrors;                                                      \
        QVERIFY2((engine).start((config), &startErrors),                                        \
                 qPrintable(portico::test::errorsText(startErrors)));                           \
    } while (false)
