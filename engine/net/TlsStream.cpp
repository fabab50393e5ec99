#include "TlsStream.h"

#include "net/SocketPeer.h"
#include "net/TlsServerContext.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <climits>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace portico {

namespace {

constexpr uchar kHandshakeRecord = 0x16; // the first byte a TLS client sends

// What a client speaking plain HTTP to the TLS port reads instead of a handshake failure.
QByteArray plainHttpAnswer()
{
    const QByteArray body = "This port speaks HTTPS: use an https:// URL for it.\n";
    return "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
           "Content-Length: "
        + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

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

TlsStream::TlsStream(qintptr descriptor, std::shared_ptr<const TlsServerContext> context,
                     QObject *parent)
    : QObject(parent)
    , m_fd(int(descriptor))
    , m_context(std::move(context))
{
    ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK);
    const int one = 1;
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    m_ssl = SSL_new(m_context->handle());
    SSL_set_fd(m_ssl, m_fd);
    SSL_set_accept_state(m_ssl);
    m_watch.start(m_fd, this, [this] { onReadActivated(); }, [this] { onWriteActivated(); });
}

TlsStream::~TlsStream()
{
    closeDescriptor();
}

QByteArray TlsStream::tlsDescription() const
{
    if (!m_ssl || m_state != State::Open)
        return {};
    return QByteArray(SSL_get_version(m_ssl)) + ' ' + SSL_get_cipher_name(m_ssl);
}

void TlsStream::onReadActivated()
{
    if (m_state == State::Handshaking) {
        if (!answeredPlainHttp())
            continueHandshake();
        return;
    }
    if (m_state == State::Open && m_handler)
        m_handler->onStreamReadable();
}

bool TlsStream::answeredPlainHttp()
{
    uchar first = 0;
    const ssize_t n = ::recv(m_fd, &first, 1, MSG_PEEK);
    if (n != 1 || first == kHandshakeRecord || first < 'A' || first > 'Z')
        return false; // TLS, or not HTTP either: the handshake deals with it
    // A request line: answer in plain text, which the client can read, and close. What it sent
    // is read first: closing with unread input would reset the connection, answer and all.
    char sink[4096];
    for (int i = 0; i < 16 && ::recv(m_fd, sink, sizeof sink, 0) > 0; ++i) {
    }
    static const QByteArray answer = plainHttpAnswer();
    [[maybe_unused]] const ssize_t sent =
        ::send(m_fd, answer.constData(), size_t(answer.size()), MSG_NOSIGNAL);
    ::shutdown(m_fd, SHUT_WR);
    fail(StreamError::None);
    return true;
}

void TlsStream::continueHandshake()
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
        // The client's first request may have come with its last handshake message.
        if (m_handler)
            m_handler->onStreamReadable();
        return;
    }
    if (!wantsMore(result))
        fail(StreamError::Other); // a protocol version or cipher the policy refuses, garbage
}

bool TlsStream::wantsMore(int result)
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
    default:
        clearErrors(); // leave nothing for the next stream of this thread
        return false;
    }
}

void TlsStream::updateNotifiers()
{
    if (m_fd < 0)
        return;
    const bool reading = m_state == State::Handshaking
        || (m_state == State::Open && m_readEnabled && !m_readEnded && !m_closeWhenFlushed);
    m_watch.setReading(reading);
    m_watch.setWriting(m_wantWrite || (m_state == State::Open && bytesToWrite() > 0));
}

qint64 TlsStream::read(char *buffer, qint64 capacity)
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
        return 0;
    if (error == SSL_ERROR_WANT_WRITE) {
        m_wantWrite = true;
        updateNotifiers();
        return 0;
    }
    // close_notify, the end of the stream or an error: stop watching for input.
    clearErrors();
    m_readEnded = true;
    updateNotifiers();
    return kClosed;
}

void TlsStream::announceBufferedInput()
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

bool TlsStream::write(QByteArrayView data)
{
    if (m_fd < 0)
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

bool TlsStream::flushQueue()
{
    while (bytesToWrite() > 0) {
        clearErrors();
        const int n = SSL_write(m_ssl, m_out.constData() + m_outPos, clampToInt(bytesToWrite()));
        if (n <= 0)
            return wantsMore(n);
        m_outPos += n;
    }
    m_out.clear();
    m_outPos = 0;
    m_wantWrite = false;
    updateNotifiers();
    return true;
}

void TlsStream::onWriteActivated()
{
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
        sendCloseNotify();
        closeDescriptor();
        if (m_handler)
            m_handler->onStreamClosed(StreamError::None);
        return;
    }
    if (m_handler)
        m_handler->onStreamDrained();
}

void TlsStream::setReadEnabled(bool enabled)
{
    m_readEnabled = enabled;
    updateNotifiers();
    if (enabled && m_state == State::Open && SSL_pending(m_ssl) > 0)
        announceBufferedInput();
}

bool TlsStream::closeWhenFlushed()
{
    if (m_fd < 0)
        return true;
    if (m_state != State::Open || bytesToWrite() == 0) {
        if (m_state == State::Open)
            sendCloseNotify();
        closeDescriptor();
        return true;
    }
    m_closeWhenFlushed = true;
    updateNotifiers();
    return false;
}

void TlsStream::shutdownWrite()
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

void TlsStream::sendCloseNotify()
{
    // The peer's close_notify is not waited for (RFC 8446 6.1 allows it); a peer already gone
    // makes this fail, which changes nothing.
    clearErrors();
    SSL_shutdown(m_ssl);
    clearErrors();
}

void TlsStream::abort()
{
    closeDescriptor();
}

void TlsStream::fail(StreamError error)
{
    closeDescriptor();
    if (m_handler)
        m_handler->onStreamClosed(error);
}

void TlsStream::closeDescriptor()
{
    if (m_fd < 0)
        return;
    // Deferred: this may run inside one of their own activations.
    m_watch.retire();
    SSL_free(m_ssl);
    m_ssl = nullptr;
    ::close(m_fd);
    m_fd = -1;
    m_state = State::Closed;
    m_out.clear();
    m_outPos = 0;
}

QHostAddress TlsStream::peerAddress() const
{
    return peerAddressOf(m_fd);
}

quint16 TlsStream::peerPort() const
{
    return peerPortOf(m_fd);
}

} // namespace portico
