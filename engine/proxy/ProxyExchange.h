#pragma once

#include "http/HttpParser.h"
#include "net/Deadline.h"
#include "proxy/UpstreamConnection.h"

#include <QByteArray>

#include <memory>
#include <optional>

namespace portico {

struct RequestContext;
struct CompiledService;
struct CompiledTarget;
struct SettingsConfig;
class DownstreamSink;
class UpstreamPool;

// Forwards one request to its service and streams the answer back: picks a target, takes a
// pooled connection (or opens one), sends the head and body, parses the response and hands it to
// the sink. Retries once on another target when a connect fails, and on a fresh connection when a
// reused one turns out to be closed. Lives on the worker thread of its client connection, which
// owns it and destroys it only from a fresh event, never from inside one of its calls.
class ProxyExchange : private UpstreamHandler, private HttpParserListener
{
public:
    ProxyExchange(RequestContext &context, DownstreamSink *sink, UpstreamPool *pool);
    ~ProxyExchange() override;
    ProxyExchange(const ProxyExchange &) = delete;
    ProxyExchange &operator=(const ProxyExchange &) = delete;

    void start();
    // While held, nothing goes upstream: the client connection holds the first write until the
    // rest of its input batch parsed cleanly, so a request whose body turns out malformed in
    // the same packet never reaches the service.
    void setHeld(bool held);
    // The client's request body, as it arrives; `endRequestBody` once it is complete.
    void sendRequestBody(QByteArrayView data);
    void endRequestBody();
    // Too much body is waiting to go upstream: the client connection stops reading.
    bool isUpstreamCongested() const;
    // The client's write buffer drained: read the upstream again.
    void onDownstreamDrained();
    // The client is gone or the request was rejected midway: drop the upstream connection.
    void cancel();
    // Called by the worker's sweep: connect and read timeouts.
    void checkTimeouts(qint64 nowMs);

    bool hasResponseStarted() const { return m_responseStarted; }
    bool isFinished() const { return m_finished; }

private:
    enum class Failure { Refused, Timeout, Reset, BadResponse };

    bool connectToNextTarget();
    void attachUpstream(const CompiledTarget &target);
    void sendHead();
    void writeUpstream(const QByteArray &bytes);
    void sendUpstream(QByteArrayView bytes, qsizetype bodyBytes);
    void handleUpstreamEnd(StreamError error);
    void readUpstream();
    void fail(Failure failure, const QByteArray &detail);
    void finish(bool reusable);
    void releaseUpstream(bool reusable);
    void recordConnectFailure();
    // "upstream TLS handshake with host:port failed: <why>" when TLS failed; else empty.
    QByteArray tlsFailure() const;

    // UpstreamHandler
    void onUpstreamConnected() override;
    void onUpstreamReadyRead() override;
    void onUpstreamBytesWritten() override;
    void onUpstreamClosed(StreamError error) override;

    // HttpParserListener (the upstream response)
    Action onResponseHead(ResponseHead &head) override;
    Action onBody(QByteArrayView data) override;
    Action onMessageComplete() override;

    RequestContext &m_context;
    DownstreamSink *m_sink;
    UpstreamPool *m_pool;
    const CompiledService *m_service = nullptr;
    int m_ejectAfter = 3;
    int m_ejectForMs = 10'000;

    int m_targetIndex = -1;
    int m_attempts = 0;
    UpstreamConnection *m_upstream = nullptr;
    QByteArray m_pending;       // bytes waiting for the connection to be up
    QByteArray m_replay;        // everything sent so far, kept while small, for a retry
    bool m_replayable = true;
    bool m_requestComplete = false;
    bool m_bodyEndWritten = false;

    std::optional<HttpParser> m_responseParser; // in place: one allocation less per request
    QByteArray m_upstreamInput;
    bool m_interimResponse = false;
    bool m_responseStarted = false;
    bool m_responseKeepAlive = false;
    bool m_readPaused = false;
    bool m_parserResumed = false;
    bool m_upstreamEnded = false; // the upstream closed its side; only kept input remains
    bool m_finished = false;
    bool m_messageDone = false;
    qint64 m_responseBytes = 0;

    bool m_connecting = false;
    bool m_held = false;
    bool m_headDue = false; // connected; the head waits for setHeld(false)
    Deadline m_connectTimer;
    Deadline m_readTimer;
    // Monotonic ns for the context's upstream timings (see RequestContext).
    qint64 m_connectStartNs = 0; // 0: the connection came from the pool
    qint64 m_sentNs = 0;         // the request head went out
    qint64 m_readNs = 0;         // the last read that restarted the read timer
};

// One is allocated per proxied request: within glibc's small sizes, as RequestContext is.
static_assert(sizeof(ProxyExchange) <= 1008, "ProxyExchange grew past glibc's small sizes");

} // namespace portico
