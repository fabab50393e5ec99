#pragma once

#include "net/ByteStream.h"
#include "net/SocketWatch.h"

#include <QByteArray>
#include <QObject>
#include <QString>

#include <memory>

using SSL = struct ssl_st;

namespace portico {

class TlsClientContext;

// TLS to an upstream (client side) on a non-blocking descriptor, driven by socket notifiers
// like TcpStream: a TCP connect, then the handshake (SNI, the peer's chain and name verified as
// the context says, a kept session resumed), then SSL_read/SSL_write. The owner sees it
// connected once the handshake is done. When it fails, failure() says why in OpenSSL's words
// ("certificate verify failed (self-signed certificate)").
class TlsClientStream final : public QObject, public ByteStream
{
    Q_OBJECT
public:
    explicit TlsClientStream(std::shared_ptr<const TlsClientContext> context,
                             QObject *parent = nullptr);
    ~TlsClientStream() override;

    // Starts a non-blocking connect to `address`, then the handshake for `host` (the target's
    // host: the SNI and verified name unless the context names another). onStreamConnected or
    // onStreamClosed follows.
    void connectTo(const QHostAddress &address, quint16 port, const QString &host);
    // Why the handshake or a later TLS record failed; empty when nothing TLS went wrong.
    const QString &failure() const { return m_failure; }
    bool failedInHandshake() const { return m_failedInHandshake; }

    void setHandler(ByteStreamHandler *handler) override { m_handler = handler; }
    qint64 read(char *buffer, qint64 capacity) override;
    bool write(QByteArrayView data) override;
    qint64 bytesToWrite() const override { return m_out.size() - m_outPos; }
    void setReadEnabled(bool enabled) override;
    bool closeWhenFlushed() override;
    void shutdownWrite() override;
    void abort() override;
    bool isOpen() const override { return m_fd >= 0; }
    bool isConnected() const override { return m_fd >= 0 && m_state == State::Open; }
    QHostAddress peerAddress() const override;
    quint16 peerPort() const override;
    QByteArray tlsDescription() const override;

private:
    enum class State { Idle, Connecting, Handshaking, Open, Closed };

    void onReadActivated();
    void onWriteActivated();
    void startHandshake();
    void continueHandshake();
    // Sends from the queue through TLS; false when the stream failed.
    bool flushQueue();
    // What OpenSSL wants after a call that returned `result`: wait for reading or writing (true)
    // or give up (false, the error queue left for noteFailure).
    bool wantsMore(int result);
    // Keeps OpenSSL's reason for a failed call, then empties its error queue.
    void noteFailure(int result);
    // After a failed write: a socket error is no TLS failure unless an alert explains it.
    void noteWriteFailure(int result);
    void updateNotifiers();
    void sendCloseNotify();
    // Sends close_notify first when the connection is open and sound.
    void closeDescriptor();
    void fail(StreamError error);
    // Data already decrypted and waiting inside OpenSSL announces itself no other way.
    void announceBufferedInput();

    int m_fd = -1;
    SSL *m_ssl = nullptr;
    std::shared_ptr<const TlsClientContext> m_context;
    QString m_peerName;  // the name sent as SNI and verified
    QByteArray m_target; // "host:port": whose session is kept and resumed
    State m_state = State::Idle;
    SocketWatch m_watch;
    ByteStreamHandler *m_handler = nullptr;
    QByteArray m_out;
    qsizetype m_outPos = 0;
    QString m_failure;
    bool m_failedInHandshake = false;
    bool m_broken = false; // a TLS or socket error: no close_notify, no resumption
    bool m_readEnabled = true;
    bool m_wantWrite = false; // OpenSSL waits for the socket to take more
    bool m_readEnded = false; // close_notify, end of stream or error seen by read()
    bool m_closeWhenFlushed = false;
    bool m_shutdownPending = false;
    bool m_announcePending = false;
    bool m_failurePending = false;
};

} // namespace portico
