#include "TlsClientStream.h"

#include "net/TcpConnect.h"
#include "net/TlsClientContext.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace portico {

namespace {

bool isIpLiteral(const QString &host)
{
    return !QHostAddress(host).isNull();
}

} // namespace

TlsClientStream::TlsClientStream(std::shared_ptr<const TlsClientContext> context, QObject *parent)
    : TlsStreamBase(CloseNotify::WhileSound, parent)
    , m_context(std::move(context))
    , m_failureReason(m_context->verifies())
{
    keepFailureReasonIn(&m_failureReason);
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
    if (advanceHandshake() && m_handler)
        m_handler->onStreamConnected();
}

void TlsClientStream::onReadActivated()
{
    if (m_state == State::Handshaking) {
        continueHandshake();
        return;
    }
    reportReadable();
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
    flushWhenWritable();
}

} // namespace portico
