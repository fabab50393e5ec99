#include "HarFormat.h"

#include "CaptureText.h"
#include "http/HeaderMap.h"
#include "http/HttpMessage.h"

#include <QDateTime>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

namespace portico {

namespace {

QJsonArray headersJson(const std::vector<CapturedField> &fields)
{
    QJsonArray array;
    for (const CapturedField &field : fields) {
        array.append(
            QJsonObject{{"name", captureText(field.name)}, {"value", captureText(field.value)}});
    }
    return array;
}

QByteArray headerValue(const std::vector<CapturedField> &fields, QByteArrayView name)
{
    for (const CapturedField &field : fields) {
        if (HeaderMap::namesEqual(field.name, name))
            return field.value;
    }
    return {};
}

// The query's name=value pairs, decoded as a form would be ('+' is a space).
QJsonArray queryJson(QByteArrayView target)
{
    QJsonArray array;
    const qsizetype question = target.indexOf('?');
    if (question < 0)
        return array;
    QByteArrayView query = target.sliced(question + 1);
    if (const qsizetype hash = query.indexOf('#'); hash >= 0)
        query = query.first(hash);
    const auto decode = [](QByteArrayView part) {
        QByteArray bytes = part.toByteArray().replace('+', ' ');
        return captureText(QByteArray::fromPercentEncoding(bytes));
    };
    for (QByteArrayView pair : QByteArray::fromRawData(query.data(), query.size()).split('&')) {
        if (pair.isEmpty())
            continue;
        const qsizetype equals = pair.indexOf('=');
        const QByteArrayView name = equals < 0 ? pair : pair.first(equals);
        const QByteArrayView value = equals < 0 ? QByteArrayView() : pair.sliced(equals + 1);
        array.append(QJsonObject{{"name", decode(name)}, {"value", decode(value)}});
    }
    return array;
}

// Writes bytes as "text", base64-encoded (and `encodingKey` says so) unless they are UTF-8.
void putBody(QJsonObject &object, const QByteArray &bytes, const QString &encodingKey)
{
    if (isUtf8(bytes)) {
        object.insert("text", QString::fromUtf8(bytes));
    } else {
        object.insert("text", QString::fromLatin1(bytes.toBase64()));
        object.insert(encodingKey, "base64");
    }
}

double ms(qint64 micros)
{
    return micros < 0 ? -1.0 : double(micros) / 1000.0;
}

QJsonObject requestJson(const CaptureRecord &record)
{
    QJsonObject request{
        {"method", captureText(record.method)},
        {"url", captureText(requestUrl(record))},
        {"httpVersion", captureText(record.httpVersion)},
        {"cookies", QJsonArray()},
        {"headers", headersJson(record.requestHeaders)},
        {"queryString", queryJson(record.target)},
        {"headersSize", -1},
        {"bodySize", record.requestBytes},
    };
    if (!record.requestBody.bytes.isEmpty()) {
        // HAR's postData has no "encoding": a body that is not UTF-8 is written as base64 text
        // with "_encoding": "base64", which Portico reads back and other tools show as is.
        QJsonObject postData{
            {"mimeType", captureText(headerValue(record.requestHeaders, "content-type"))}};
        putBody(postData, record.requestBody.bytes, "_encoding");
        request.insert("postData", postData);
    }
    return request;
}

QJsonObject responseJson(const CaptureRecord &record)
{
    const bool answered = record.status != 0;
    QJsonObject content{
        {"size",
         record.responseBody.bytes.isEmpty() && record.responseBody.size == 0
             ? record.responseBytes
             : record.responseBody.size},
        {"mimeType", captureText(headerValue(record.responseHeaders, "content-type"))},
    };
    if (!record.responseBody.bytes.isEmpty())
        putBody(content, record.responseBody.bytes, "encoding");
    return QJsonObject{
        {"status", record.status},
        {"statusText", answered ? QString::fromLatin1(reasonPhrase(record.status)) : QString()},
        {"httpVersion", answered ? captureText(record.httpVersion) : QString()},
        {"cookies", QJsonArray()},
        {"headers", headersJson(record.responseHeaders)},
        {"content", content},
        {"redirectURL", captureText(headerValue(record.responseHeaders, "location"))},
        {"headersSize", -1},
        {"bodySize", record.responseBytes},
    };
}

QJsonObject timingsJson(const HarTimings &timings)
{
    return QJsonObject{
        {"blocked", -1},
        {"dns", -1},
        {"connect", ms(timings.connectUs)},
        {"send", 0},
        {"wait", ms(timings.waitUs)},
        {"receive", ms(timings.receiveUs)},
        {"ssl", -1},
    };
}

QJsonObject porticoJson(const CaptureRecord &record)
{
    QJsonArray decisions;
    for (const auto &[stage, decision] : record.decisions)
        decisions.append(
            QJsonObject{{"stage", captureText(stage)}, {"decision", captureText(decision)}});
    const CaptureTimings &t = record.timings;
    return QJsonObject{
        {"id", captureText(record.id)},
        {"traceId", captureText(record.traceId)},
        {"sequence", qint64(record.sequence)},
        {"clientIp", captureText(record.clientIp)},
        {"clientPort", record.clientPort},
        {"route", captureText(record.route)},
        {"consumer", captureText(record.consumer)},
        {"keyPrefix", captureText(record.keyPrefix)},
        {"upstreamService", captureText(record.upstreamService)},
        {"upstreamTarget", captureText(record.upstreamTarget)},
        {"upstreamUrl", captureText(record.upstreamUrl)},
        {"decisions", decisions},
        {"headersCaptured", record.hasHeaders},
        {"requestBodySize", record.requestBody.size},
        {"requestBodyTruncated", record.requestBody.truncated},
        {"responseBodySize", record.responseBody.size},
        {"responseBodyTruncated", record.responseBody.truncated},
        {"timingsUs",
         QJsonObject{{"gateway", t.gatewayUs},
                     {"connect", t.connectUs},
                     {"upstream", t.upstreamUs},
                     {"total", t.totalUs}}},
    };
}

// The upstream target's address when its URL names one (HAR's server is the one that
// answered; a host name would need a lookup, which export does not make).
QString serverIp(const CaptureRecord &record)
{
    const QString host = QUrl(QString::fromUtf8(record.upstreamTarget)).host();
    return QHostAddress(host).isNull() ? QString() : host;
}

QJsonObject entryJson(const CaptureRecord &record)
{
    const HarTimings timings = harTimings(record.timings);
    QJsonObject entry{
        {"startedDateTime",
         QDateTime::fromMSecsSinceEpoch(record.startedAtMs, Qt::UTC).toString(Qt::ISODateWithMs)},
        {"time", ms(timings.totalUs)},
        {"request", requestJson(record)},
        {"response", responseJson(record)},
        {"cache", QJsonObject()},
        {"timings", timingsJson(timings)},
        {"_portico", porticoJson(record)},
    };
    if (const QString ip = serverIp(record); !ip.isEmpty())
        entry.insert("serverIPAddress", ip);
    return entry;
}

} // namespace

HarTimings harTimings(const CaptureTimings &timings)
{
    HarTimings har;
    har.connectUs = timings.connectUs >= 0 ? timings.connectUs : -1;
    const qint64 connect = qMax<qint64>(har.connectUs, 0);
    const bool proxied = timings.gatewayUs >= 0 || timings.upstreamUs >= 0;
    qint64 wait = qMax<qint64>(timings.gatewayUs, 0) + qMax<qint64>(timings.upstreamUs, 0);
    const qint64 total = timings.totalUs >= 0 ? timings.totalUs : connect + wait;
    // A local answer (no upstream): the gateway's whole time was the client's wait.
    if (!proxied)
        wait = qMax<qint64>(total - connect, 0);
    // Parts that add up to more than the total (clocks read apart) make the total grow: HAR
    // wants time to be the sum of its parts.
    har.waitUs = wait;
    har.receiveUs = qMax<qint64>(total - connect - wait, 0);
    har.totalUs = connect + har.waitUs + har.receiveUs;
    return har;
}

QByteArray toHar(const CaptureRecords &records, const QString &creatorVersion)
{
    QJsonArray entries;
    for (const CaptureRecordPtr &record : records) {
        if (record)
            entries.append(entryJson(*record));
    }
    const QJsonObject log{
        {"version", "1.2"},
        {"creator", QJsonObject{{"name", "Portico"}, {"version", creatorVersion}}},
        {"pages", QJsonArray()}, // requests are not grouped by page
        {"entries", entries},
    };
    return QJsonDocument(QJsonObject{{"log", log}}).toJson(QJsonDocument::Indented);
}

} // namespace portico
