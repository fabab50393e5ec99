#include "TlsClientStream.h"

#include "net/SocketPeer.h"
#include "net/TcpConnect.h"
#include "net/TlsClientContext.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <climits>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
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

bool isIpLiteral(const QString &host)
{
    return !QHostAddress(host).isNull();
}

} // namespace

TlsClientStream::TlsClientStream(std::shared_ptr<const TlsClientContext> context, QObject *parent)
    : QObject(parent)
    , m_context(std::move(context))
{
}

TlsClientStream::~TlsClientStream()
{
    closeDescriptor();
}

void TlsClientStream::connectTo(const QHostAddress &address, quint16 port, const QString &host)
{
    Q_ASSERT(m_fd < 0 && m_state == State::Idle);
    m_peerName = m_context->serverName().isEmpty() ? host : m_context->serverName();
    m_target =
        (host.contains(u':') ? u'[' + host + u']' : host).toUtf8() + ':' + QByteArray::number(port);
    StreamError error = StreamError::None;
    m_fd = startTcpConnect(address, port, &error);
    if (m_fd < 0) {
        // Reported from the event loop, like every other connect outcome.
        QMetaObject::invokeMethod(
            this, [this, error] { fail(error); }, Qt::QueuedConnection);
        return;
    }
    const int one = 1;
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    m_state = State::Connecting;
    m_watch.start(
        m_fd, this, [this] { onReadActivated(); }, [this] { onWriteActivated(); });
    m_watch.setReading(false);
    m_watch.setWriting(true); // writable once the connect finished, either way
}

void TlsClientStream::startHandshake()
{
    m_ssl = SSL_new(m_context->handle());
    SSL_set_fd(m_ssl, m_fd);
    SSL_set_connect_state(m_ssl);
    SSL_set_app_data(m_ssl, &m_target); // for the context's new-session callback
    const QByteArray name = m_peerName.toUtf8();
    const bool ip = isIpLiteral(m_peerName);
    if (!ip) // RFC 6066: SNI carries host names only
        SSL_set_tlsext_host_name(m_ssl, name.constData());
    if (m_context->verifies()) {
        if (ip)
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(m_ssl), name.constData());
        else if (SSL_set1_host(m_ssl, name.constData()) == 1)
            SSL_set_hostflags(m_ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    }
    if (SSL_SESSION *session = m_context->sessionFor(m_target)) {
        SSL_set_session(m_ssl, session);
        SSL_SESSION_free(session);
    }
    m_state = State::Handshaking;
    continueHandshake();
}

void TlsClientStream::continueHandshake()
{
    clearErrors();
    const int result = SSL_do_handshake(m_ssl);
    if (result == 1) {
        m_state = State::Open;
        m_wantWrite = false;
        updateNotifiers();
        if (bytesToWrite() > 0 && !flushQueue()) {
            fail(StreamError::Reset);
            return;
        }
        if (m_handler)
            m_handler->onStreamConnected();
        return;
    }
    if (!wantsMore(result)) {
        m_failedInHandshake = true;
        noteFailure(result);
        fail(StreamError::Other);
    }
}

bool TlsClientStream::wantsMore(int result)
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

void TlsClientStream::noteFailure(int result)
{
    m_broken = true;
    const int kind = SSL_get_error(m_ssl, result);
    const unsigned long code = ERR_peek_last_error();
    if (code) {
        const char *reason = ERR_reason_error_string(code);
        m_failure = reason ? QString::fromLatin1(reason)
                           : QStringLiteral("OpenSSL error %1").arg(code, 0, 16);
    } else if (kind == SSL_ERROR_SYSCALL || kind == SSL_ERROR_ZERO_RETURN) {
        m_failure = QStringLiteral("the connection was closed by the target");
    } else {
        m_failure = QStringLiteral("TLS error %1").arg(kind);
    }
    // With verification off, OpenSSL still records what it found; it is not why this failed.
    const long verified = SSL_get_verify_result(m_ssl);
    if (m_context->verifies() && verified != X509_V_OK)
        m_failure += QStringLiteral(" (%1)").arg(
            QString::fromLatin1(X509_verify_cert_error_string(verified)));
    clearErrors(); // leave nothing for the next stream of this thread
}

