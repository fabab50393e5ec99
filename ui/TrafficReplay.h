#pragma once

#include "observe/CaptureRecord.h"

#include <QString>
#include <QStringList>

class QNetworkAccessManager;
class QNetworkReply;

namespace portico {

// A captured request made ready to send again through the gateway.
struct ReplayRequest
{
    QByteArray method;
    QString url; // the gateway's listener + the captured path and query
    std::vector<CapturedField> headers;
    QByteArray body;
};

// The record's request aimed at `gatewayUrl` ("http://127.0.0.1:8080"): its method, path and
// query, header fields (Host included, so host-matched routes still match; hop-by-hop fields
// and Content-Length left out, the sender frames the body; X-Request-Id left out, the replay is
// a request of its own) and captured body. `notes` gets what
// the capture lacked: headers not captured, a body not kept or cut short.
ReplayRequest replayRequest(const CaptureRecord &record, const QString &gatewayUrl,
                            QStringList *notes = nullptr);

// The header fields (by name) and "query" when the URL still holds "[redacted]": the capture
// hid a secret there, and the request needs the real value to do what the original did.
QStringList redactedParts(const ReplayRequest &request);

// Header fields as "Name: value" lines, and back (lines without a colon go to `errors`).
QString headersToText(const std::vector<CapturedField> &fields);
std::vector<CapturedField> headersFromText(const QString &text, QStringList *errors);

// Sends the request, asynchronously, with no proxy, cookie jar or redirect following: what
// comes back is the gateway's own answer. The reply belongs to the caller.
QNetworkReply *sendReplay(QNetworkAccessManager &network, const ReplayRequest &request);

} // namespace portico
