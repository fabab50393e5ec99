#include "MockConnection.h"

#include "MockApi.h"
#include "http/Serializer.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>

namespace portico {

namespace {

constexpr qint64 kMaxBodyBytes = 1024 * 1024;
// Stop reading pipelined requests while this much of our output is unsent, so a client that
// never reads cannot make us buffer without bound.
constexpr qint64 kMaxPendingOutput = 256 * 1024;

} // namespace

MockConnection::MockConnection(QTcpSocket *socket, MockApi *api, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_api(api)
    , m_parser(HttpParser::Kind::Request, this)
{
    m_socket->setParent(this);
    connect(m_socket, &QTcpSocket::readyRead, this, [this] {
        m_input += m_socket->readAll();
        processInput();
    });
    connect(m_socket, &QTcpSocket::bytesWritten, this, &MockConnection::processInput);
    connect(m_socket, &QTcpSocket::disconnected, this, &QObject::deleteLater);
    // Bytes may have arrived before we connected to readyRead.
    if (m_socket->bytesAvailable() > 0)
        m_input += m_socket->readAll();
    processInput();
}

MockConnection::~MockConnection() = default;

HttpParserListener::Action MockConnection::onRequestHead(RequestHead &head)
{
    m_head = head;
    m_body.clear();
    if (head.framing == BodyFraming::ContentLength && head.contentLength > kMaxBodyBytes) {
        m_rejectStatus = 413;
        return Action::Pause;
    }
    if (head.expectContinue && !head.isHttp10())
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    return Action::Continue;
}

HttpParserListener::Action MockConnection::onBody(QByteArrayView data)
{
    if (m_body.size() + data.size() > kMaxBodyBytes) { // chunked bodies have no length up front
        m_rejectStatus = 413;
        return Action::Pause;
    }
    m_body.append(data.data(), data.size());
    return Action::Continue;
}

HttpParserListener::Action MockConnection::onMessageComplete()
{
    const MockReply r = m_api->handle(m_head, m_body);
    answer(r.status, r.body, r.allow, m_head.keepAlive);
    m_body.clear();
    // One request at a time: processInput() checks for back-pressure before the next one.
    return Action::Pause;
}

void MockConnection::processInput()
{
    while (!m_closing && !m_input.isEmpty()) {
        if (m_socket->bytesToWrite() > kMaxPendingOutput)
            return; // bytesWritten brings us back
        const HttpParser::Result r = m_parser.feed(m_input);
        m_input.remove(0, r.consumed);
        if (m_rejectStatus) {
            fail(m_rejectStatus, "request body too large");
            return;
        }
        if (r.status == HttpParser::Status::Error) {
            fail(m_parser.error().status, m_parser.error().message);
            return;
        }
        if (r.status == HttpParser::Status::Paused)
            m_parser.resume();
    }
}

void MockConnection::answer(int status, const QByteArray &body, const QByteArray &allow,
                            bool keepAlive)
{
    ResponseHead head;
    head.status = status;
    head.headers.add("Content-Type", "application/json");
    head.headers.add("Content-Length", QByteArray::number(body.size()));
    head.headers.add("X-Mock-Service", m_api->service().toLatin1());
    if (!allow.isEmpty())
        head.headers.add("Allow", allow);
    // HTTP/1.0 clients close by default and must be told when we keep the connection.
    if (!keepAlive)
        head.headers.add("Connection", "close");
    else if (m_head.isHttp10())
        head.headers.add("Connection", "keep-alive");

    QByteArray out;
    appendResponseHead(out, head);
    if (m_head.method != "HEAD")
        out += body;
    m_socket->write(out);
    if (!keepAlive) {
        m_closing = true;
        m_socket->disconnectFromHost(); // after the pending output is written
    }
}

void MockConnection::fail(int status, const QByteArray &message)
{
    // The framing may be lost, so the connection cannot be reused.
    QByteArray body =
        QJsonDocument(QJsonObject{{QStringLiteral("error"), QString::fromLatin1(message)}})
            .toJson(QJsonDocument::Compact);
    body += '\n';
    m_head = RequestHead{};
    answer(status, body, {}, false);
}

} // namespace portico