void TlsClientStream::noteWriteFailure(int result)
{
    if (SSL_get_error(m_ssl, result) != SSL_ERROR_SYSCALL) {
        noteFailure(result);
        return;
    }
    // The target reset the connection: when it sent an alert first (a TLS 1.3 server refusing
    // our certificate after our side of the handshake finished), that alert is why.
    m_broken = true;
    clearErrors();
    char byte;
    const int n = SSL_read(m_ssl, &byte, 1);
    if (n <= 0 && SSL_get_error(m_ssl, n) == SSL_ERROR_SSL)
        noteFailure(n);
    clearErrors();
}

void TlsClientStream::updateNotifiers()
{
    if (m_fd < 0 || m_state == State::Connecting)
        return;
    const bool reading = m_state == State::Handshaking
        || (m_state == State::Open && m_readEnabled && !m_readEnded && !m_closeWhenFlushed);
    m_watch.setReading(reading);
    m_watch.setWriting(m_wantWrite || (m_state == State::Open && bytesToWrite() > 0));
}

void TlsClientStream::onReadActivated()
{
    if (m_state == State::Handshaking) {
        continueHandshake();
        return;
    }
    if (m_state == State::Open && m_handler)
        m_handler->onStreamReadable();
}

void TlsClientStream::onWriteActivated()
{
    if (m_state == State::Connecting) {
        const StreamError error = finishedTcpConnect(m_fd);
        if (error != StreamError::None) {
            fail(error);
            return;
        }
        startHandshake();
        return;
    }
    if (m_state == State::Handshaking) {
        continueHandshake();
        return;
    }
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
        closeDescriptor();
        if (m_handler)
            m_handler->onStreamClosed(StreamError::None);
        return;
    }
    if (m_handler)
        m_handler->onStreamDrained();
}

qint64 TlsClientStream::read(char *buffer, qint64 capacity)
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
    // certificate arrives here, after our side of the handshake finished).
    if (error == SSL_ERROR_SSL)
        noteFailure(n);
    else if (error != SSL_ERROR_ZERO_RETURN)
        m_broken = true; // ended without close_notify: its session is not resumed
    clearErrors();
    m_readEnded = true;
    updateNotifiers();
    return kClosed;
}

void TlsClientStream::announceBufferedInput()
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

bool TlsClientStream::write(QByteArrayView data)
{
    if (m_fd < 0 && m_state != State::Idle)
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

bool TlsClientStream::flushQueue()
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

void TlsClientStream::setReadEnabled(bool enabled)
{
    m_readEnabled = enabled;
    updateNotifiers();
    if (enabled && m_state == State::Open && SSL_pending(m_ssl) > 0)
        announceBufferedInput();
}

bool TlsClientStream::closeWhenFlushed()
{
    if (m_fd < 0)
        return true;
    if (m_state != State::Open || bytesToWrite() == 0) {
        closeDescriptor();
        return true;
    }
    m_closeWhenFlushed = true;
    updateNotifiers();
    return false;
}

void TlsClientStream::shutdownWrite()
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

void TlsClientStream::sendCloseNotify()
{
    // Once. The peer's close_notify is not waited for (RFC 8446 6.1 allows it).
    if (SSL_get_shutdown(m_ssl) & SSL_SENT_SHUTDOWN)
        return;
    clearErrors();
    SSL_shutdown(m_ssl);
    clearErrors();
}

void TlsClientStream::abort()
{
    closeDescriptor();
}

void TlsClientStream::fail(StreamError error)
{
    if (error != StreamError::None)
        m_broken = true;
    closeDescriptor();
    if (m_handler)
        m_handler->onStreamClosed(error);
}

void TlsClientStream::closeDescriptor()
{
    const bool wasOpen = m_state == State::Open;
    m_state = State::Closed;
    if (m_fd < 0)
        return;
    // A connection closed without close_notify (even a pooled one put down) makes OpenSSL
    // mark its session not resumable: sent whenever the connection is still sound.
    if (m_ssl && wasOpen && !m_broken)
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

QHostAddress TlsClientStream::peerAddress() const
{
    return peerAddressOf(m_fd);
}

quint16 TlsClientStream::peerPort() const
{
    return peerPortOf(m_fd);
}

QByteArray TlsClientStream::tlsDescription() const
{
    if (!m_ssl || m_state != State::Open)
        return {};
    return QByteArray(SSL_get_version(m_ssl)) + ' ' + SSL_get_cipher_name(m_ssl);
}

} // namespace portico
