#include "RawHttpClient.h"

#include "http/HttpParser.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QTcpSocket>
#include <QTimer>

namespace portico::test {

QJsonObject RawResponse::json() const
{
    return QJsonDocument::fromJson(body).object();
}

// Collects one response at a time from a response-mode HttpParser that lives as long as the
// connection (so pipelined responses are split where the parser says).
class ClientParser : public HttpParserListener
{
public:
    ClientParser()
        : parser(HttpParser::Kind::Response, this)
    {
    }

    void start(bool headRequest, bool storeBody)
    {
        current = RawResponse{};
        hash.reset();
        skipBody = headRequest;
        store = storeBody;
        done = false;
        headSeen = false;
    }

    Action onResponseHead(ResponseHead &head) override
    {
        headSeen = true;
        current.status = head.status;
        current.reason = head.reason;
        current.versionMinor = head.versionMinor;
        current.headers = head.headers;
        current.framing = head.framing;
        current.keepAlive = head.keepAlive;
        // A 1xx answer to a HEAD is still followed by the real, bodiless, final answer.
        const bool interim = head.status >= 100 && head.status < 200;
        return skipBody && !interim ? Action::SkipBody : Action::Continue;
    }

    Action onBody(QByteArrayView data) override
    {
        current.bodySize += data.size();
        hash.addData(data);
        if (store)
            current.body.append(data.data(), data.size());
        return Action::Continue;
    }

    Action onMessageComplete() override
    {
        current.ok = true;
        current.bodySha256 = hash.result().toHex();
        done = true;
        return Action::Pause; // the caller keeps the next response's bytes
    }

