#include "RedisEndpoint.h"

#include <QHostAddress>

namespace portico {

namespace {

constexpr int kMaxDb = 1'000'000; // Redis has 16 by default; anything near this is a typo

// A DNS name or an IPv4 address: letters, digits, dots, hyphens and underscores.
bool isPlainHost(QStringView host)
{
    if (host.isEmpty() || host.size() > 253)
        return false;
    for (const QChar c : host) {
        const bool ok = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z')
            || (c >= u'0' && c <= u'9') || c == u'.' || c == u'-' || c == u'_';
        if (!ok)
            return false;
    }
    return true;
}

// Decimal digits only (no sign, no spaces), at most `max`.
std::optional<int> parseNumber(QStringView digits, int max)
{
    if (digits.isEmpty() || digits.size() > 7)
        return std::nullopt;
    int value = 0;
    for (const QChar c : digits) {
        if (c < u'0' || c > u'9')
            return std::nullopt;
        value = value * 10 + (c.unicode() - u'0');
    }
    if (value > max)
        return std::nullopt;
    return value;
}

std::optional<RedisEndpoint> fail(QString *error, const QString &text, const QString &why)
{
    if (error)
        *error = QStringLiteral("\"%1\" is not a Redis address (redis://host[:port][/db]): %2")
                     .arg(text, why);
    return std::nullopt;
}

} // namespace

QString RedisEndpoint::address() const
{
    const QString shown = host.contains(u':') ? u'[' + host + u']' : host;
    return shown + u':' + QString::number(port);
}

std::optional<RedisEndpoint> RedisEndpoint::parse(const QString &text, QString *error)
{
    static const QLatin1String scheme("redis://");
    if (text.startsWith(QLatin1String("rediss://"), Qt::CaseInsensitive))
        return fail(error, text, QStringLiteral("TLS (rediss://) is not supported"));
    if (!text.startsWith(scheme, Qt::CaseInsensitive))
        return fail(error, text, QStringLiteral("it must start with redis://"));

    QStringView rest = QStringView(text).mid(scheme.size());
    QStringView dbPart;
    bool hasDb = false;
    if (const qsizetype slash = rest.indexOf(u'/'); slash >= 0) {
        dbPart = rest.mid(slash + 1);
        rest = rest.first(slash);
        hasDb = true;
    }
    if (rest.contains(u'@'))
        return fail(error, text, QStringLiteral("user names and passwords are not supported"));

    RedisEndpoint endpoint;
    QStringView portPart;
    bool hasPort = false;
    if (rest.startsWith(u'[')) {
        const qsizetype close = rest.indexOf(u']');
        if (close < 0)
            return fail(error, text, QStringLiteral("unclosed [ in the host"));
        const QString inside = rest.mid(1, close - 1).toString();
        const QHostAddress address(inside);
        if (address.protocol() != QAbstractSocket::IPv6Protocol || inside.contains(u'%'))
            return fail(error, text, QStringLiteral("not an IPv6 address in brackets"));
        endpoint.host = inside;
        const QStringView after = rest.mid(close + 1);
        if (!after.isEmpty()) {
            if (!after.startsWith(u':'))
                return fail(error, text, QStringLiteral("unexpected text after ]"));
            portPart = after.mid(1);
            hasPort = true;
        }
    } else {
        QStringView host = rest;
        if (const qsizetype colon = rest.indexOf(u':'); colon >= 0) {
            host = rest.first(colon);
            portPart = rest.mid(colon + 1);
            hasPort = true;
        }
        if (!isPlainHost(host))
            return fail(error, text,
                        host.isEmpty() ? QStringLiteral("no host")
                                       : QStringLiteral("bad host (IPv6 goes in brackets)"));
        endpoint.host = host.toString();
    }

    if (hasPort) {
        const std::optional<int> port = parseNumber(portPart, 65535);
        if (!port || *port == 0)
            return fail(error, text, QStringLiteral("the port must be a number from 1 to 65535"));
        endpoint.port = quint16(*port);
    }
    if (hasDb) {
        const std::optional<int> db = parseNumber(dbPart, kMaxDb);
        if (!db)
            return fail(error, text,
                        QStringLiteral("the database must be a number from 0 to %1").arg(kMaxDb));
        endpoint.db = *db;
    }
    endpoint.text = QStringLiteral("redis://%1/%2").arg(endpoint.address()).arg(endpoint.db);
    return endpoint;
}

} // namespace portico
