#pragma once

#include "http/HttpMessage.h"
#include "observe/TraceContext.h"

#include <QByteArray>
#include <QHostAddress>
#include <QVarLengthArray>

#include <functional>
#include <memory>
#include <utility>
#include <vector>

namespace portico {

struct Snapshot;
struct CompiledRoute;
struct CompiledConsumer;
struct AuthMemo;
class ThreadMailbox;
class RedisLinks;

// Who the request comes from, once an authentication policy accepted its credential. Services
// behind the gateway receive it as X-Consumer-* and X-Authenticated-* headers.
struct RequestIdentity
{
    bool authenticated = false;
    const CompiledConsumer *consumer = nullptr; // owned by the snapshot; null = anonymous
    QByteArray subject;                          // the token's subject; empty for API keys
    QByteArray scope;                            // space-separated, from the token
    QByteArray keyPrefix;                        // the API key's display prefix, for captures
};

// Everything the gateway knows and decided about one request. Policies read the request and
// record their decisions here, so logs and the inspector can show why it got its answer.
struct RequestContext
{
    std::shared_ptr<const Snapshot> snapshot; // the snapshot the request started with
    const CompiledRoute *route = nullptr;     // owned by snapshot
    int routeIndex = -1;
    RequestHead head;
    QByteArray normalizedPath;
    qsizetype stripLength = 0;
    QByteArray requestId;
    QByteArray traceId; // W3C trace context: the trace's id, 32 hex digits; empty = not traced
    // The gateway's span in that trace (the parent id sent upstream in traceparent), and
    // whether the client's tracestate goes along. Set with traceId when the head is parsed.
    GatewaySpan trace;
    // The connection's, which outlives its requests (a QHostAddress of its own would cost an
    // allocation per request: Qt's default constructor makes one).
    const QHostAddress *clientAddress = nullptr;
    QByteArray clientIp; // clientAddress as text, computed once per connection
    QByteArray tls;      // "TLSv1.3 TLS_AES_128_GCM_SHA256" over TLS, empty over plain TCP
    quint16 clientPort = 0;
    qint64 startedMs = 0; // monotonic clock
    qint64 startedNs = 0; // the same instant in ns, for the latency figures; 0 = no head parsed
    RequestIdentity identity;
    // The upstream side, set by the proxy. Targets are indices in the snapshot:
    // services[upstreamService].targets[...]. Retries overwrite them: the target that finally
    // answered counts, and only the last failed try is kept.
    int upstreamService = -1;
    int answeringTarget = -1;       // sent the response head; -1 = none did
    int failedTarget = -1;          // its try failed (connect, timeout, reset, bad response)
    qint64 upstreamConnectNs = 0;   // 0 when a pooled connection was reused
    qint64 upstreamFirstByteNs = 0; // from sending the request head to reading the response's
    qint64 upstreamSentNs = 0;      // when the (last try's) request head was sent; 0 = never
    // Set by the connection when this request's details are captured: the proxy then notes
    // the request target it sends upstream (the record shows the upstream URL).
    bool captureDetails = false;
    QByteArray upstreamRequestTarget;
    // For policies that pause: the worker's mailbox to resume on, and whether the request is
    // still there when they do (copy it before pausing; the context may be gone by then).
    ThreadMailbox *mailbox = nullptr;
    std::weak_ptr<void> alive;
    AuthMemo *authMemo = nullptr; // the connection's (see AuthMemo)
    RedisLinks *redisLinks = nullptr; // the worker's connections to Redis
    // The route tester's request: policies decide as for a real one but change nothing (no
    // key use noted, rate-limit counters peeked instead of counted, no JWKS fetched; a policy
    // that would wait says so in its decision and pauses without resuming).
    bool dryRun = false;

    // Fields a policy adds to the response the client gets (e.g. RateLimit). Stored inline, as
    // are the decisions: the context is allocated anyway, a vector would be one more per request.
    InlineHeaderFields responseHeaders;

    // (policy or stage, decision), e.g. ("route", "users"), ("upstream", "127.0.0.1:9001").
    // Room for four inline: a captured request with more moves them to the heap, which keeps
    // the context itself small (see the size check below).
    QVarLengthArray<std::pair<QByteArray, QByteArray>, 4> decisions;
    // False when no one reads them (the request is neither captured nor logged): they are not
    // kept then, and a decision that takes formatting is not formatted (see record()).
    bool recordsDecisions = true;
    void record(QByteArray stage, QByteArray decision)
    {
        if (recordsDecisions)
            decisions.emplace_back(std::move(stage), std::move(decision));
    }
};

// One is allocated per request. glibc serves an allocation of up to 1008 bytes from its
// per-thread cache; a larger one first merges every small block freed meanwhile
// (malloc_consolidate), which under load cost more than the rest of a request's allocations.
static_assert(sizeof(RequestContext) <= 1008, "RequestContext grew past glibc's small sizes");

} // namespace portico