    HttpParser parser;
    RawResponse current;
    QCryptographicHash hash{QCryptographicHash::Sha256};
    bool skipBody = false;
    bool store = true;
    bool done = false;
    bool headSeen = false;
};

RawHttpClient::RawHttpClient() = default;

RawHttpClient::RawHttpClient(quint16 port, int timeoutMs)
{
    connectTo(port, timeoutMs);
}

RawHttpClient::~RawHttpClient() = default;

bool RawHttpClient::connectTo(quint16 port, int timeoutMs)
{
    close();
    m_port = port;
    m_socket = std::make_unique<QTcpSocket>();
    m_parser = std::make_unique<ClientParser>();
    m_buffer.clear();
    m_peerClosed = false;
    m_socket->connectToHost(QHostAddress::LocalHost, port);
    const QDeadlineTimer deadline(timeoutMs);
    while (m_socket->state() != QAbstractSocket::ConnectedState) {
        if (m_socket->state() == QAbstractSocket::UnconnectedState || deadline.hasExpired())
            return false;
        waitForActivity(int(qMax<qint64>(1, deadline.remainingTime())));
    }
    return true;
}

bool RawHttpClient::isConnected() const
{
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

void RawHttpClient::close()
{
    if (m_socket)
        m_socket->abort();
    m_socket.reset();
    m_parser.reset();
}

bool RawHttpClient::waitForActivity(int timeoutMs)
{
    if (!m_socket)
        return false;
    // Like QSignalSpy::wait: a local loop that ends on the first sign of progress.
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(m_socket.get(), &QTcpSocket::readyRead, &loop, &QEventLoop::quit);
    QObject::connect(m_socket.get(), &QTcpSocket::bytesWritten, &loop, &QEventLoop::quit);
    QObject::connect(m_socket.get(), &QTcpSocket::connected, &loop, &QEventLoop::quit);
    QObject::connect(m_socket.get(), &QTcpSocket::disconnected, &loop, &QEventLoop::quit);
    QObject::connect(m_socket.get(), &QTcpSocket::errorOccurred, &loop, &QEventLoop::quit);
    timer.start(timeoutMs);
    loop.exec();
    return timer.isActive();
}

bool RawHttpClient::send(const QByteArray &raw, int timeoutMs)
{
    if (!isConnected())
        return false;
    m_socket->write(raw);
    const QDeadlineTimer deadline(timeoutMs);
    while (m_socket->bytesToWrite() > 0) {
        if (!isConnected() || deadline.hasExpired())
            return false;
        waitForActivity(int(qMax<qint64>(1, deadline.remainingTime())));
    }
    return true;
}

RawResponse RawHttpClient::read(int timeoutMs, bool headRequest, bool storeBody)
{
    RawResponse failed;
    if (!m_socket) {
        failed.error = QStringLiteral("not connected");
        return failed;
    }
    ClientParser &cp = *m_parser;
    cp.start(headRequest, storeBody);
    const QDeadlineTimer deadline(timeoutMs);
    bool mustFeed = cp.parser.isPaused(); // the previous response left the parser paused
    if (mustFeed)
        cp.parser.resume();
    while (true) {
        if (m_buffer.isEmpty() && m_socket->bytesAvailable() > 0)
            m_buffer = m_socket->read(256 * 1024);
        if (!m_buffer.isEmpty() || mustFeed) {
            mustFeed = false;
            const HttpParser::Result r = cp.parser.feed(m_buffer);
            m_buffer.remove(0, r.consumed);
            if (r.status == HttpParser::Status::Error) {
                failed.error = QStringLiteral("invalid response: %1 (%2)")
                                   .arg(QString::fromLatin1(cp.parser.error().message))
                                   .arg(cp.parser.error().status);
                return failed;
            }
            if (cp.done)
                return cp.current;
            continue;
        }
        if (m_socket->state() != QAbstractSocket::ConnectedState) {
            // Closed: a body delimited by the close ends here; anything else is truncated.
            const HttpParser::Result r = cp.parser.finish();
            if (r.status != HttpParser::Status::Error && cp.done)
                return cp.current;
            failed.error = cp.headSeen ? QStringLiteral("connection closed mid-response")
                                       : QStringLiteral("connection closed without a response");
            return failed;
        }
        if (deadline.hasExpired()) {
            failed.error = QStringLiteral("timed out after %1 ms").arg(timeoutMs);
            return failed;
        }
        waitForActivity(int(qMax<qint64>(1, deadline.remainingTime())));
    }
}

RawResponse RawHttpClient::readResponse(int timeoutMs, bool headRequest)
{
    return read(timeoutMs, headRequest, true);
}

RawResponse RawHttpClient::readResponseStreaming(int timeoutMs, bool headRequest)
{
    return read(timeoutMs, headRequest, false);
}

QList<RawResponse> RawHttpClient::readResponses(int n, int timeoutMs, bool headRequests)
{
    QList<RawResponse> out;
    for (int i = 0; i < n; ++i) {
        out.append(read(timeoutMs, headRequests, true));
        if (!out.back().ok)
            break;
    }
    return out;
}

QByteArray RawHttpClient::readRaw(int timeoutMs)
{
    if (!m_socket)
        return {};
    const QDeadlineTimer deadline(timeoutMs);
    while (m_buffer.isEmpty() && m_socket->bytesAvailable() == 0 && isConnected()
           && !deadline.hasExpired())
        waitForActivity(int(qMax<qint64>(1, deadline.remainingTime())));
    QByteArray out = std::exchange(m_buffer, QByteArray());
    out += m_socket->readAll();
    return out;
}

bool RawHttpClient::isClosedByPeer(int timeoutMs)
{
    if (!m_socket)
        return true;
    const QDeadlineTimer deadline(timeoutMs);
    while (true) {
        // Keep what arrives so a later read still sees it.
        if (m_socket->bytesAvailable() > 0)
            m_buffer += m_socket->readAll();
        if (m_socket->state() == QAbstractSocket::UnconnectedState)
            return true;
        if (deadline.hasExpired())
            return false;
        waitForActivity(int(qMax<qint64>(1, deadline.remainingTime())));
    }
}

QByteArray RawHttpClient::buildRequest(const QByteArray &method, const QByteArray &path,
                                       quint16 port, const QByteArray &body,
                                       const RawHeaders &extraHeaders)
{
    QByteArray out = method + ' ' + path + " HTTP/1.1\r\n";
    bool hasHost = false;
    bool hasLength = false;
    for (const auto &[name, value] : extraHeaders) {
        hasHost = hasHost || HeaderMap::namesEqual(name, "Host");
        hasLength = hasLength || HeaderMap::namesEqual(name, "Content-Length")
            || HeaderMap::namesEqual(name, "Transfer-Encoding");
    }
    if (!hasHost)
        out += "Host: 127.0.0.1:" + QByteArray::number(port) + "\r\n";
    for (const auto &[name, value] : extraHeaders)
        out += name + ": " + value + "\r\n";
    if (!hasLength && (!body.isEmpty() || method == "POST" || method == "PUT"))
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += "\r\n";
    out += body;
    return out;
}

RawResponse RawHttpClient::get(const QByteArray &path, const RawHeaders &extraHeaders,
                               int timeoutMs)
{
    return request("GET", path, {}, extraHeaders, timeoutMs);
}

RawResponse RawHttpClient::request(const QByteArray &method, const QByteArray &path,
                                   const QByteArray &body, const RawHeaders &extraHeaders,
                                   int timeoutMs)
{
    if (!send(buildRequest(method, path, m_port, body, extraHeaders), timeoutMs)) {
        RawResponse failed;
        failed.error =
            isConnected() ? QStringLiteral("send timed out") : QStringLiteral("not connected");
        return failed;
    }
    return read(timeoutMs, method == "HEAD", true);
}

} // namespace portico::test
