#include "TrafficReplay.h"

#include "models/TrafficTableModel.h"

#include "observe/Redactor.h"

#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QObject>
#include <QUrl>

namespace portico {

namespace {

// Fields that describe one connection or the body's framing, not the request; and the request
// id, so that the gateway gives the replay an id (and an inspector row) of its own.
bool isLeftOut(QByteArrayView name)
{
    for (const char *hop : {"connection", "keep-alive", "proxy-connection", "transfer-encoding",
                            "te", "upgrade", "content-length", "trailer", "x-request-id"}) {
        if (name.compare(hop, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

QByteArray pathAndQuery(const QByteArray &target)
{
    if (target.startsWith('/') || !target.contains("://"))
        return target.startsWith('/') ? target : "/" + target;
    // Absolute form (a proxy-style request): keep what follows the authority.
    const qsizetype authority = target.indexOf("://") + 3;
    const qsizetype slash = target.indexOf('/', authority);
    return slash < 0 ? QByteArrayLiteral("/") : target.mid(slash);
}

// A record's fields point into its bytes (see CaptureRecord): the request copies them, as it
// may be sent, from another thread, after the record is gone.
QByteArray owned(const QByteArray &bytes)
{
    return QByteArray(bytes.constData(), bytes.size());
}

} // namespace

ReplayRequest replayRequest(const CaptureRecord &record, const QString &gatewayUrl,
                            QStringList *notes)
{
    ReplayRequest out;
    out.method = record.method.isEmpty() ? QByteArrayLiteral("GET") : owned(record.method);
    QString base = gatewayUrl;
    while (base.endsWith(u'/'))
        base.chop(1);
    out.url = base + QString::fromUtf8(pathAndQuery(record.target));
    QStringList lacking;
    if (record.hasHeaders) {
        for (const CapturedField &f : record.requestHeaders) {
            if (!isLeftOut(f.name))
                out.headers.push_back({owned(f.name), owned(f.value)});
        }
        out.body = owned(record.requestBody.bytes);
        if (record.requestBody.size > 0 && record.requestBody.bytes.isEmpty())
            lacking.append(QObject::tr("the body (%1) was not captured: none is sent")
                               .arg(sizeText(record.requestBody.size)));
        else if (record.requestBody.truncated)
            lacking.append(QObject::tr("the body was cut short: only its first %1 of %2 are sent")
                               .arg(sizeText(record.requestBody.bytes.size()),
                                    sizeText(record.requestBody.size)));
    } else {
        if (!record.host.isEmpty())
            out.headers.push_back({QByteArrayLiteral("Host"), owned(record.host)});
        lacking.append(QObject::tr("headers were not captured: only the method, URL and Host "
                                   "are sent"));
        if (record.requestBytes > 0)
            lacking.append(QObject::tr("the body (%1) was not captured: none is sent")
                               .arg(sizeText(record.requestBytes)));
    }
    if (notes)
        *notes = lacking;
    return out;
}

QStringList redactedParts(const ReplayRequest &request)
{
    QStringList parts;
    for (const CapturedField &f : request.headers) {
        if (f.value.contains(Redactor::kRedacted))
            parts.append(QString::fromUtf8(f.name));
    }
    if (request.url.contains(QLatin1String("[redacted]"))
        || request.url.contains(QLatin1String("%5Bredacted%5D"), Qt::CaseInsensitive))
        parts.append(QObject::tr("query"));
    return parts;
}

QString headersToText(const std::vector<CapturedField> &fields)
{
    QStringList lines;
    for (const CapturedField &f : fields)
        lines.append(QString::fromUtf8(f.name) + QStringLiteral(": ") + QString::fromUtf8(f.value));
    return lines.join(u'\n');
}

std::vector<CapturedField> headersFromText(const QString &text, QStringList *errors)
{
    std::vector<CapturedField> fields;
    const QStringList lines = text.split(u'\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString line = lines[i].trimmed();
        if (line.isEmpty())
            continue;
        const qsizetype colon = line.indexOf(u':');
        const QString name = colon > 0 ? line.left(colon).trimmed() : QString();
        if (name.isEmpty() || name.contains(u' ')) {
            if (errors)
                errors->append(QObject::tr("line %1: expected \"Name: value\"").arg(i + 1));
            continue;
        }
        fields.push_back({name.toUtf8(), line.mid(colon + 1).trimmed().toUtf8()});
    }
    return fields;
}

QNetworkReply *sendReplay(QNetworkAccessManager &network, const ReplayRequest &request)
{
    network.setProxy(QNetworkProxy::NoProxy); // the gateway is local: never via http_proxy
    QNetworkRequest r(QUrl::fromEncoded(request.url.toUtf8(), QUrl::TolerantMode));
    r.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    r.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    r.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    r.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    // A field given twice travels once with both values, as HTTP allows.
    for (const CapturedField &f : request.headers) {
        if (!r.hasRawHeader(f.name)) {
            r.setRawHeader(f.name, f.value);
            continue;
        }
        const bool cookie = f.name.compare("cookie", Qt::CaseInsensitive) == 0;
        r.setRawHeader(f.name, r.rawHeader(f.name) + (cookie ? "; " : ", ") + f.value);
    }
    return network.sendCustomRequest(r, request.method, request.body);
}

} // namespace portico
