#include "TlsStream.h"

#include "net/TlsServerContext.h"

#include <openssl/ssl.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

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

} // namespace

TlsStream::TlsStream(qintptr descriptor, std::shared_ptr<const TlsServerContext> context,
                     QObject *parent)
    : TlsStreamBase(CloseNotify::OnGracefulClose, parent)
    , m_context(std::move(context))
{
    m_fd = int(descriptor);
    ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK);
    const int one = 1;
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    m_ssl = SSL_new(m_context->handle());
    SSL_set_fd(m_ssl, m_fd);
    SSL_set_accept_state(m_ssl);
    m_state = State::Handshaking;
    m_watch.start(
        m_fd, this, [this] { onReadActivated(); }, [this] { onWriteActivated(); });
}

TlsStream::~TlsStream()
{
    closeDescriptor();
}

void TlsStream::onReadActivated()
{
    if (m_state == State::Handshaking) {
        if (!answeredPlainHttp())
            continueHandshake();
        return;
    }
    reportReadable();
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
    for (int i = 0; i < 16 && ::recv(m_fd, sink, sizeof sink, 0) > 0; ++i) { }
    static const QByteArray answer = plainHttpAnswer();
    [[maybe_unused]] const ssize_t sent =
        ::send(m_fd, answer.constData(), size_t(answer.size()), MSG_NOSIGNAL);
    ::shutdown(m_fd, SHUT_WR);
    fail(StreamError::None);
    return true;
}

void TlsStream::continueHandshake()
{
    // The client's first request may have come with its last handshake message.
    if (advanceHandshake() && m_handler)
        m_handler->onStreamReadable();
}

void TlsStream::onWriteActivated()
{
    if (m_state == State::Handshaking) {
        continueHandshake();
        return;
    }
    flushWhenWritable();
}

} // namespace portico
