#include "CaptureJson.h"

#include "observe/CaptureText.h"

#include <QDateTime>
#include <QJsonArray>

namespace portico {

namespace {

QString text(const QByteArray &bytes)
{
    return captureText(bytes);
}

QJsonArray fieldsToJson(const std::vector<CapturedField> &fields)
{
    QJsonArray out;
    for (const CapturedField &field : fields)
        out.append(QJsonObject{{"name", text(field.name)}, {"value", text(field.value)}});
    return out;
}

QJsonValue micros(qint64 us)
{
    return us < 0 ? QJsonValue() : QJsonValue(us);
}

} // namespace

QJsonObject capturedBodyToJson(const CapturedBody &body)
{
    QJsonObject out{{"size", body.size}, {"truncated", body.truncated}};
    if (isUtf8(body.bytes))
        out.insert("text", text(body.bytes));
    else
        out.insert("base64", QString::fromLatin1(body.bytes.toBase64()));
    return out;
}

QJsonObject captureToJson(const CaptureRecord &r)
{
    QJsonArray decisions;
    for (const auto &[stage, decision] : r.decisions)
        decisions.append(QJsonObject{{"stage", text(stage)}, {"decision", text(decision)}});
    const CaptureTimings &t = r.timings;
    QJsonObject out{
        {"sequence", qint64(r.sequence)},
        {"id", text(r.id)},
        {"trace_id", r.traceId.isEmpty() ? QJsonValue() : QJsonValue(text(r.traceId))},
        {"time", QDateTime::fromMSecsSinceEpoch(r.startedAtMs, Qt::UTC)
                     .toString(Qt::ISODateWithMs)},
        {"client", QJsonObject{{"ip", text(r.clientIp)}, {"port", int(r.clientPort)}}},
        {"method", text(r.method)},
        {"scheme", text(r.scheme)},
        {"host", text(r.host)},
        {"target", text(r.target)},
        {"http_version", text(r.httpVersion)},
        {"status", r.status},
        {"request_bytes", r.requestBytes},
        {"response_bytes", r.responseBytes},
        {"route", r.route.isEmpty() ? QJsonValue() : QJsonValue(text(r.route))},
        {"consumer", r.consumer.isEmpty() ? QJsonValue() : QJsonValue(text(r.consumer))},
        {"key_prefix", r.keyPrefix.isEmpty() ? QJsonValue() : QJsonValue(text(r.keyPrefix))},
        {"upstream",
         r.upstreamService.isEmpty()
             ? QJsonValue()
             : QJsonValue(QJsonObject{{"service", text(r.upstreamService)},
                                      {"target", text(r.upstreamTarget)}})},
        {"timings_us", QJsonObject{{"gateway", micros(t.gatewayUs)},
                                   {"connect", micros(t.connectUs)},
                                   {"upstream", micros(t.upstreamUs)},
                                   {"total", micros(t.totalUs)}}},
        {"decisions", decisions},
    };
    if (r.hasHeaders) {
        out.insert("request_headers", fieldsToJson(r.requestHeaders));
        out.insert("response_headers", fieldsToJson(r.responseHeaders));
        if (!r.upstreamUrl.isEmpty())
            out.insert("upstream_url", text(r.upstreamUrl));
        if (!r.requestBody.bytes.isEmpty())
            out.insert("request_body", capturedBodyToJson(r.requestBody));
        if (!r.responseBody.bytes.isEmpty())
            out.insert("response_body", capturedBodyToJson(r.responseBody));
    }
    return out;
}

} // namespace portico
