#include "BackendConnection.h"

#include "http/Serializer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

#include <sys/socket.h>

namespace portico::test {

namespace {

constexpr qint64 kPiece = 64 * 1024;
constexpr qint64 kHighWater = 1024 * 1024; // pause producing above this many unsent bytes
constexpr qint64 kKeptBody = 64 * 1024;

QByteArray toJson(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

BackendConnection::BackendConnection(qintptr descriptor, int number,
                                     std::shared_ptr<BackendState> state, QObject *parent)
    : QObject(parent)
    , m_state(std::move(state))
    , m_socket(new QTcpSocket(this))
    , m_parser(HttpParser::Kind::Request, this)
    , m_number(number)
{
    m_socket->setSocketDescriptor(descriptor);
    // Small answers go out at once instead of waiting on Nagle and delayed ACKs.
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    // Bounded buffering: unread bytes stay in the kernel and the client is slowed down.
    m_socket->setReadBufferSize(256 * 1024);
    m_delayTimer.setSingleShot(true);
    connect(m_socket, &QTcpSocket::readyRead, this, &BackendConnection::readInput);
    connect(m_socket, &QTcpSocket::bytesWritten, this, &BackendConnection::onBytesWritten);
    connect(m_socket, &QTcpSocket::disconnected, this, &QObject::deleteLater);
    connect(&m_delayTimer, &QTimer::timeout, this, [this] {
        sendSimple(200, infoJson());
        responseDone();
    });
}

BackendConnection::~BackendConnection()
{
    QMutexLocker lock(&m_state->mutex);
    --m_state->openConnections;
}

QString BackendConnection::backendName() const
{
    QMutexLocker lock(&m_state->mutex);
    return m_state->name;
}

QByteArray BackendConnection::infoJson() const
{
    return toJson({{"ok", true},
                   {"backend", backendName()},
                   {"method", QString::fromLatin1(m_head.method)},
                   {"path", QString::fromLatin1(m_head.path())}});
}

bool BackendConnection::congested() const
{
    return m_socket->bytesToWrite() > kHighWater;
}

void BackendConnection::readInput()
{
    if (m_reading)
        return; // a callback further up the stack finished a response; its loop goes on
    m_reading = true;
    while (!m_closing && !m_paused && !m_drainWait) {
        if (m_input.isEmpty() && !m_mustFeed) {
            m_input = m_socket->read(kPiece);
            if (m_input.isEmpty())
                break;
        }
        m_mustFeed = false;
        const HttpParser::Result r = m_parser.feed(m_input);
        m_input.remove(0, r.consumed);
        if (r.status == HttpParser::Status::Error) {
            failRequest(m_parser.error().status, m_parser.error().message);
            break;
        }
        if (m_pendingRespond) {
            m_pendingRespond = false;
            respond(); // may finish at once and clear m_paused
        }
    }
    m_reading = false;
}

void BackendConnection::resumeParser()
{
    m_parser.resume();
    m_mustFeed = true; // deliver what needs no more input (onMessageComplete)
    readInput();
}

void BackendConnection::onBytesWritten()
{
    if (m_closing)
        return;
    if (m_streaming == Streaming::Bytes && !congested())
        writeBytesBody();
    if (m_drainWait && !congested()) {
        m_drainWait = false;
        resumeParser();
    }
}

HttpParserListener::Action BackendConnection::onRequestHead(RequestHead &head)
{
    m_head = head;
    m_bodySize = 0;
    m_bodyStart.clear();
    m_bodyHash.reset();
    m_headSent = false;
    m_isHead = head.method == "HEAD";
    const QByteArray path = head.path();
    if (path == "/echo")
        m_route = Route::Echo;
    else if (path.startsWith("/bytes/"))
        m_route = Route::Bytes;
    else if (path == "/sink")
        m_route = Route::Sink;
    else if (path.startsWith("/delay/"))
        m_route = Route::Delay;
    else if (path.startsWith("/status/"))
        m_route = Route::Status;
    else if (path == "/close")
        m_route = Route::Close;
    else if (path == "/reset")
        m_route = Route::Reset;
    else if (path == "/hang")
        m_route = Route::Hang;
    else if (path == "/headers")
        m_route = Route::Headers;
    else
        m_route = Route::Json;

    {
        QMutexLocker lock(&m_state->mutex);
        m_keepAlive = head.keepAlive && m_state->keepAlive;
        BackendRequest r;
        r.method = head.method;
        r.target = head.target;
        r.path = path;
        r.versionMinor = head.versionMinor;
        r.headers = head.headers;
        r.connection = m_number;
        m_state->requests.append(r);
        m_recordIndex = int(m_state->requests.size()) - 1;
        m_recordGeneration = m_state->generation;
    }

    if (head.expectContinue)
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    if (m_route == Route::Echo) {
        // Streamed back as it arrives: the head goes out before the body is read.
        m_echoChunked = head.framing == BodyFraming::Chunked;
        HeaderMap h;
        if (head.headers.contains("Content-Type"))
            h.add("Content-Type", head.headers.value("Content-Type"));
        sendHead(200, std::move(h), m_echoChunked ? -1 : head.contentLength, m_echoChunked);
    }
    return Action::Continue;
}

HttpParserListener::Action BackendConnection::onBody(QByteArrayView data)
{
    m_bodySize += data.size();
    m_bodyHash.addData(data);
    if (m_bodyStart.size() < kKeptBody)
        m_bodyStart.append(data.first(qMin(data.size(), kKeptBody - m_bodyStart.size())));
    if (m_route != Route::Echo || m_isHead)
        return Action::Continue;
    if (m_echoChunked) {
        QByteArray chunk;
        appendChunk(chunk, data);
        m_socket->write(chunk);
    } else {
        m_socket->write(data.data(), data.size());
    }
    if (!congested())
        return Action::Continue;
    m_drainWait = true;
    return Action::Pause;
}

HttpParserListener::Action BackendConnection::onMessageComplete()
{
    updateRecord();
    // One request at a time: the rest stays buffered until this one is answered.
    m_paused = true;
    m_pendingRespond = true;
    return Action::Pause;
}

void BackendConnection::updateRecord()
{
    QMutexLocker lock(&m_state->mutex);
    if (m_recordGeneration != m_state->generation || m_recordIndex >= m_state->requests.size())
        return; // cleared meanwhile
    BackendRequest &r = m_state->requests[m_recordIndex];
    r.bodySize = m_bodySize;
    r.body = m_bodyStart;
    r.bodySha256 = m_bodyHash.result().toHex();
    r.complete = true;
}

void BackendConnection::sendHead(int status, HeaderMap headers, qint64 contentLength, bool chunked)
{
    ResponseHead head;
    head.status = status;
    head.headers = std::move(headers);
    const QString name = backendName();
    if (!name.isEmpty())
        head.headers.add("X-Backend", name.toUtf8());
    if (chunked)
        head.headers.add("Transfer-Encoding", "chunked");
    else if (contentLength >= 0)
        head.headers.add("Content-Length", QByteArray::number(contentLength));
    if (!m_keepAlive)
        head.headers.add("Connection", "close");
    else if (m_head.isHttp10())
        head.headers.add("Connection", "keep-alive");
    QByteArray out;
    appendResponseHead(out, head);
    m_socket->write(out);
    m_headSent = true;
}

void BackendConnection::sendSimple(int status, const QByteArray &json)
{
    const bool bodiless = (status >= 100 && status < 200) || status == 204 || status == 304;
    HeaderMap h;
    if (!bodiless)
        h.add("Content-Type", "application/json");
    sendHead(status, std::move(h), bodiless ? -1 : json.size(), false);
    if (!bodiless && !m_isHead)
        m_socket->write(json);
}

void BackendConnection::respond()
{
    const QByteArray path = m_head.path();
    switch (m_route) {
    case Route::Json: sendSimple(200, infoJson()); return responseDone();
    case Route::Echo:
        if (m_echoChunked && !m_isHead)
            m_socket->write("0\r\n\r\n");
        return responseDone();
    case Route::Bytes: {
        const QUrlQuery query(QString::fromLatin1(m_head.query()));
        m_bytesTotal = qMax<qint64>(0, path.mid(7).toLongLong());
        m_bytesSent = 0;
        m_bytesChunked = query.queryItemValue("chunked") == "1";
        m_bytesClose = query.queryItemValue("close") == "1";
        if (m_bytesClose)
            m_keepAlive = false;
        HeaderMap h;
        h.add("Content-Type", "application/octet-stream");
        const bool withLength = !m_bytesChunked && !m_bytesClose;
        sendHead(200, std::move(h), withLength ? m_bytesTotal : -1, m_bytesChunked);
        if (m_isHead)
            return responseDone();
        m_streaming = Streaming::Bytes;
        return writeBytesBody();
    }
    case Route::Sink:
        sendSimple(200,
                   toJson({{"bytes", double(m_bodySize)},
                           {"sha256", QString::fromLatin1(m_bodyHash.result().toHex())}}));
        return responseDone();
    case Route::Delay: m_delayTimer.start(qMax(0, path.mid(7).toInt())); return;
    case Route::Status: {
        const int status = qBound(200, path.mid(8).toInt(), 599); // 1xx is never final
        QJsonObject info = QJsonDocument::fromJson(infoJson()).object();
        info.insert("status", status);
        sendSimple(status, toJson(info));
        return responseDone();
    }
    case Route::Close:
        m_closing = true;
        m_socket->disconnectFromHost();
        return;
    case Route::Reset: {
        const linger l{1, 0}; // close() then sends RST instead of FIN
        ::setsockopt(int(m_socket->socketDescriptor()), SOL_SOCKET, SO_LINGER, &l, sizeof l);
        m_closing = true;
        m_socket->abort();
        deleteLater();
        return;
    }
    case Route::Hang: return; // stays paused for good
    case Route::Headers: {
        QJsonObject byName;
        QJsonArray raw;
        for (const auto &[name, value] : m_head.headers.fields()) {
            const QString key = QString::fromLatin1(name).toLower();
            byName.insert(key, QString::fromLatin1(m_head.headers.combinedValue(name)));
            raw.append(QJsonArray{QString::fromLatin1(name), QString::fromLatin1(value)});
        }
        sendSimple(200,
                   toJson({{"method", QString::fromLatin1(m_head.method)},
                           {"target", QString::fromLatin1(m_head.target)},
                           {"headers", byName},
                           {"raw", raw}}));
        return responseDone();
    }
    }
}

void BackendConnection::writeBytesBody()
{
    while (m_bytesSent < m_bytesTotal && !congested()) {
        const qint64 n = qMin(kPiece, m_bytesTotal - m_bytesSent);
        const QByteArray piece = TestBackend::pattern(m_bytesSent, n);
        if (m_bytesChunked) {
            QByteArray chunk;
            appendChunk(chunk, piece);
            m_socket->write(chunk);
        } else {
            m_socket->write(piece);
        }
        m_bytesSent += n;
    }
    if (m_bytesSent < m_bytesTotal)
        return; // bytesWritten brings us back
    m_streaming = Streaming::None;
    if (m_bytesChunked)
        m_socket->write("0\r\n\r\n");
    responseDone();
}

void BackendConnection::responseDone()
{
    m_headSent = false;
    if (!m_keepAlive) {
        m_closing = true;
        m_socket->disconnectFromHost(); // after the pending bytes are written
        return;
    }
    m_paused = false;
    resumeParser();
}

void BackendConnection::failRequest(int status, const QByteArray &message)
{
    m_closing = true;
    if (!m_headSent) {
        m_keepAlive = false;
        m_isHead = false;
        sendSimple(status, toJson({{"error", QString::fromLatin1(message)}}));
    }
    m_socket->disconnectFromHost();
}

} // namespace portico::test
