#include "ProxyExchange.h"

#include "config/Snapshot.h"
#include "http/Serializer.h"
#include "net/Deadline.h"
#include "net/FlowControl.h"
#include "net/ReadScratch.h"
#include "policy/RequestContext.h"
#include "proxy/DownstreamSink.h"
#include "proxy/ProxyHeaders.h"
#include "proxy/TargetHealth.h"
#include "proxy/UpstreamPool.h"

#include <algorithm>

namespace portico {

namespace {

// A request body up to this size is kept until the response starts, so a request that met a
// closed keep-alive connection can be sent again on a fresh one.
constexpr qsizetype kMaxReplayBytes = 64 * 1024;

} // namespace

ProxyExchange::ProxyExchange(RequestContext &context, DownstreamSink *sink, UpstreamPool *pool)
    : m_context(context)
    , m_sink(sink)
    , m_pool(pool)
{
}

void ProxyExchange::checkTimeouts(qint64 nowMs)
{
    if (m_connectTimer.fire(nowMs)) {
        m_connecting = false;
        recordConnectFailure();
        releaseUpstream(false);
        if (!connectToNextTarget())
            fail(Failure::Timeout, "upstream connect timeout");
    } else if (m_readTimer.fire(nowMs)) {
        fail(Failure::Timeout, "upstream read timeout");
    }
}

ProxyExchange::~ProxyExchange()
{
    if (m_upstream)
        releaseUpstream(false);
}

void ProxyExchange::start()
{
    const Snapshot &snapshot = *m_context.snapshot;
    m_service = &snapshot.services[size_t(m_context.route->serviceIndex)];
    m_ejectAfter = snapshot.config.settings.ejectAfterFailures;
    m_ejectForMs = snapshot.config.settings.ejectDurationMs;
    m_connectTimer.setInterval(m_service->connectTimeoutMs);
    m_readTimer.setInterval(m_service->readTimeoutMs);
    m_context.upstreamService = m_context.route->serviceIndex;
    if (!connectToNextTarget())
        fail(Failure::Refused, "no upstream target available");
}

bool ProxyExchange::connectToNextTarget()
{
    const int maxAttempts = 1 + m_service->retries;
    if (m_attempts >= maxAttempts || m_finished)
        return false;
    const qint64 now = monotonicNowMs();
    const auto &targets = m_service->targets;
    const int previous = m_targetIndex;
    int next = m_service->balancer.pick(
        [&](int t) { return !targets[size_t(t)].health->isEjected(now); }, previous);
    if (next < 0) // every other target is ejected: try them anyway rather than fail outright
        next = m_service->balancer.pick([](int) { return true; }, previous);
    if (next < 0 && m_attempts == 0)
        next = m_service->balancer.pick([](int) { return true; });
    if (next < 0)
        return false;

    ++m_attempts;
    m_targetIndex = next;
    attachUpstream(targets[size_t(next)]);
    return true;
}

void ProxyExchange::attachUpstream(const CompiledTarget &target)
{
    // Whatever was sent on a previous attempt goes out again, after the new head.
    m_pending = m_replay + m_pending;
    m_replay.clear();
    m_upstream = m_pool->acquire(target.poolKey, target.host, target.port,
                                 target.tls ? m_service->tls : nullptr);
    m_upstream->setHandler(this);
    if (m_upstream->isConnected()) {
        m_connectStartNs = 0; // pooled: no connect time
        onUpstreamConnected();
    } else {
        m_connecting = true;
        m_connectStartNs = monotonicNowNs(); // the clock read the timer needs anyway
        m_connectTimer.start(m_connectStartNs / 1'000'000);
    }
}

void ProxyExchange::onUpstreamConnected()
{
    m_connecting = false;
    m_connectTimer.stop();
    const CompiledTarget &target = m_service->targets[size_t(m_targetIndex)];
    if (!m_upstream->isReused())
        target.health->recordSuccess();
    // One clock read per new connection; none for a pooled one.
    m_context.upstreamConnectNs = m_connectStartNs ? monotonicNowNs() - m_connectStartNs : 0;
    m_context.record(QByteArrayLiteral("upstream"), target.hostPort);
    if (target.tls && m_context.recordsDecisions)
        m_context.record(QByteArrayLiteral("upstream_tls"), m_upstream->stream().tlsDescription());
    m_responseParser.emplace(HttpParser::Kind::Response, static_cast<HttpParserListener *>(this));
    m_upstreamInput.clear();

    m_upstreamEnded = false;
    m_upstream->stream().setReadEnabled(true);
    m_headDue = true;
    if (!m_held)
        sendHead();
}

void ProxyExchange::setHeld(bool held)
{
    m_held = held;
    if (!held && m_headDue && m_upstream && !m_connecting)
        sendHead();
}

void ProxyExchange::sendHead()
{
    m_headDue = false;
    const CompiledTarget &target = m_service->targets[size_t(m_targetIndex)];
    // The head and whatever body is already here leave in one write.
    QByteArray out;
    RequestHead head = makeUpstreamRequestHead(m_context, *m_service, target);
    appendRequestHead(out, head);
    if (m_context.captureDetails)
        m_context.upstreamRequestTarget = std::move(head.target); // the head is done with
    const qsizetype headSize = out.size();
    out += m_pending;
    m_pending = QByteArray();
    // The send time for the first-byte figure; the read timer shares the clock read.
    m_sentNs = monotonicNowNs();
    m_context.upstreamSentNs = m_sentNs;
    sendUpstream(out, out.size() - headSize);
    if (m_requestComplete)
        m_readTimer.start(m_sentNs / 1'000'000);
    else if (!isUpstreamCongested())
        m_sink->onUpstreamDrained(); // body that waited for the connect went out at once
}

void ProxyExchange::writeUpstream(const QByteArray &bytes)
{
    if (!m_upstream || m_connecting || m_headDue) {
        m_pending += bytes;
        return;
    }
    sendUpstream(bytes, bytes.size());
}

void ProxyExchange::sendUpstream(QByteArrayView bytes, qsizetype bodyBytes)
{
    // Body bytes are kept while small, to send them again if the connection proves stale.
    if (m_replayable) {
        if (m_replay.size() + bodyBytes <= kMaxReplayBytes) {
            m_replay.append(bytes.last(bodyBytes));
        } else {
            m_replayable = false;
            m_replay = QByteArray();
        }
    }
    // A failed write is reported by the stream from the event loop (onUpstreamClosed): the
    // caller may be deep inside the client's parser.
    m_upstream->stream().write(bytes);
}

void ProxyExchange::sendRequestBody(QByteArrayView data)
{
    if (m_finished || data.isEmpty())
        return;
    if (m_context.head.framing == BodyFraming::Chunked) {
        QByteArray chunk;
        appendChunk(chunk, data);
        writeUpstream(chunk);
    } else {
        writeUpstream(data.toByteArray());
    }
}

void ProxyExchange::endRequestBody()
{
    m_requestComplete = true;
    if (m_finished)
        return;
    if (m_context.head.framing == BodyFraming::Chunked) {
        QByteArray last;
        appendLastChunk(last);
        writeUpstream(last);
    }
    if (m_upstream && m_upstream->isConnected() && !m_responseStarted && !m_readPaused)
        m_readTimer.start();
}

bool ProxyExchange::isUpstreamCongested() const
{
    qint64 waiting = m_pending.size();
    if (m_upstream)
        waiting += m_upstream->stream().bytesToWrite();
    return waiting > kHighWatermarkBytes;
}

void ProxyExchange::onUpstreamBytesWritten()
{
    if (m_pending.isEmpty())
        m_sink->onUpstreamDrained();
}

void ProxyExchange::onUpstreamReadyRead()
{
    if (!m_readPaused && !m_finished)
        readUpstream();
}

void ProxyExchange::readUpstream()
{
    while (!m_finished && !m_readPaused && m_upstream) {
        QByteArrayView input;
        const bool kept = !m_upstreamInput.isEmpty();
        if (kept) {
            input = m_upstreamInput;
        } else {
            char *scratch = readScratch(ScratchSlot::Upstream);
            const qint64 n =
                m_upstreamEnded ? 0 : m_upstream->stream().read(scratch, kReadChunkBytes);
            if (n == ByteStream::kClosed) {
                m_upstreamEnded = true;
                handleUpstreamEnd(StreamError::Closed);
                return;
            }
            input = QByteArrayView(scratch, n);
            // After a pause the parser may owe the completion callback: run it once anyway.
            if (input.isEmpty() && !m_parserResumed)
                return;
            if (!m_responseStarted || m_readTimer.isActive()) {
                m_readNs = monotonicNowNs(); // when the response head came, if it is in here
                m_readTimer.start(m_readNs / 1'000'000);
            }
        }
        m_parserResumed = false;
        const HttpParser::Result result = m_responseParser->feed(input);
        m_sink->flush();
        if (result.status == HttpParser::Status::Error) {
            fail(Failure::BadResponse,
                 "invalid response from upstream: " + m_responseParser->error().message);
            return;
        }
        if (kept)
            m_upstreamInput.remove(0, result.consumed);
        else if (result.consumed < input.size())
            m_upstreamInput = input.sliced(result.consumed).toByteArray();
        if (m_messageDone) {
            // Bytes after a complete response mean the upstream is out of step: don't reuse.
            const bool clean = m_upstreamInput.isEmpty() && !m_upstreamEnded;
            finish(clean && m_responseKeepAlive && m_requestComplete && m_pending.isEmpty());
            return;
        }
    }
}

HttpParserListener::Action ProxyExchange::onResponseHead(ResponseHead &head)
{
    if (head.status >= 100 && head.status < 200) {
        m_interimResponse = true; // 100/103: the client gets only the final response
        return Action::Continue;
    }
    m_responseStarted = true;
    m_responseKeepAlive = head.keepAlive;
    m_context.answeringTarget = m_targetIndex;
    m_context.upstreamFirstByteNs = std::max<qint64>(0, m_readNs - m_sentNs);
    m_replay = QByteArray(); // never replayed once an answer came
    m_replayable = false;
    m_context.record(QByteArrayLiteral("upstream_status"), statusCodeText(head.status));
    prepareDownstreamResponseHead(head, m_context);
    const bool isHead = m_context.head.method == "HEAD";
    m_sink->sendResponseHead(std::move(head));
    return isHead ? Action::SkipBody : Action::Continue;
}

HttpParserListener::Action ProxyExchange::onBody(QByteArrayView data)
{
    m_responseBytes += data.size();
    m_sink->sendResponseBody(data);
    if (m_sink->isDownstreamCongested()) {
        m_readPaused = true;
        m_upstream->stream().setReadEnabled(false);
        m_readTimer.stop(); // waiting on the client is not the upstream's fault
        return Action::Pause;
    }
    return Action::Continue;
}

HttpParserListener::Action ProxyExchange::onMessageComplete()
{
    if (m_interimResponse) {
        m_interimResponse = false;
        return Action::Continue;
    }
    m_messageDone = true;
    return Action::Pause;
}

void ProxyExchange::onDownstreamDrained()
{
    if (!m_readPaused || m_finished)
        return;
    m_readPaused = false;
    if (m_upstream)
        m_upstream->stream().setReadEnabled(true);
    m_responseParser->resume();
    m_parserResumed = true;
    m_readTimer.start();
    readUpstream();
    if (m_upstreamEnded && !m_finished && !m_readPaused)
        handleUpstreamEnd(StreamError::Closed); // the close waited behind the paused input
}

void ProxyExchange::onUpstreamClosed(StreamError error)
{
    if (m_finished || !m_upstream)
        return;
    m_upstreamEnded = true;
    handleUpstreamEnd(error);
}

void ProxyExchange::handleUpstreamEnd(StreamError error)
{
    if (m_finished)
        return;
    if (m_connecting) { // never connected (a failed TLS handshake included)
        m_connecting = false;
        m_connectTimer.stop();
        const QByteArray tls = tlsFailure();
        recordConnectFailure();
        if (!tls.isEmpty())
            m_context.record(QByteArrayLiteral("tls_failed"), tls);
        releaseUpstream(false);
        // Like a refused connect: tried on another target, never again on this one.
        if (connectToNextTarget())
            return;
        if (!tls.isEmpty())
            fail(Failure::Refused, tls);
        else if (error == StreamError::HostNotFound)
            fail(Failure::Refused, "upstream host not found");
        else
            fail(Failure::Refused, "upstream connection refused");
        return;
    }
    // Whatever the upstream sent before closing is still to be parsed.
    if (!m_readPaused)
        readUpstream();
    if (m_finished)
        return;
    if (m_responseStarted) {
        if (m_readPaused)
            return; // the rest is buffered; it is parsed once the client drains
        const HttpParser::Result end = m_responseParser->finish();
        if (end.status != HttpParser::Status::Error && m_messageDone)
            finish(false);
        else
            fail(Failure::Reset, "upstream closed the connection mid-response");
        return;
    }
    // A reused keep-alive connection closed before any answer: the target most likely timed it
    // out just as we sent. Safe to send again on a fresh connection when replayable.
    const bool stale = m_upstream && m_upstream->isReused() && m_upstreamInput.isEmpty();
    if (stale && m_replayable && isIdempotentMethod(m_context.head.method)) {
        // Same target, not counted as an attempt: a stale connection is not the target's failure.
        releaseUpstream(false);
        const CompiledTarget &target = m_service->targets[size_t(m_targetIndex)];
        attachUpstream(target);
        return;
    }
    // A TLS alert (a TLS 1.3 server refusing our certificate) ends it after the handshake.
    const QByteArray tls = tlsFailure();
    fail(Failure::Reset, tls.isEmpty() ? "upstream closed the connection before responding" : tls);
}

QByteArray ProxyExchange::tlsFailure() const
{
    if (!m_upstream || m_targetIndex < 0)
        return {};
    const QString reason = m_upstream->tlsFailure();
    if (reason.isEmpty())
        return {};
    const CompiledTarget &target = m_service->targets[size_t(m_targetIndex)];
    return "upstream TLS " + QByteArray(m_upstream->tlsFailedInHandshake() ? "handshake " : "")
        + "with " + target.hostPort + " failed: " + reason.toUtf8();
}

void ProxyExchange::recordConnectFailure()
{
    if (m_targetIndex < 0)
        return;
    const CompiledTarget &target = m_service->targets[size_t(m_targetIndex)];
    m_context.failedTarget = m_targetIndex;
    if (target.health->recordFailure(monotonicNowMs(), m_ejectAfter, m_ejectForMs))
        m_context.record(QByteArrayLiteral("ejected"), target.hostPort);
    m_context.record(QByteArrayLiteral("connect_failed"), target.hostPort);
}

void ProxyExchange::fail(Failure failure, const QByteArray &detail)
{
    if (m_finished)
        return;
    m_finished = true;
    m_connectTimer.stop();
    m_readTimer.stop();
    releaseUpstream(false);
    if (m_targetIndex >= 0)
        m_context.failedTarget = m_targetIndex;
    m_context.record(QByteArrayLiteral("upstream_error"), detail);
    if (m_responseStarted) {
        m_sink->abortResponse();
        return;
    }
    LocalReply reply;
    reply.status = failure == Failure::Timeout ? 504 : 502;
    reply.error = detail;
    m_sink->sendLocalReply(reply);
}

void ProxyExchange::finish(bool reusable)
{
    m_finished = true;
    m_connectTimer.stop();
    m_readTimer.stop();
    releaseUpstream(reusable);
    m_sink->finishResponse();
}

void ProxyExchange::releaseUpstream(bool reusable)
{
    if (!m_upstream)
        return;
    UpstreamConnection *connection = m_upstream;
    m_upstream = nullptr;
    m_pool->release(connection, reusable);
}

void ProxyExchange::cancel()
{
    m_finished = true;
    m_connectTimer.stop();
    m_readTimer.stop();
    releaseUpstream(false);
}

} // namespace portico
