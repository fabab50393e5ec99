#include "JwksTestServer.h"

#include <QTcpSocket>
#include <QTimer>

namespace portico::test {

JwksTestServer::JwksTestServer()
{
    m_server.listen(QHostAddress::LocalHost, 0);
    connect(&m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                if (!socket->property("answered").toBool()
                    && socket->peek(64 * 1024).contains("\r\n\r\n")) {
                    socket->setProperty("answered", true);
                    ++m_requests;
                    QTimer::singleShot(m_delayMs, socket, [this, socket] { answer(socket); });
                }
            });
        }
    });
}

QString JwksTestServer::url() const
{
    return QStringLiteral("http://127.0.0.1:%1/jwks.json").arg(port());
}

void JwksTestServer::serve(QByteArray document, int status, QByteArray cacheControl)
{
    m_document = std::move(document);
    m_status = status;
    m_cacheControl = std::move(cacheControl);
}

void JwksTestServer::answer(QTcpSocket *socket)
{
    QByteArray response = "HTTP/1.1 " + QByteArray::number(m_status) + " X\r\n"
        + "Content-Type: application/json\r\nConnection: close\r\nContent-Length: "
        + QByteArray::number(m_document.size()) + "\r\n";
    if (!m_cacheControl.isEmpty())
        response += "Cache-Control: " + m_cacheControl + "\r\n";
    socket->write(response + "\r\n" + m_document);
    socket->disconnectFromHost();
}

} // namespace portico::test
