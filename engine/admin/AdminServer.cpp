#include "AdminServer.h"

#include "AdminConnection.h"
#include "config/Addresses.h"
#include "net/ListenAddress.h"

#include <QTcpServer>
#include <QTcpSocket>

namespace portico {

AdminServer::AdminServer(AdminApi &api, QObject *parent) : QObject(parent), m_api(api) {}

AdminServer::~AdminServer() = default;

bool AdminServer::listen(const QString &hostPort, QString *error)
{
    close();
    QString message;
    const std::optional<HostPort> address = parseHostPort(hostPort, &message);
    const std::optional<QHostAddress> host =
        address ? resolveListenHost(address->host, &message) : std::nullopt;
    if (!host) {
        if (error)
            *error = QStringLiteral("cannot listen on %1: %2").arg(hostPort, message);
        return false;
    }
    m_server = new QTcpServer(this);
    connect(m_server, &QTcpServer::newConnection, this, &AdminServer::acceptPending);
    if (!m_server->listen(*host, address->port)) {
        if (error)
            *error = QStringLiteral("cannot listen on %1: %2").arg(hostPort, m_server->errorString());
        delete m_server;
        m_server = nullptr;
        return false;
    }
    return true;
}

void AdminServer::close()
{
    delete m_server;
    m_server = nullptr;
}

bool AdminServer::isListening() const
{
    return m_server && m_server->isListening();
}

quint16 AdminServer::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

QString AdminServer::url() const
{
    if (!m_server)
        return {};
    const QHostAddress host = m_server->serverAddress();
    const QString text = host.protocol() == QAbstractSocket::IPv6Protocol
        ? QLatin1Char('[') + host.toString() + QLatin1Char(']')
        : host.toString();
    return QStringLiteral("http://%1:%2").arg(text).arg(port());
}

void AdminServer::acceptPending()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        // The socket parents the connection; both go when the peer disconnects.
        new AdminConnection(socket, m_api, kMaxBodyBytes, kIdleTimeoutMs);
    }
}

} // namespace portico
