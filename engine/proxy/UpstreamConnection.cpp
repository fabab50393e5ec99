#include "UpstreamConnection.h"

#include "net/TcpStream.h"
#include "net/TlsClientStream.h"

#include <QHostAddress>
#include <QHostInfo>

namespace portico {

UpstreamConnection::UpstreamConnection(QByteArray key, std::shared_ptr<const TlsClientContext> tls,
                                       QObject *parent)
    : QObject(parent)
    , m_key(std::move(key))
{
    if (tls)
        m_stream = m_tls = new TlsClientStream(std::move(tls), this);
    else
        m_stream = m_tcp = new TcpStream(this);
    m_stream->setHandler(this);
}

UpstreamConnection::~UpstreamConnection()
{
    m_handler = nullptr;
    m_stream->setHandler(nullptr);
    m_stream->abort();
}

ByteStream &UpstreamConnection::stream()
{
    return *m_stream;
}

void UpstreamConnection::connectTo(const QString &host, quint16 port)
{
    m_host = host;
    m_port = port;
    QHostAddress address;
    if (address.setAddress(host)) {
        connectStream(address);
        return;
    }
    // Names resolve off the worker thread; Qt caches the answers.
    QHostInfo::lookupHost(host, this, &UpstreamConnection::onHostLookedUp);
}

void UpstreamConnection::onHostLookedUp(const QHostInfo &info)
{
    if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
        onStreamClosed(StreamError::HostNotFound);
        return;
    }
    connectStream(info.addresses().constFirst());
}

void UpstreamConnection::connectStream(const QHostAddress &address)
{
    if (m_tls)
        m_tls->connectTo(address, m_port, m_host);
    else
        m_tcp->connectTo(address, m_port);
}

QString UpstreamConnection::tlsFailure() const
{
    return m_tls ? m_tls->failure() : QString();
}

bool UpstreamConnection::tlsFailedInHandshake() const
{
    return m_tls && m_tls->failedInHandshake();
}

bool UpstreamConnection::isConnected() const
{
    return m_stream->isConnected();
}

void UpstreamConnection::onStreamConnected()
{
    if (m_handler)
        m_handler->onUpstreamConnected();
}

void UpstreamConnection::onStreamReadable()
{
    if (m_handler) {
        m_handler->onUpstreamReadyRead();
        return;
    }
    // An idle connection must not speak. TLS records without application data (a TLS 1.3
    // session ticket) read as nothing and leave it pooled; bytes or the end of it drop it.
    char probe[1];
    if (m_stream->read(probe, sizeof probe) != 0)
        onStreamClosed(StreamError::Other);
}

void UpstreamConnection::onStreamDrained()
{
    if (m_handler)
        m_handler->onUpstreamBytesWritten();
}

void UpstreamConnection::onStreamClosed(StreamError error)
{
    if (m_closedReported)
        return;
    m_closedReported = true;
    if (m_handler) {
        m_handler->onUpstreamClosed(error);
    } else {
        m_stream->setReadEnabled(false);
        Q_EMIT idleConnectionLost(this);
    }
}

} // namespace portico
