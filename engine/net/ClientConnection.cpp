#include "ClientConnection.h"

#include "config/Snapshot.h"
#include "net/Deadline.h"
#include "net/FlowControl.h"
#include "net/HttpsRedirect.h"
#include "net/ReadScratch.h"
#include "net/Worker.h"
#include "observe/AccessLog.h"
#include "observe/RequestId.h"
#include "observe/TraceContext.h"
#include "proxy/ProxyExchange.h"
#include "routing/RequestRouting.h"

#include <QTimer>

namespace portico {

namespace {

// After answering a request whose body was not read, the gateway shuts its side and keeps
// reading (and dropping) for a moment, so the client sees the answer instead of a reset.
constexpr int kLingerMs = 2000;

HeadLimits headLimitsOf(const Snapshot &snapshot)
{
    const HttpLimitsConfig &limits = snapshot.config.settings.limits;
    return HeadLimits{limits.maxUriBytes, limits.maxHeaderBytes};
}

} // namespace

ClientConnection::ClientConnection(std::unique_ptr<ByteStream> stream, Worker *worker)
    : QObject(worker)
    , m_stream(std::move(stream))
    , m_worker(worker)
    , m_parser(HttpParser::Kind::Request, this, headLimitsOf(*worker->snapshot()))
{
    m_stream->setHandler(this);
    m_peerAddress = m_stream->peerAddress();
    m_peerPort = m_stream->peerPort();
    // IPv4 clients on a dual-stack listener show as ::ffff:a.b.c.d; report them as IPv4.
    bool isV4 = false;
    const quint32 v4 = m_peerAddress.toIPv4Address(&isV4);
    m_peerIp = (isV4 ? QHostAddress(v4) : m_peerAddress).toString().toLatin1();
    WorkerCounters::bump(m_worker->counters().activeConnections);

    const HttpLimitsConfig &limits = worker->snapshot()->config.settings.limits;
    m_headerTimer.setInterval(limits.headerTimeoutMs);
    m_idleTimer.setInterval(limits.idleTimeoutMs);

    m_headerTimer.start();
}

ClientConnection::~ClientConnection()
{
    if (m_exchange)
        m_exchange->cancel();
    WorkerCounters::bump(m_worker->counters().activeConnections, -1);
}

void ClientConnection::retireExchange()
{
    // Its code may still be on the stack (it called us); it is destroyed from the next event.
    if (m_exchange)
        m_retired.push_back(std::move(m_exchange));
}

void ClientConnection::checkTimeouts(qint64 nowMs)
{
    m_retired.clear();
    if (m_headerTimer.fire(nowMs))
        failProtocol(HttpError{408, "request head not received in time"});
    else if (m_idleTimer.fire(nowMs))
        closeConnection();
    else if (m_exchange)
        m_exchange->checkTimeouts(nowMs);
}

bool ClientConnection::isIdle() const
{
    return !m_requestActive && !m_parser.isMidMessage();
}

void ClientConnection::closeWhenIdle()
{
    m_shutdownRequested = true;
    if (isIdle())
        closeConnection();
    else
        m_closeAfterResponse = true;
}

void ClientConnection::onReadyRead()
{
    m_retired.clear();
    if (m_lingering) {
        drainInput(); // dropped: the answer is already out
        return;
    }
    if (m_wait != Wait::None) {
        readAhead();
        return;
    }
    processInput(true);
}

void ClientConnection::processInput(bool socketReadable)
{
    if (m_inInputLoop || m_closed)
        return;
    m_inInputLoop = true;
    bool mayRead = socketReadable;
    while (!m_closed && !m_lingering && m_wait == Wait::None) {
        QByteArrayView input;
        const bool kept = m_inputPos < m_input.size();
        if (kept) {
            input = QByteArrayView(m_input).sliced(m_inputPos);
        } else if (m_parserPaused || !mayRead) {
            // A resumed parser may still owe a callback that needs no bytes (the completion of
            // a request without body); new bytes announce themselves through the stream, so
            // no read is spent on finding none.
            if (!m_parserPaused)
                break;
        } else {
            char *scratch = readScratch(ScratchSlot::Client);
            const qint64 n = m_stream->read(scratch, kReadChunkBytes);
            if (n == ByteStream::kClosed) {
                onDisconnected();
                break;
            }
            input = QByteArrayView(scratch, n);
            if (input.isEmpty())
                break;
            mayRead = n == kReadChunkBytes; // a short read emptied the socket
            if (m_idleTimer.isActive()) {   // the first byte of the next request
                m_idleTimer.stop();
                m_headerTimer.start();
            }
        }
        if (m_parserPaused) {
            m_parser.resume();
            m_parserPaused = false;
        }
        m_pause = Pause::None;
        const HttpParser::Result result = m_parser.feed(input);
        if (result.status == HttpParser::Status::Error) {
            m_input.clear();
            m_inputPos = 0;
            failProtocol(m_parser.error());
            break;
        }
        if (kept) {
            m_inputPos += result.consumed;
        } else if (result.consumed < input.size()) {
            m_input = input.sliced(result.consumed).toByteArray(); // kept for after the pause
            m_inputPos = 0;
        }
        if (m_inputPos >= m_input.size() && !m_input.isEmpty()) {
            m_input.clear();
            m_inputPos = 0;
        }
        if (result.status == HttpParser::Status::Paused) {
            m_parserPaused = true;
            handlePause();
        }
        if (m_exchange && m_pause != Pause::HeadParsed)
            m_exchange->setHeld(false); // what came with the head parsed cleanly
    }
    m_inInputLoop = false;
    if (!m_closed && !m_lingering)
        m_stream->setReadEnabled(true); // readAhead() stops it again when too much is kept
}

void ClientConnection::readAhead()
{
    // Waiting on the current request: keep a bounded amount of what follows (pipelined
    // requests), and notice a client that went away.
    if (m_inputPos > 0) {
        m_input.remove(0, m_inputPos);
        m_inputPos = 0;
    }
    const qint64 room = kReadChunkBytes - m_input.size();
    if (room <= 0) {
        m_stream->setReadEnabled(false);
        return;
    }
    const qsizetype before = m_input.size();
    m_input.resize(before + room);
    const qint64 n = m_stream->read(m_input.data() + before, room);
    m_input.resize(before + std::max<qint64>(n, 0));
    if (n == ByteStream::kClosed)
        onDisconnected();
}

void ClientConnection::drainInput()
{
    char *scratch = readScratch(ScratchSlot::Client);
    for (;;) {
        const qint64 n = m_stream->read(scratch, kReadChunkBytes);
        if (n == 0)
            return;
        if (n == ByteStream::kClosed) {
            closeNow();
            return;
        }
    }
}

void ClientConnection::handlePause()
{
    switch (m_pause) {
    case Pause::None: break;
    case Pause::HeadParsed: dispatchRequest(); break;
    case Pause::BodyTooLarge:
        if (m_exchange)
            m_exchange->cancel();
        if (m_responseStarted)
            abortResponse();
        else
            rejectRequest(LocalReply{413, "request body too large", {}}, true);
        break;
    case Pause::UpstreamCongested: m_wait = Wait::UpstreamDrain; break;
    case Pause::MessageComplete:
        if (m_responseDone)
            completeRequest();
        else
            m_wait = Wait::Response;
        break;
    }
}

HttpParserListener::Action ClientConnection::onRequestHead(RequestHead &head)
{
    m_headerTimer.stop();
    m_context = std::make_unique<RequestContext>();
    m_context->head = std::move(head);
    m_context->startedNs = monotonicNowNs(); // one clock read for both
    m_context->startedMs = m_context->startedNs / 1'000'000;
    m_context->clientAddress = &m_peerAddress;
    m_context->clientIp = m_peerIp;
    m_context->clientPort = m_peerPort;
    if (m_tls.isNull())
        m_tls = m_stream->tlsDescription(); // the handshake is done when a head arrives
    m_context->tls = m_tls;
    const QByteArray given = m_context->head.headers.value("X-Request-Id");
    m_context->requestId = isAcceptableRequestId(given) ? given : generateRequestId();
    m_context->trace = continueTrace(m_context->head.headers, &m_context->traceId);
    m_capture.begin(m_worker->capture(), m_worker->accessLog().isEnabled(),
                    m_context->startedMs);
    m_capture.addRequestHead(m_context->head, m_worker->snapshot()->redactor);
    m_context->captureDetails = m_capture.isCaptured();
    m_context->recordsDecisions = m_capture.isActive();
    if (!m_tls.isEmpty())
        m_context->record(QByteArrayLiteral("tls"), m_tls);
    m_pause = Pause::HeadParsed;
    return Action::Pause;
}

void ClientConnection::dispatchRequest()
{
    m_requestActive = true;
    m_requestBodyDone = false;
    m_discardBody = false;
    m_bodyBytes = 0;
    m_responseStarted = m_responseDone = m_responseChunked = false;
    m_responseStatus = 0;

    RequestContext &ctx = *m_context;
    ctx.snapshot = m_worker->snapshot();
    if (!ctx.head.keepAlive || m_shutdownRequested)
        m_closeAfterResponse = true;

    if (m_tls.isEmpty() && ctx.snapshot->config.settings.redirectHttp && m_worker->httpsPort()) {
        rejectRequest(httpsRedirect(ctx.head, ctx.snapshot->config.settings.listenTls,
                                    m_worker->httpsPort()),
                      false);
        return;
    }
    if (!m_tls.isEmpty() && !ctx.snapshot->hstsValue.isEmpty())
        ctx.responseHeaders.append({QByteArrayLiteral("Strict-Transport-Security"),
                                    ctx.snapshot->hstsValue});

    // Shared with the route tester (see RequestRouting.h).
    if (const std::optional<EarlyReply> early = routeRequest(ctx)) {
        rejectRequest(early->reply, early->close);
        return;
    }
    m_maxBodyBytes = ctx.route->maxBodyBytes;

    m_wait = Wait::Dispatch;
    // Only a chain that can pause needs to learn later whether the request is still here. The
    // token is renewed only after a request that did pause (someone may still hold it).
    if (!ctx.route->policies.isEmpty()) {
        if (!m_alive)
            m_alive = std::make_shared<int>(0);
        ctx.alive = m_alive;
        ctx.mailbox = m_worker->mailbox();
        ctx.redisLinks = m_worker->redisLinks();
        ctx.authMemo = &m_authMemo;
    }
    ctx.route->policies.run(ctx, m_alive, [this](PolicyResult result) {
        if (result.status == PolicyResult::Status::Stop) {
            rejectRequest(result.reply, m_context->head.expectContinue);
        } else {
            startProxy();
        }
        if (!m_inInputLoop)
            processInput(); // a policy resumed later, outside the input loop
    });
    if (m_wait == Wait::Dispatch)
        m_requestPaused = true;
}

void ClientConnection::startProxy()
{
    m_wait = Wait::None;
    const RequestHead &head = m_context->head;
    if (head.expectContinue && head.hasBody() && !head.isHttp10()) {
        writeToClient("HTTP/1.1 100 Continue\r\n\r\n");
        flush();
    }
    m_exchange = std::make_unique<ProxyExchange>(*m_context, static_cast<DownstreamSink *>(this),
                                                 m_worker->pool());
    m_exchange->setHeld(true); // released once the input read with the head has parsed cleanly
    m_exchange->start();
}

void ClientConnection::rejectRequest(const LocalReply &reply, bool close)
{
    m_wait = Wait::None;
    m_requestActive = true;
    m_discardBody = true;
    if (close)
        m_closeAfterResponse = true;
    sendLocalReply(reply);
}

HttpParserListener::Action ClientConnection::onBody(QByteArrayView data)
{
    if (m_discardBody)
        return Action::Continue;
    m_bodyBytes += data.size();
    m_capture.addRequestBody(data);
    if (m_bodyBytes > m_maxBodyBytes) {
        m_pause = Pause::BodyTooLarge;
        return Action::Pause;
    }
    if (!m_exchange || m_exchange->isFinished())
        return Action::Continue;
    m_exchange->sendRequestBody(data);
    if (m_exchange->isUpstreamCongested()) {
        m_pause = Pause::UpstreamCongested;
        return Action::Pause;
    }
    return Action::Continue;
}

HttpParserListener::Action ClientConnection::onMessageComplete()
{
    m_requestBodyDone = true;
    if (m_exchange && !m_exchange->isFinished())
        m_exchange->endRequestBody();
    m_pause = Pause::MessageComplete;
    return Action::Pause;
}

void ClientConnection::completeRequest()
{
    m_requestActive = false;
    m_responseStarted = m_responseDone = m_responseChunked = false;
    m_context.reset();
    if (m_requestPaused) {
        m_alive.reset();
        m_requestPaused = false;
    }
    m_wait = Wait::None;
    if (m_closeAfterResponse) {
        closeConnection();
        return;
    }
    if (m_inputPos < m_input.size())
        m_headerTimer.start(); // a pipelined request is already waiting
    else
        m_idleTimer.start();
}

bool ClientConnection::isDownstreamCongested() const
{
    return m_stream->bytesToWrite() + m_out.size() > kHighWatermarkBytes;
}

void ClientConnection::onUpstreamDrained()
{
    if (m_wait != Wait::UpstreamDrain)
        return;
    m_wait = Wait::None;
    processInput();
}

void ClientConnection::onBytesWritten()
{
    // The stream reports this once its write queue is empty.
    if (m_lingerPending) {
        startLinger();
        return;
    }
    if (m_exchange)
        m_exchange->onDownstreamDrained();
}

void ClientConnection::failProtocol(const HttpError &error)
{
    m_headerTimer.stop();
    if (!m_context) { // the error came before a request head was complete
        m_context = std::make_unique<RequestContext>();
        m_context->requestId = generateRequestId();
        m_context->head.versionMinor = 1;
        // Malformed requests show too.
        m_capture.begin(m_worker->capture(), m_worker->accessLog().isEnabled(), monotonicNowMs());
        m_context->recordsDecisions = m_capture.isActive();
    }
    if (m_exchange) {
        m_exchange->cancel();
        retireExchange();
    }
    if (m_responseStarted && !m_responseDone) {
        abortResponse();
        return;
    }
    m_closeAfterResponse = true;
    m_requestBodyDone = false;
    m_wait = Wait::None;
    if (!m_responseDone)
        sendLocalReply(LocalReply{error.status, error.message, {}});
    else
        closeConnection();
}

void ClientConnection::closeConnection()
{
    if (m_closed || m_lingering || m_lingerPending)
        return;
    flush();
    m_headerTimer.stop();
    m_idleTimer.stop();
    const bool unreadInput =
        m_requestActive || m_parser.isMidMessage() || m_inputPos < m_input.size();
    if (!unreadInput) {
        closeWhenFlushed();
        return;
    }
    m_lingerPending = true;
    if (m_stream->bytesToWrite() == 0)
        startLinger();
}

void ClientConnection::startLinger()
{
    m_lingerPending = false;
    m_lingering = true;
    m_stream->shutdownWrite();
    m_stream->setReadEnabled(true);
    drainInput();
    QTimer::singleShot(kLingerMs, this, [this] { closeNow(); });
}

void ClientConnection::closeWhenFlushed()
{
    flush();
    m_closed = true;
    if (m_stream->closeWhenFlushed())
        onDisconnected(); // nothing was queued: closed already
}

void ClientConnection::closeNow()
{
    m_closed = true;
    m_stream->abort();
    onDisconnected();
}

void ClientConnection::onDisconnected()
{
    if (m_exchange) {
        m_exchange->cancel();
        retireExchange();
    }
    m_headerTimer.stop();
    m_idleTimer.stop();
    if (m_emittedClosed)
        return;
    m_emittedClosed = true;
    m_closed = true;
    Q_EMIT closed(this);
}

} // namespace portico
