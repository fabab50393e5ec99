#include "HarFormat.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace portico {

namespace {

QByteArray bytesOf(const QJsonValue &value)
{
    return value.toString().toUtf8();
}

// A JSON number as an integer (HAR writers disagree on whole numbers: 12 or 12.0).
qint64 integerOf(const QJsonValue &value, qint64 fallback)
{
    return value.isDouble() ? qint64(std::llround(value.toDouble())) : fallback;
}

qint64 microsOf(const QJsonValue &ms)
{
    return ms.isDouble() && ms.toDouble() >= 0 ? qint64(std::llround(ms.toDouble() * 1000)) : -1;
}

// Reads one entry at a time; the first problem found is the error (with its JSON path).
class HarReader
{
public:
    CaptureRecords read(const QByteArray &json, QString *error)
    {
        CaptureRecords records;
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
        if (parseError.error != QJsonParseError::NoError) {
            *error = QStringLiteral("not a HAR file: invalid JSON at offset %1: %2")
                         .arg(parseError.offset)
                         .arg(parseError.errorString());
            return records;
        }
        const QJsonValue log = document.object().value("log");
        if (!log.isObject()) {
            *error = QStringLiteral("not a HAR file: log missing");
            return records;
        }
        const QJsonValue entries = log.toObject().value("entries");
        if (!entries.isArray()) {
            *error = QStringLiteral("not a HAR file: log.entries missing");
            return records;
        }
        const QJsonValue version = log.toObject().value("version");
        if (version.isString() && !version.toString().startsWith(QLatin1StringView("1."))) {
            *error = QStringLiteral("unsupported HAR version %1 (this reads 1.1 and 1.2)")
                         .arg(version.toString());
            return records;
        }
        const QJsonArray array = entries.toArray();
        records.reserve(size_t(array.size()));
        for (qsizetype i = 0; i < array.size(); ++i) {
            m_path = QStringLiteral("log.entries[%1]").arg(i);
            auto record = std::make_shared<CaptureRecord>();
            record->sequence = quint64(i) + 1;
            if (!entry(array[i], *record)) {
                *error = m_error;
                return {};
            }
            records.push_back(std::move(record));
        }
        error->clear();
        return records;
    }

private:
    bool entry(const QJsonValue &value, CaptureRecord &record)
    {
        if (!value.isObject())
            return fail(QString(), QStringLiteral("is not an object"));
        const QJsonObject entry = value.toObject();
        const QJsonValue started = entry.value("startedDateTime");
        if (started.isString()) {
            const QDateTime at = QDateTime::fromString(started.toString(), Qt::ISODateWithMs);
            if (!at.isValid()) {
                return fail(".startedDateTime",
                            QStringLiteral("is not an ISO 8601 date: %1").arg(started.toString()));
            }
            record.startedAtMs = at.toMSecsSinceEpoch();
        }
        const QJsonValue request = entry.value("request");
        const QJsonValue response = entry.value("response");
        if (!request.isObject())
            return fail(".request", QStringLiteral("missing"));
        if (!response.isObject())
            return fail(".response", QStringLiteral("missing"));
        if (!readRequest(request.toObject(), record) || !readResponse(response.toObject(), record))
            return false;
        const QJsonObject timings = entry.value("timings").toObject();
        record.timings.totalUs = microsOf(entry.value("time"));
        record.timings.connectUs = microsOf(timings.value("connect"));
        record.timings.upstreamUs = microsOf(timings.value("wait"));
        record.hasHeaders = !record.requestHeaders.empty() || !record.responseHeaders.empty();
        const QJsonValue portico = entry.value("_portico");
        if (portico.isObject())
            readPortico(portico.toObject(), record);
        return true;
    }

    bool readRequest(const QJsonObject &request, CaptureRecord &record)
    {
        record.method = bytesOf(request.value("method"));
        if (record.method.isEmpty())
            return fail(".request.method", QStringLiteral("missing"));
        const QByteArray url = bytesOf(request.value("url"));
        const qsizetype scheme = url.indexOf("://");
        if (scheme <= 0)
            return fail(".request.url", QStringLiteral("is not an absolute URL: %1").arg(url));
        qsizetype pathStart = scheme + 3;
        while (pathStart < url.size() && url[pathStart] != '/' && url[pathStart] != '?'
               && url[pathStart] != '#')
            ++pathStart;
        record.scheme = url.first(scheme).toLower();
        record.host = url.sliced(scheme + 3, pathStart - scheme - 3);
        record.target = url.sliced(pathStart);
        if (const qsizetype hash = record.target.indexOf('#'); hash >= 0)
            record.target.truncate(hash); // a fragment never goes to the server
        if (!record.target.startsWith('/'))
            record.target.prepend('/');
        record.httpVersion = bytesOf(request.value("httpVersion"));
        record.requestHeaders = fields(request.value("headers"));
        record.requestBytes = qMax<qint64>(integerOf(request.value("bodySize"), 0), 0);
        const QJsonValue postData = request.value("postData");
        if (postData.isObject()) {
            const QJsonObject object = postData.toObject();
            if (!body(object, object.value("_encoding"), ".request.postData.text",
                      record.requestBody))
                return false;
        }
        if (record.requestBytes == 0)
            record.requestBytes = record.requestBody.size;
        return true;
    }

