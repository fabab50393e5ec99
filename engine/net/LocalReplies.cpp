#include "LocalReplies.h"

#include "http/Serializer.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace portico {

QByteArray localReplyBody(const LocalReply &reply, const QByteArray &requestId)
{
    QJsonObject body;
    body.insert(QStringLiteral("error"), QString::fromUtf8(reply.error));
    if (!requestId.isEmpty())
        body.insert(QStringLiteral("request_id"), QString::fromLatin1(requestId));
    return QJsonDocument(body).toJson(QJsonDocument::Compact) + '\n';
}

QByteArray serializeLocalReply(const LocalReply &reply, const QByteArray &requestId, bool close,
                               bool http10, bool headOnly)
{
    const QByteArray body = localReplyBody(reply, requestId);
    ResponseHead head;
    head.status = reply.status;
    head.versionMinor = http10 ? 0 : 1;
    head.headers = reply.headers;
    head.headers.set("Content-Type", "application/json");
    head.headers.set("Content-Length", QByteArray::number(body.size()));
    if (!requestId.isEmpty())
        head.headers.set("X-Request-Id", requestId);
    if (close)
        head.headers.set("Connection", "close");
    else if (http10)
        head.headers.set("Connection", "keep-alive");
    return serializeResponse(head, headOnly ? QByteArrayView() : QByteArrayView(body));
}

} // namespace portico
