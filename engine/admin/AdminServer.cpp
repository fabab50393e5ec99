#include "AdminServer.h"

#include "AdminConnection.h"
#include "config/Addresses.h"

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
    QHostAddress host;
    if (!address) {
        if (error)
            *error = message;
        return false;
    }
    if (address->host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        host = QHostAddress(QHostAddress::LocalHost);
    else if (!host.setAddress(address->host)) {
        if (error)
            *error = QStringLiteral("the Admin API listens on an IP address, not \"%1\"")
                         .arg(address->host);
        return false;
    }
    m_server = new QTcpServer(this);
    connect(m_server, &QTcpServer::newConnection, this, &AdminServer::acceptPending);
    if (!m_server->listen(host, address->port)) {
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
