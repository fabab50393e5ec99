#pragma once

#include "net/ByteStream.h"
#include "net/SocketWatch.h"

#include <QByteArray>
#include <QObject>

#include <memory>

using SSL = struct ssl_st;

namespace portico {

class TlsServerContext;

// TLS on an accepted, non-blocking descriptor (server side), driven by socket notifiers like
// TcpStream. The handshake runs first, by itself; the owner sees the stream readable once
// application data arrives. A client that speaks plain HTTP to it gets a short 400 in plain
// text and the connection closes; the owner sees it closed. A handshake that never finishes is
// closed by the owner's request-head timeout, as a silent plain connection is.
class TlsStream final : public QObject, public ByteStream
{
    Q_OBJECT
public:
    TlsStream(qintptr descriptor, std::shared_ptr<const TlsServerContext> context,
              QObject *parent = nullptr);
    ~TlsStream() override;

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
    enum class State { Handshaking, Open, Closed };

    void onReadActivated();
    void onWriteActivated();
    // Runs the handshake as far as it goes now.
    void continueHandshake();
    // True (and answered) when the first bytes are plain HTTP rather than a TLS record.
    bool answeredPlainHttp();
    // Sends from the queue through TLS; false when the stream failed.
    bool flushQueue();
    // What OpenSSL wants after a call that returned `result`: wait for reading or writing (true)
    // or give up (false).
    bool wantsMore(int result);
    void updateNotifiers();
    void sendCloseNotify();
    void closeDescriptor();
    void fail(StreamError error);
    // Data already decrypted and waiting inside OpenSSL announces itself no other way.
    void announceBufferedInput();

    int m_fd = -1;
    SSL *m_ssl = nullptr;
    std::shared_ptr<const TlsServerContext> m_context;
    State m_state = State::Handshaking;
    SocketWatch m_watch;
    ByteStreamHandler *m_handler = nullptr;
    QByteArray m_out;
    qsizetype m_outPos = 0;
    bool m_readEnabled = true;
    bool m_wantWrite = false;         // OpenSSL waits for the socket to take more
    bool m_readEnded = false;         // close_notify, end of stream or error seen by read()
    bool m_closeWhenFlushed = false;
    bool m_shutdownPending = false;
    bool m_announcePending = false;
    bool m_failurePending = false;
};

} // namespace portico
