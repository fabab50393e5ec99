#include "UpstreamConnection.h"

#include "net/FlowControl.h"

#include <QTcpSocket>

namespace portico {

UpstreamConnection::UpstreamConnection(QByteArray key, QObject *parent)
    : QObject(parent)
    , m_socket(new QTcpSocket(this))
    , m_key(std::move(key))
{
    m_socket->setReadBufferSize(kSocketReadBufferBytes);
    connect(m_socket, &QTcpSocket::connected, this, &UpstreamConnection::handleConnected);
    connect(m_socket, &QTcpSocket::readyRead, this, &UpstreamConnection::handleReadyRead);
    connect(m_socket, &QTcpSocket::bytesWritten, this, &UpstreamConnection::handleBytesWritten);
    connect(m_socket, &QTcpSocket::errorOccurred, this, &UpstreamConnection::handleError);
    connect(m_socket, &QTcpSocket::disconnected, this, &UpstreamConnection::handleDisconnected);
}

UpstreamConnection::~UpstreamConnection()
{
    m_handler = nullptr;
    m_socket->disconnect(this);
    m_socket->abort();
}

void UpstreamConnection::connectTo(const QString &host, quint16 port)
{
    m_socket->connectToHost(host, port);
}

bool UpstreamConnection::isConnected() const
{
    return m_socket->state() == QAbstractSocket::ConnectedState;
}

void UpstreamConnection::handleConnected()
{
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    if (m_handler)
        m_handler->onUpstreamConnected();
}

void UpstreamConnection::handleReadyRead()
{
    if (m_handler)
        m_handler->onUpstreamReadyRead();
    else
        Q_EMIT idleConnectionLost(this); // an idle connection must not speak
}

void UpstreamConnection::handleBytesWritten()
{
    if (m_handler)
        m_handler->onUpstreamBytesWritten();
}

void UpstreamConnection::handleError(QAbstractSocket::SocketError error)
{
    if (m_closedReported)
        return;
    m_closedReported = true;
    if (m_handler)
        m_handler->onUpstreamClosed(error);
    else
        Q_EMIT idleConnectionLost(this);
}

void UpstreamConnection::handleDisconnected()
{
    handleError(QAbstractSocket::RemoteHostClosedError);
}

} // namespace portico
