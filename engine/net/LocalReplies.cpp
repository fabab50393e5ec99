#include "LocalReplies.h"

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

ResponseHead localReplyHead(const LocalReply &reply, const QByteArray &requestId, bool close,
                            bool http10, qsizetype bodySize)
{
    ResponseHead head;
    head.status = reply.status;
    head.versionMinor = http10 ? 0 : 1;
    head.headers = reply.headers;
    head.headers.set("Content-Type", "application/json");
    head.headers.set("Content-Length", QByteArray::number(bodySize));
    if (!requestId.isEmpty())
        head.headers.set("X-Request-Id", requestId);
    if (close)
        head.headers.set("Connection", "close");
    else if (http10)
        head.headers.set("Connection", "keep-alive");
    return head;
}

} // namespace portico
