#include "AdminConnection.h"

#include "AdminApi.h"
#include "http/Serializer.h"

#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

namespace portico {

namespace {

QStringList pathSegments(const QByteArray &path)
{
    QStringList segments;
    for (const QByteArray &raw : path.split('/')) {
        if (!raw.isEmpty())
            segments.append(QUrl::fromPercentEncoding(raw));
    }
    return segments;
}

} // namespace

AdminConnection::AdminConnection(QTcpSocket *socket, AdminApi &api, qint64 maxBodyBytes,
                                 int idleTimeoutMs)
    : QObject(socket), m_socket(socket), m_api(api), m_parser(HttpParser::Kind::Request, this),
      m_maxBodyBytes(maxBodyBytes)
{
    m_idle = new QTimer(this);
    m_idle->setSingleShot(true);
    m_idle->setInterval(idleTimeoutMs);
    connect(m_idle, &QTimer::timeout, this, [this] { m_socket->abort(); });
    m_idle->start();
    connect(m_socket, &QTcpSocket::readyRead, this, &AdminConnection::readAvailable);
    connect(m_socket, &QTcpSocket::disconnected, m_socket, &QObject::deleteLater);
    connect(m_socket, &QTcpSocket::bytesWritten, this, [this] {
        if (m_closing && m_socket->bytesToWrite() == 0)
            m_socket->disconnectFromHost();
    });
}

HttpParserListener::Action AdminConnection::onRequestHead(RequestHead &head)
{
    m_request = AdminRequest();
    m_request.method = head.method;
    m_request.segments = pathSegments(head.path());
    m_request.query = QUrlQuery(QString::fromUtf8(head.query()));
    m_request.headers = std::move(head.headers);
    m_request.peer = m_socket->peerAddress();
    m_keepAlive = head.keepAlive;
    m_headOnly = head.method == "HEAD";
    // Refused before reading it, like the gateway's 413.
    m_tooLarge = head.framing == BodyFraming::ContentLength && head.contentLength > m_maxBodyBytes;
    return m_tooLarge ? Action::Pause : Action::Continue;
}

HttpParserListener::Action AdminConnection::onBody(QByteArrayView data)
{
    if (m_request.body.size() + data.size() > m_maxBodyBytes) {
        m_tooLarge = true;
        return Action::Pause;
    }
    m_request.body.append(data);
    return Action::Continue;
}

HttpParserListener::Action AdminConnection::onMessageComplete()
{
    return Action::Pause; // answered by readAvailable(), then parsing goes on
}

void AdminConnection::readAvailable()
{
    m_idle->start();
    m_pending.append(m_socket->readAll());
    while (!m_closing && !m_pending.isEmpty()) {
        const HttpParser::Result result = m_parser.feed(m_pending);
        if (result.status == HttpParser::Status::Error) {
            const HttpError &error = m_parser.error();
            respond(AdminResponse::error(error.status, QString::fromLatin1(error.message)),
                    false);
            return;
        }
        m_pending.remove(0, result.consumed);
        if (result.status != HttpParser::Status::Paused)
            break;
        if (m_tooLarge) {
            respond(AdminResponse::error(413, QStringLiteral("request body larger than %1 bytes")
                                                  .arg(m_maxBodyBytes)),
                    false);
            return;
        }
        respond(m_api.handle(m_request), m_keepAlive);
        m_request = AdminRequest();
        m_parser.resume();
    }
}

void AdminConnection::respond(const AdminResponse &response, bool keepAlive)
{
    ResponseHead head;
    head.status = response.status;
    if (!response.contentType.isEmpty())
        head.headers.add("Content-Type", response.contentType);
    for (const auto &[name, value] : response.headers)
        head.headers.add(name, value);
    if (!keepAlive)
        head.headers.add("Connection", "close");
    // A HEAD answer says how long the GET's body would be, and sends none.
    if (m_headOnly && !response.body.isEmpty())
        head.headers.add("Content-Length", QByteArray::number(response.body.size()));
    m_socket->write(serializeResponse(head, m_headOnly ? QByteArrayView() : response.body));
    if (!keepAlive) {
        m_closing = true;
        if (m_socket->bytesToWrite() == 0)
            m_socket->disconnectFromHost();
    }
}

} // namespace portico
