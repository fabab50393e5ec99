#include "AdminTraffic.h"

#include "net/Deadline.h"
#include "net/GatewayEngine.h"
#include "observe/CaptureJson.h"
#include "observe/HarFormat.h"
#include "observe/TrafficCapture.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace portico {

namespace {

constexpr int kDefaultLimit = 100;

// A non-negative integer query parameter; `fallback` when absent, nullopt when malformed.
std::optional<qint64> numberParameter(const AdminRequest &request, const QString &name,
                                      qint64 fallback)
{
    if (!request.query.hasQueryItem(name))
        return fallback;
    bool ok = false;
    const qint64 value = request.query.queryItemValue(name).toLongLong(&ok);
    if (!ok || value < 0)
        return std::nullopt;
    return value;
}

} // namespace

std::optional<AdminResponse> handleTrafficRequest(AdminContext &context,
                                                  const AdminRequest &request)
{
    if (request.segments != QStringList{QStringLiteral("traffic")})
        return std::nullopt;
    if (!request.isRead())
        return methodNotAllowed("GET, HEAD");
    const std::optional<qint64> limit =
        numberParameter(request, QStringLiteral("limit"), kDefaultLimit);
    if (!limit)
        return AdminResponse::error(400, QStringLiteral("limit must be a whole number >= 0"));
    const std::optional<qint64> after = numberParameter(request, QStringLiteral("after"), 0);
    if (!after)
        return AdminResponse::error(400, QStringLiteral("after must be a sequence number >= 0"));
    const QString format = request.query.queryItemValue(QStringLiteral("format"));
    if (!format.isEmpty() && format != QLatin1String("json") && format != QLatin1String("har"))
        return AdminResponse::error(400, QStringLiteral("unknown format \"%1\" (expected json "
                                                        "or har)")
                                             .arg(format));
    if (!context.engine)
        return AdminResponse::error(503, QStringLiteral("the gateway is not running"));

    TrafficCapture &capture = context.engine->capture();
    const qint64 nowMs = monotonicNowMs();
    capture.noteRead(nowMs);
    const CaptureRecords records =
        capture.recordsAfter(quint64(*after), int(std::min<qint64>(*limit, INT_MAX)));
    if (format == QLatin1String("har")) {
        AdminResponse har;
        har.contentType = "application/json";
        har.body = toHar(records, QStringLiteral(PORTICO_VERSION));
        return har.withHeader("Content-Disposition", "attachment; filename=\"portico.har\"");
    }
    QJsonArray list;
    for (const CaptureRecordPtr &record : records)
        list.append(captureToJson(*record));
    const QJsonObject body{{"records", list},
                           {"last_sequence", qint64(capture.lastSequence())},
                           {"capturing", capture.isCapturing(nowMs)}};
    AdminResponse response;
    response.body = QJsonDocument(body).toJson(QJsonDocument::Indented);
    return response;
}

} // namespace portico
