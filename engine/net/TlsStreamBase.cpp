#include "TlsStreamBase.h"

#include "net/SocketPeer.h"
#include "net/TlsFailureReason.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <climits>
#include <sys/socket.h>
#include <unistd.h>

namespace portico {

namespace {

int clampToInt(qint64 n)
{
    return int(std::min<qint64>(n, INT_MAX));
}

// OpenSSL's error queue is per thread, and SSL_get_error() reads it: an entry left by another
// connection of this worker would turn this one's "want read" into a failure. Emptied before
// every call that may fail.
void clearErrors()
{
    ERR_clear_error();
}

} // namespace

TlsStreamBase::TlsStreamBase(CloseNotify closeNotify, QObject *parent)
    : QObject(parent)
    , m_closeNotify(closeNotify)
{
}

QByteArray TlsStreamBase::tlsDescription() const
{
    if (!m_ssl || m_state != State::Open)
        return {};
    return QByteArray(SSL_get_version(m_ssl)) + ' ' + SSL_get_cipher_name(m_ssl);
}

bool TlsStreamBase::advanceHandshake()
{
    clearErrors();
    const int result = SSL_do_handshake(m_ssl);
    if (result == 1) {
        m_state = State::Open;
        m_wantWrite = false;
        updateNotifiers();
        if (bytesToWrite() > 0 && !flushQueue()) {
            fail(StreamError::Reset);
            return false;
        }
        return true;
    }
    if (!wantsMore(result)) {
        // A protocol version or cipher the policy refuses, a certificate not trusted, garbage.
        if (m_failureReason)
            m_failureReason->noteInHandshake();
        noteFailure(result);
        fail(StreamError::Other);
    }
    return false;
}

bool TlsStreamBase::wantsMore(int result)
{
    switch (SSL_get_error(m_ssl, result)) {
    case SSL_ERROR_WANT_READ:
        m_wantWrite = false;
        updateNotifiers();
        return true;
    case SSL_ERROR_WANT_WRITE:
        m_wantWrite = true;
        updateNotifiers();
        return true;
    default: return false;
    }
}

void TlsStreamBase::noteFailure(int result)
{
    m_broken = true;
    if (m_failureReason)
        m_failureReason->note(m_ssl, result);
    clearErrors(); // leave nothing for the next stream of this thread
}

void TlsStreamBase::noteWriteFailure(int result)
{
    m_broken = true;
    if (m_failureReason)
        m_failureReason->noteWrite(m_ssl, result);
    clearErrors();
}

void TlsStreamBase::updateNotifiers()
{
    if (m_fd < 0 || m_state == State::Connecting)
        return;
    const bool reading = m_state == State::Handshaking
        || (m_state == State::Open && m_readEnabled && !m_readEnded && !m_closeWhenFlushed);
    m_watch.setReading(reading);
    m_watch.setWriting(m_wantWrite || (m_state == State::Open && bytesToWrite() > 0));
}

qint64 TlsStreamBase::read(char *buffer, qint64 capacity)
{
    if (m_fd < 0 || m_readEnded)
        return kClosed;
    if (m_state != State::Open)
        return 0;
    clearErrors();
    const int n = SSL_read(m_ssl, buffer, clampToInt(capacity));
    if (n > 0) {
        if (SSL_pending(m_ssl) > 0)
            announceBufferedInput();
        return n;
    }
    const int error = SSL_get_error(m_ssl, n);
    if (error == SSL_ERROR_WANT_READ)
        return 0; // a record without application data (a session ticket), or half a record
    if (error == SSL_ERROR_WANT_WRITE) {
        m_wantWrite = true;
        updateNotifiers();
        return 0;
    }
    // close_notify, the end of the stream or an error (a TLS 1.3 server's alert refusing our
    // certificate arrives here, after our side of the handshake finished): stop watching input.
    if (error == SSL_ERROR_SSL)
        noteFailure(n);
    else if (error != SSL_ERROR_ZERO_RETURN)
        m_broken = true; // ended without close_notify: its session is not resumed
    clearErrors();
    m_readEnded = true;
    updateNotifiers();
    return kClosed;
}

void TlsStreamBase::announceBufferedInput()
{
    if (m_announcePending)
        return;
    m_announcePending = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_announcePending = false;
            if (m_state == State::Open && m_readEnabled && m_handler)
                m_handler->onStreamReadable();
        },
        Qt::QueuedConnection);
}

