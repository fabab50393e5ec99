#include "CaptureDraft.h"

#include "config/Snapshot.h"
#include "http/HttpMessage.h"
#include "observe/TrafficCapture.h"
#include "policy/RequestContext.h"
#include "policy/auth/ConsumerDirectory.h"

#include <QDateTime>

namespace portico {

namespace {

qint64 microseconds(qint64 ns)
{
    return ns / 1000;
}

// Where the request's time went, from the instants its context holds.
CaptureTimings timingsOf(const RequestContext &context, qint64 totalUs)
{
    CaptureTimings t;
    t.totalUs = totalUs;
    if (!context.upstreamSentNs || !context.startedNs) {
        t.gatewayUs = totalUs; // answered by the gateway itself
        return t;
    }
    if (context.upstreamConnectNs)
        t.connectUs = microseconds(context.upstreamConnectNs);
    t.gatewayUs = std::max<qint64>(
        0, microseconds(context.upstreamSentNs - context.startedNs - context.upstreamConnectNs));
    if (context.answeringTarget >= 0)
        t.upstreamUs = microseconds(context.upstreamFirstByteNs);
    return t;
}

QByteArray httpVersion(const RequestHead &head)
{
    return head.isHttp10() ? QByteArrayLiteral("HTTP/1.0") : QByteArrayLiteral("HTTP/1.1");
}

} // namespace

void CaptureDraft::begin(const TrafficCapture *capture, bool forAccessLog, qint64 nowMs)
{
    const bool captured = capture && capture->isCapturing(nowMs);
    m_active = captured || forAccessLog;
    m_details = captured;
    m_bodyLimit = m_details ? capture->bodyLimitBytes() : 0;
    m_requestBody = {};
    m_responseBody = {};
    m_responseHeaders.clear();
    m_requestTarget = QByteArray();
    m_requestFields.clear();
}

void CaptureDraft::addRequestHead(const RequestHead &head)
{
    if (!m_active)
        return;
    m_requestTarget = head.target;
    if (m_details)
        m_requestFields = head.headers;
}

void CaptureDraft::keep(CapturedBody &body, QByteArrayView data)
{
    body.size += data.size();
    const qsizetype room = m_bodyLimit - body.bytes.size();
    if (room > 0)
        body.bytes.append(data.first(std::min(room, data.size())));
    body.truncated = body.size > body.bytes.size() && m_bodyLimit > 0;
}

void CaptureDraft::addResponseHead(const ResponseHead &head, const Redactor &redactor)
{
    if (m_details)
        m_responseHeaders = redactor.redactedFields(head.headers);
}

std::shared_ptr<CaptureRecord> CaptureDraft::finish(const RequestContext &context, int status,
                                                    qint64 totalUs)
{
    if (!m_active)
        return nullptr;
    m_active = false;
    auto record = std::make_shared<CaptureRecord>();
    CaptureRecord &r = *record;
    const RequestHead &head = context.head;
    r.id = context.requestId;
    r.traceId = context.traceId;
    r.startedAtMs = QDateTime::currentMSecsSinceEpoch() - std::max<qint64>(0, totalUs) / 1000;
    r.clientIp = context.clientIp;
    r.clientPort = context.clientPort;
    r.method = head.method;
    r.host = head.headers.value("Host");
    r.target = Redactor::redactedTarget(m_requestTarget.isNull() ? head.target : m_requestTarget);
    r.httpVersion = httpVersion(head);
    if (context.route)
        r.route = context.route->nameUtf8;
    if (context.identity.consumer)
        r.consumer = context.identity.consumer->name;
    r.keyPrefix = context.identity.keyPrefix;
    r.status = status;
    r.requestBytes = m_requestBody.size;
    r.responseBytes = m_responseBody.size;
    if (context.snapshot && context.upstreamService >= 0) {
        const CompiledService &service =
            context.snapshot->services[size_t(context.upstreamService)];
        r.upstreamService = service.nameUtf8;
        const int target = context.answeringTarget >= 0 ? context.answeringTarget
                                                        : context.failedTarget;
        if (target >= 0)
            r.upstreamTarget = service.targets[size_t(target)].urlUtf8;
    }
    r.timings = timingsOf(context, totalUs);
    r.decisions.assign(context.decisions.cbegin(), context.decisions.cend());
    if (m_details && context.snapshot) {
        r.hasHeaders = true;
        r.requestHeaders = context.snapshot->redactor.redactedFields(
            m_requestFields.isEmpty() ? head.headers : m_requestFields);
        r.responseHeaders = std::move(m_responseHeaders);
        r.upstreamUrl = Redactor::redactedTarget(context.upstreamUrl);
        r.requestBody = std::move(m_requestBody);
        r.responseBody = std::move(m_responseBody);
    }
    r.pack();
    m_requestTarget = QByteArray();
    m_requestFields.clear();
    return record;
}

} // namespace portico
