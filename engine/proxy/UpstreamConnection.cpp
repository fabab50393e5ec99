#include "UpstreamConnection.h"

#include "net/TcpStream.h"

#include <QHostAddress>
#include <QHostInfo>

namespace portico {

UpstreamConnection::UpstreamConnection(QByteArray key, QObject *parent)
    : QObject(parent)
    , m_stream(new TcpStream(this))
    , m_key(std::move(key))
{
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
    m_port = port;
    QHostAddress address;
    if (address.setAddress(host)) {
        m_stream->connectTo(address, port);
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
    m_stream->connectTo(info.addresses().constFirst(), m_port);
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
    if (m_handler)
        m_handler->onUpstreamReadyRead();
    else
        onStreamClosed(StreamError::Other); // an idle connection must not speak
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
