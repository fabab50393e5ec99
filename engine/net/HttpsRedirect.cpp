#include "HttpsRedirect.h"

#include "config/Addresses.h"

namespace portico {

namespace {

// The Host field's host, without the port; "[::1]" keeps its brackets. Null when it is not a
// host name or address: nothing else may reach the Location field.
QByteArray requestHost(const RequestHead &head)
{
    const QByteArray host = head.headers.value("Host").trimmed();
    if (host.startsWith('[')) {
        const qsizetype close = host.indexOf(']');
        const QByteArray inner = close > 0 ? host.sliced(1, close - 1) : QByteArray();
        return isIpAddress(QString::fromLatin1(inner)) ? host.first(close + 1) : QByteArray();
    }
    const qsizetype colon = host.indexOf(':');
    const QByteArray name = colon < 0 ? host : host.first(colon);
    const QString text = QString::fromLatin1(name);
    return !name.isEmpty() && (isValidHostName(text) || isIpAddress(text)) ? name : QByteArray();
}

// The origin-form path and query; for an absolute-form target (sent to proxies), its part
// after the authority.
QByteArray pathAndQuery(const QByteArray &target)
{
    if (target.startsWith('/'))
        return target;
    const qsizetype scheme = target.indexOf("://");
    if (scheme > 0) {
        const qsizetype path = target.indexOf('/', scheme + 3);
        if (path > 0)
            return target.sliced(path);
    }
    return QByteArrayLiteral("/"); // "*" or an authority alone
}

} // namespace

LocalReply httpsRedirect(const RequestHead &head, const QString &httpsListen, quint16 httpsPort)
{
    QByteArray host = requestHost(head);
    if (host.isNull()) {
        const QString listenHost = parseHostPort(httpsListen).value_or(HostPort{}).host;
        const bool anyAddress = listenHost.isEmpty() || listenHost == QLatin1String("0.0.0.0")
            || listenHost == QLatin1String("::");
        host = anyAddress ? QByteArrayLiteral("localhost") : listenHost.toLatin1();
        if (host.contains(':'))
            host = '[' + host + ']';
    }
    QByteArray location = "https://" + host;
    if (httpsPort != 443)
        location += ':' + QByteArray::number(httpsPort);
    location += pathAndQuery(head.target);
    LocalReply reply{308, "use https", {}};
    reply.headers.add("Location", std::move(location));
    return reply;
}

} // namespace portico
