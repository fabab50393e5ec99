#pragma once

#include "net/ByteStream.h"

#include <QByteArray>
#include <QObject>
#include <QString>

#include <memory>

class QHostInfo;

namespace portico {

class TcpStream;
class TlsClientContext;
class TlsClientStream;

// Receives the events of an upstream connection while a request uses it.
class UpstreamHandler
{
public:
    virtual ~UpstreamHandler() = default;
    virtual void onUpstreamConnected() = 0;
    virtual void onUpstreamReadyRead() = 0;
    virtual void onUpstreamBytesWritten() = 0;
    virtual void onUpstreamClosed(StreamError error) = 0;
};

// One keep-alive connection to an upstream target, on one worker thread. Its stream's events go
// to the current handler (a request) or, while it idles in the pool, to the pool, which drops it
// when the target closes it or speaks out of turn.
class UpstreamConnection : public QObject, private ByteStreamHandler
{
    Q_OBJECT
public:
    // Speaks TLS when given a context (an https:// target), plain TCP otherwise.
    UpstreamConnection(QByteArray key, std::shared_ptr<const TlsClientContext> tls,
                       QObject *parent = nullptr);
    ~UpstreamConnection() override;

    // Resolves the host when it is a name (asynchronously), then connects (and, for TLS,
    // shakes hands: it is connected once that is done).
    void connectTo(const QString &host, quint16 port);
    ByteStream &stream();
    // Why TLS failed ("certificate verify failed (...)"); empty for plain TCP or no TLS failure.
    QString tlsFailure() const;
    bool tlsFailedInHandshake() const;
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
    void onHostLookedUp(const QHostInfo &info);
    void onStreamConnected() override;
    void onStreamReadable() override;
    void onStreamDrained() override;
    void onStreamClosed(StreamError error) override;
    void connectStream(const QHostAddress &address);

    TcpStream *m_tcp = nullptr;
    TlsClientStream *m_tls = nullptr;
    ByteStream *m_stream; // the one of the two in use
    QByteArray m_key;
    QString m_host;
    quint16 m_port = 0;
    UpstreamHandler *m_handler = nullptr;
    bool m_reused = false;
    bool m_closedReported = false;
    qint64 m_idleSinceMs = 0;
};

} // namespace portico
