#pragma once

#include "net/ByteStream.h"
#include "net/SocketWatch.h"

#include <QByteArray>
#include <QObject>

using SSL = struct ssl_st;

namespace portico {

class TlsFailureReason;

// What the server (TlsStream) and client (TlsClientStream) TLS streams share: an SSL on a
// non-blocking descriptor watched by notifiers like TcpStream's, reads through SSL_read, a write
// queue flushed through SSL_write, close_notify and the close. A subclass sets up the descriptor
// and the SSL, wires the notifiers to its own handlers and reports the handshake's end. Nothing
// here is virtual beyond ByteStream, and its overrides are final, so calls inside stay direct.
class TlsStreamBase : public QObject, public ByteStream
{
    Q_OBJECT
public:
    void setHandler(ByteStreamHandler *handler) final { m_handler = handler; }
    qint64 read(char *buffer, qint64 capacity) final;
    bool write(QByteArrayView data) final;
    qint64 bytesToWrite() const final { return m_out.size() - m_outPos; }
    void setReadEnabled(bool enabled) final;
    bool closeWhenFlushed() final;
    void shutdownWrite() final;
    void abort() final { closeDescriptor(); }
    bool isOpen() const final { return m_fd >= 0; }
    bool isConnected() const final { return m_fd >= 0 && m_state == State::Open; }
    QHostAddress peerAddress() const final;
    quint16 peerPort() const final;
    QByteArray tlsDescription() const final;

protected:
    enum class State { Idle, Connecting, Handshaking, Open, Closed };
    // When close_notify goes out besides shutdownWrite(). The server sends it when it closes
    // gracefully. The client sends it once, whenever it puts down a connection that is still
    // sound (even an aborted one): OpenSSL resumes no session that ended without it.
    enum class CloseNotify { OnGracefulClose, WhileSound };

    TlsStreamBase(CloseNotify closeNotify, QObject *parent);

    // Where a client keeps why its TLS failed; none on the server.
    void keepFailureReasonIn(TlsFailureReason *reason) { m_failureReason = reason; }
    // Runs the handshake as far as it goes now. True once it is done and what was queued during
    // it went out: the subclass reports it. False while it waits, or when it failed (closed, and
    // the handler told).
    bool advanceHandshake();
    // While open, the descriptor takes more: flushes the queue, then finishes a pending shutdown
    // or close, or reports the queue drained.
    void flushWhenWritable();
    void reportReadable()
    {
        if (m_state == State::Open && m_handler)
            m_handler->onStreamReadable();
    }
    void updateNotifiers();
    void fail(StreamError error);
    void closeDescriptor();

    int m_fd = -1;
    SSL *m_ssl = nullptr;
    State m_state = State::Idle;
    SocketWatch m_watch;
    ByteStreamHandler *m_handler = nullptr;

private:
    // Sends from the queue through TLS; false when the stream failed.
    bool flushQueue();
    // What OpenSSL wants after a call that returned `result`: wait for reading or writing (true)
    // or give up (false, the error queue left for noteFailure).
    bool wantsMore(int result);
    // After a failed call: the connection is no longer sound, a client keeps OpenSSL's reason,
    // and the error queue is emptied for the next stream of this thread.
    void noteFailure(int result);
    void noteWriteFailure(int result);
    // Closes once everything went out, with close_notify as the policy says.
    void closeGracefully();
    void sendCloseNotify();
    // Data already decrypted and waiting inside OpenSSL announces itself no other way.
    void announceBufferedInput();

    const CloseNotify m_closeNotify;
    TlsFailureReason *m_failureReason = nullptr;
    QByteArray m_out;
    qsizetype m_outPos = 0;
    bool m_broken = false; // a TLS or socket error: no close_notify, no resumption (client)
    bool m_readEnabled = true;
    bool m_wantWrite = false; // OpenSSL waits for the socket to take more
    bool m_readEnded = false; // close_notify, end of stream or error seen by read()
    bool m_closeWhenFlushed = false;
    bool m_shutdownPending = false;
    bool m_announcePending = false;
    bool m_failurePending = false;
};

} // namespace portico