bool TlsStreamBase::write(QByteArrayView data)
{
    if (m_fd < 0 && m_state != State::Idle) // a client queues before it connects
        return false;
    if (data.isEmpty())
        return true;
    if (m_state != State::Open || bytesToWrite() > 0) {
        m_out.append(data.data(), data.size());
        return true;
    }
    clearErrors();
    const int n = SSL_write(m_ssl, data.data(), clampToInt(data.size()));
    if (n > 0) {
        if (n < data.size()) {
            m_out.append(data.data() + n, data.size() - n);
            updateNotifiers();
        }
        return true;
    }
    if (wantsMore(n)) {
        m_out.append(data.data(), data.size());
        updateNotifiers();
        return true;
    }
    noteWriteFailure(n);
    if (!m_failurePending) { // reported from the event loop, never from inside write()
        m_failurePending = true;
        QMetaObject::invokeMethod(
            this,
            [this] {
                if (m_fd >= 0)
                    fail(StreamError::Reset);
            },
            Qt::QueuedConnection);
    }
    return false;
}

bool TlsStreamBase::flushQueue()
{
    while (bytesToWrite() > 0) {
        clearErrors();
        const int n = SSL_write(m_ssl, m_out.constData() + m_outPos, clampToInt(bytesToWrite()));
        if (n <= 0) {
            if (wantsMore(n))
                return true;
            noteWriteFailure(n);
            return false;
        }
        m_outPos += n;
    }
    m_out.clear();
    m_outPos = 0;
    m_wantWrite = false;
    updateNotifiers();
    return true;
}

void TlsStreamBase::flushWhenWritable()
{
    if (m_state != State::Open)
        return;
    if (!flushQueue()) {
        fail(StreamError::Reset);
        return;
    }
    if (bytesToWrite() > 0)
        return;
    if (m_shutdownPending) {
        m_shutdownPending = false;
        sendCloseNotify();
        ::shutdown(m_fd, SHUT_WR);
    }
    if (m_closeWhenFlushed) {
        closeGracefully();
        if (m_handler)
            m_handler->onStreamClosed(StreamError::None);
        return;
    }
    if (m_handler)
        m_handler->onStreamDrained();
}

void TlsStreamBase::setReadEnabled(bool enabled)
{
    m_readEnabled = enabled;
    updateNotifiers();
    if (enabled && m_state == State::Open && SSL_pending(m_ssl) > 0)
        announceBufferedInput();
}

bool TlsStreamBase::closeWhenFlushed()
{
    if (m_fd < 0)
        return true;
    if (m_state != State::Open || bytesToWrite() == 0) {
        closeGracefully();
        return true;
    }
    m_closeWhenFlushed = true;
    updateNotifiers();
    return false;
}

void TlsStreamBase::shutdownWrite()
{
    if (m_fd < 0)
        return;
    if (bytesToWrite() > 0) {
        m_shutdownPending = true;
        return;
    }
    if (m_state == State::Open)
        sendCloseNotify();
    ::shutdown(m_fd, SHUT_WR);
}

void TlsStreamBase::closeGracefully()
{
    if (m_closeNotify == CloseNotify::OnGracefulClose && m_state == State::Open)
        sendCloseNotify();
    closeDescriptor(); // the client's sends it here
}

void TlsStreamBase::sendCloseNotify()
{
    // The peer's close_notify is not waited for (RFC 8446 6.1 allows it); a peer already gone
    // makes this fail, which changes nothing. The client's is sent once.
    if (m_closeNotify == CloseNotify::WhileSound && (SSL_get_shutdown(m_ssl) & SSL_SENT_SHUTDOWN))
        return;
    clearErrors();
    SSL_shutdown(m_ssl);
    clearErrors();
}

void TlsStreamBase::fail(StreamError error)
{
    if (error != StreamError::None)
        m_broken = true;
    closeDescriptor();
    if (m_handler)
        m_handler->onStreamClosed(error);
}

void TlsStreamBase::closeDescriptor()
{
    const bool wasOpen = m_state == State::Open;
    m_state = State::Closed;
    if (m_fd < 0)
        return;
    if (m_closeNotify == CloseNotify::WhileSound && m_ssl && wasOpen && !m_broken)
        sendCloseNotify();
    // Deferred: this may run inside one of their own activations.
    m_watch.retire();
    SSL_free(m_ssl);
    m_ssl = nullptr;
    ::close(m_fd);
    m_fd = -1;
    m_out.clear();
    m_outPos = 0;
}

QHostAddress TlsStreamBase::peerAddress() const
{
    return peerAddressOf(m_fd);
}

quint16 TlsStreamBase::peerPort() const
{
    return peerPortOf(m_fd);
}

} // namespace portico
