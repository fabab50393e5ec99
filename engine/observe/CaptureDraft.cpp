#include "CaptureDraft.h"

#include "config/Snapshot.h"
#include "http/HttpMessage.h"
#include "observe/Redactor.h"
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

QByteArrayView httpVersion(const RequestHead &head)
{
    return head.isHttp10() ? "HTTP/1.0" : "HTTP/1.1";
}

// The Host field's value, without copying it.
QByteArrayView hostOf(const HeaderMap &headers)
{
    for (const auto &[name, value] : headers.fields()) {
        if (HeaderMap::namesEqual(name, "host"))
            return value;
    }
    return {};
}

} // namespace

void CaptureDraft::begin(const TrafficCapture *capture, bool forAccessLog, qint64 nowMs)
{
    const bool captured = capture && capture->isCapturing(nowMs);
    m_active = captured || forAccessLog;
    m_details = captured;
    if (!m_active)
        return;
    m_bodyLimit = m_details ? capture->bodyLimitBytes() : 0;
    m_requestBytes = m_responseBytes = 0;
    if (!m_requestBody.isEmpty() || !m_responseBody.isEmpty()) {
        m_requestBody.resize(0);
        m_responseBody.resize(0);
    }
    m_writer.start();
}

void CaptureDraft::addRequestHead(const RequestHead &head, const Redactor &redactor)
{
    if (!m_active)
        return;
    const QByteArray target = Redactor::redactedTarget(head.target); // shared when no secret
    const QByteArrayView request[] = {head.method, target, httpVersion(head),
                                      hostOf(head.headers)};
    m_writer.section(CaptureSection::Request, request);
    if (m_details)
        m_writer.section(CaptureSection::RequestHeaders, head.headers.fields(), &redactor);
}

void CaptureDraft::keep(QByteArray &kept, qint64 &size, QByteArrayView data)
{
    size += data.size();
    const qsizetype room = m_bodyLimit - kept.size();
    if (room > 0)
        kept.append(data.first(std::min(room, data.size())));
}

void CaptureDraft::addResponseHead(const ResponseHead &head, QByteArrayView sent,
                                   const Redactor &redactor)
{
    if (!m_details)
        return;
    // The bytes as sent are one copy; with a secret among them, the fields one by one.
    for (const auto &[name, value] : head.headers.fields()) {
        if (redactor.isSecret(name)) {
            m_writer.section(CaptureSection::ResponseHeaders, head.headers.fields(), &redactor);
            return;
        }
    }
    m_writer.section(CaptureSection::ResponseHead, {&sent, 1});
}

QByteArray *CaptureDraft::finish(const RequestContext &context, int status, qint64 totalUs)
{
    if (!m_active)
        return nullptr;
    m_active = false;
    CaptureSummary s;
    s.id = context.requestId;
    s.traceId = context.traceId;
    s.clientIp = context.clientIp;
    s.scheme = "http";
    if (context.route)
        s.route = context.route->nameUtf8;
    if (context.identity.consumer)
        s.consumer = context.identity.consumer->name;
    s.keyPrefix = context.identity.keyPrefix;
    QByteArray upstreamPath; // redacted
    if (context.snapshot && context.upstreamService >= 0) {
        const CompiledService &service =
            context.snapshot->services[size_t(context.upstreamService)];
        s.upstreamService = service.nameUtf8;
        const int index = context.answeringTarget >= 0 ? context.answeringTarget
                                                       : context.failedTarget;
        if (index >= 0) {
            const CompiledTarget &target = service.targets[size_t(index)];
            s.upstreamTarget = target.urlUtf8;
            if (m_details && !context.upstreamRequestTarget.isEmpty()) {
                upstreamPath = Redactor::redactedTarget(context.upstreamRequestTarget);
                s.upstreamUrl[0] = target.tls ? "https://" : "http://";
                s.upstreamUrl[1] = target.hostPort;
                s.upstreamUrl[2] = upstreamPath;
            }
        }
    }
    s.figures = {QDateTime::currentMSecsSinceEpoch() - std::max<qint64>(0, totalUs) / 1000,
                 context.clientPort,
                 status,
                 m_requestBytes,
                 m_responseBytes,
                 m_details,
                 timingsOf(context, totalUs)};
    writeSummary(m_writer, s);
    m_writer.section(CaptureSection::Decisions, context.decisions);
    if (m_bodyLimit > 0) {
        const QByteArrayView bodies[] = {m_requestBody, m_responseBody};
        m_writer.section(CaptureSection::Bodies, bodies);
    }
    return &m_writer.finish();
}

} // namespace portico