    bool readResponse(const QJsonObject &response, CaptureRecord &record)
    {
        record.status = int(integerOf(response.value("status"), 0));
        record.responseHeaders = fields(response.value("headers"));
        const QJsonObject content = response.value("content").toObject();
        if (!body(content, content.value("encoding"), ".response.content.text",
                  record.responseBody))
            return false;
        // content.size is the body's decoded size; bodySize what went over the wire.
        const qint64 size = integerOf(content.value("size"), -1);
        if (size >= 0) {
            record.responseBody.truncated =
                record.responseBody.bytes.size() < size && !record.responseBody.bytes.isEmpty();
            record.responseBody.size = size;
        }
        const qint64 bodySize = integerOf(response.value("bodySize"), -1);
        record.responseBytes = bodySize >= 0 ? bodySize : record.responseBody.size;
        return true;
    }

    bool body(const QJsonObject &object, const QJsonValue &encoding, const char *path,
              CapturedBody &body)
    {
        const QString text = object.value("text").toString();
        if (encoding.toString() == QLatin1StringView("base64")) {
            auto decoded = QByteArray::fromBase64Encoding(text.toLatin1(),
                                                          QByteArray::AbortOnBase64DecodingErrors);
            if (!decoded)
                return fail(path, QStringLiteral("is not valid base64"));
            body.bytes = std::move(*decoded);
        } else {
            body.bytes = text.toUtf8();
        }
        body.size = body.bytes.size();
        return true;
    }

    static std::vector<CapturedField> fields(const QJsonValue &value)
    {
        std::vector<CapturedField> fields;
        for (const QJsonValue &field : value.toArray()) {
            const QJsonObject object = field.toObject();
            fields.push_back({bytesOf(object.value("name")), bytesOf(object.value("value"))});
        }
        return fields;
    }

    // What only Portico writes: it replaces what the standard fields could only approximate.
    static void readPortico(const QJsonObject &portico, CaptureRecord &record)
    {
        record.id = bytesOf(portico.value("id"));
        record.traceId = bytesOf(portico.value("traceId"));
        record.sequence = quint64(integerOf(portico.value("sequence"), qint64(record.sequence)));
        record.clientIp = bytesOf(portico.value("clientIp"));
        record.clientPort = quint16(integerOf(portico.value("clientPort"), 0));
        record.route = bytesOf(portico.value("route"));
        record.consumer = bytesOf(portico.value("consumer"));
        record.keyPrefix = bytesOf(portico.value("keyPrefix"));
        record.upstreamService = bytesOf(portico.value("upstreamService"));
        record.upstreamTarget = bytesOf(portico.value("upstreamTarget"));
        record.upstreamUrl = bytesOf(portico.value("upstreamUrl"));
        for (const QJsonValue &decision : portico.value("decisions").toArray()) {
            const QJsonObject object = decision.toObject();
            record.decisions.emplace_back(bytesOf(object.value("stage")),
                                          bytesOf(object.value("decision")));
        }
        record.hasHeaders = portico.value("headersCaptured").toBool(record.hasHeaders);
        const auto bodyFlags = [&portico](const char *size, const char *truncated,
                                          CapturedBody &body) {
            body.size = integerOf(portico.value(QLatin1StringView(size)), body.size);
            body.truncated = portico.value(QLatin1StringView(truncated)).toBool(body.truncated);
        };
        bodyFlags("requestBodySize", "requestBodyTruncated", record.requestBody);
        bodyFlags("responseBodySize", "responseBodyTruncated", record.responseBody);
        const QJsonValue timings = portico.value("timingsUs");
        if (timings.isObject()) {
            const QJsonObject us = timings.toObject();
            record.timings.gatewayUs = integerOf(us.value("gateway"), -1);
            record.timings.connectUs = integerOf(us.value("connect"), -1);
            record.timings.upstreamUs = integerOf(us.value("upstream"), -1);
            record.timings.totalUs = integerOf(us.value("total"), -1);
        }
    }

    bool fail(const QString &path, const QString &message)
    {
        m_error = m_path + path + QLatin1Char(' ') + message;
        return false;
    }

    QString m_path; // the entry being read
    QString m_error;
};

} // namespace

CaptureRecords fromHar(const QByteArray &json, QString *error)
{
    QString ignored;
    return HarReader().read(json, error ? error : &ignored);
}

} // namespace portico
