#pragma once

#include <QAbstractSocket>
#include <QByteArray>
#include <QObject>

class QTcpSocket;

namespace portico {

// Receives the events of an upstream connection while a request uses it.
class UpstreamHandler
{
public:
    virtual ~UpstreamHandler() = default;
    virtual void onUpstreamConnected() = 0;
    virtual void onUpstreamReadyRead() = 0;
    virtual void onUpstreamBytesWritten() = 0;
    virtual void onUpstreamClosed(QAbstractSocket::SocketError error) = 0;
};

// One keep-alive connection to an upstream target, on one worker thread. Its socket signals are
// wired once; they go to the current handler (a request) or, while it idles in the pool, to the
// pool, which drops it when the target closes it.
class UpstreamConnection : public QObject
{
    Q_OBJECT
public:
    UpstreamConnection(QByteArray key, QObject *parent = nullptr);
    ~UpstreamConnection() override;

    void connectTo(const QString &host, quint16 port);
    QTcpSocket *socket() const { return m_socket; }
    const QByteArray &key() const { return m_key; }
    bool isConnected() const;
    // True once it has served a request and went back to the pool.
    bool isReused() const { return m_reused; }
    void markReused() { m_reused = true; }

    void setHandler(UpstreamHandler *handler) { m_handler = handler; }
    UpstreamHandler *handler() const { return m_handler; }
    qint64 idleSinceMs() const { return m_idleSinceMs; }
    void setIdleSinceMs(qint64 ms) { m_idleSinceMs = ms; }

Q_SIGNALS:
    // Emitted when the connection dies or speaks while no request holds it.
    void idleConnectionLost(portico::UpstreamConnection *connection);

private:
    void handleConnected();
    void handleReadyRead();
    void handleBytesWritten();
    void handleError(QAbstractSocket::SocketError error);
    void handleDisconnected();

    QTcpSocket *m_socket;
    QByteArray m_key;
    UpstreamHandler *m_handler = nullptr;
    bool m_reused = false;
    bool m_closedReported = false;
    qint64 m_idleSinceMs = 0;
};

} // namespace portico
