#include "Addresses.h"

#include <QHostAddress>

#include <algorithm>

namespace portico {

namespace {

bool isDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

bool isHexDigit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::optional<quint16> parsePort(QStringView text)
{
    if (text.isEmpty() || text.size() > 5)
        return std::nullopt;
    int value = 0;
    for (QChar c : text) {
        if (!isDigit(c))
            return std::nullopt;
        value = value * 10 + (c.unicode() - u'0');
    }
    if (value > 65535)
        return std::nullopt;
    return quint16(value);
}

bool isIpv4(QStringView text)
{
    // Strict dotted quad: QHostAddress would also take "127.1" and similar inet_aton forms.
    const auto parts = text.split(u'.');
    if (parts.size() != 4)
        return false;
    for (QStringView part : parts) {
        if (part.isEmpty() || part.size() > 3 || (part.size() > 1 && part.front() == u'0'))
            return false;
        int value = 0;
        for (QChar c : part) {
            if (!isDigit(c))
                return false;
            value = value * 10 + (c.unicode() - u'0');
        }
        if (value > 255)
            return false;
    }
    return true;
}

bool isIpv6(QStringView text)
{
    if (!text.contains(u':'))
        return false;
    QHostAddress address;
    return address.setAddress(text.toString())
        && address.protocol() == QAbstractSocket::IPv6Protocol;
}

bool looksNumeric(QStringView text)
{
    for (QChar c : text) {
        if (!isDigit(c) && c != u'.')
            return false;
    }
    return true;
}

// Parses "host", "host:port", "[v6]" or "[v6]:port"; port is -1 when absent.
bool splitAuthority(QStringView text, QString *host, int *port, QString *error)
{
    QStringView hostPart;
    QStringView rest;
    bool bracketed = false;
    if (text.startsWith(u'[')) {
        const qsizetype close = text.indexOf(u']');
        if (close < 0) {
            *error = QStringLiteral("missing \"]\" after IPv6 address");
            return false;
        }
        hostPart = text.sliced(1, close - 1);
        rest = text.sliced(close + 1);
        bracketed = true;
        if (!rest.isEmpty() && !rest.startsWith(u':')) {
            *error = QStringLiteral("unexpected text after \"]\"");
            return false;
        }
    } else {
        const qsizetype colon = text.indexOf(u':');
        if (colon >= 0 && text.indexOf(u':', colon + 1) >= 0) {
            *error = QStringLiteral("IPv6 addresses need brackets, as in [::1]:8080");
            return false;
        }
        hostPart = colon < 0 ? text : text.first(colon);
        rest = colon < 0 ? QStringView() : text.sliced(colon);
    }
    if (hostPart.isEmpty()) {
        *error = QStringLiteral("missing host");
        return false;
    }
    if (bracketed) {
        if (!isIpv6(hostPart)) {
            *error = QStringLiteral("invalid IPv6 address \"%1\"").arg(hostPart);
            return false;
        }
    } else if (looksNumeric(hostPart)) {
        if (!isIpv4(hostPart)) {
            *error = QStringLiteral("invalid IPv4 address \"%1\"").arg(hostPart);
            return false;
        }
    } else if (!isValidHostName(hostPart)) {
        *error = QStringLiteral("invalid host name \"%1\"").arg(hostPart);
        return false;
    }
    *host = hostPart.toString();
    *port = -1;
    if (!rest.isEmpty()) {
        const auto value = parsePort(rest.sliced(1));
        if (!value) {
            *error = QStringLiteral("invalid port \"%1\" (expected 0-65535)").arg(rest.sliced(1));
            return false;
        }
        *port = *value;
    }
    return true;
}

bool isPathChar(char c)
{
    // pchar minus pct-encoded (checked separately), plus '/' (RFC 3986 3.3)
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || QByteArrayView("-._~!$&'()*+,;=:@/").contains(c);
}

} // namespace

bool isValidHostName(QStringView name)
{
    if (name.isEmpty() || name.size() > 253)
        return false;
    qsizetype labelStart = 0;
    for (qsizetype i = 0; i <= name.size(); ++i) {
        if (i < name.size() && name[i] != u'.') {
            const QChar c = name[i];
            const bool ok = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || isDigit(c)
                || c == u'-' || c == u'_'; // '_' is common in container service names
            if (!ok)
                return false;
            continue;
        }
        const qsizetype length = i - labelStart;
        if (length < 1 || length > 63 || name[labelStart] == u'-' || name[i - 1] == u'-')
            return false;
        labelStart = i + 1;
    }
    return true;
}

bool isIpAddress(QStringView text)
{
    return isIpv4(text) || isIpv6(text);
}

bool isLoopbackHost(const QString &host)
{
    if (host.compare(QStringLiteral("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    if (!isIpAddress(host))
        return false;
    return QHostAddress(host).isLoopback();
}

std::optional<std::pair<QHostAddress, int>> parseIpRule(QStringView text, QString *error)
{
    QString scratch;
    QString &message = error ? *error : scratch;
    const qsizetype slash = text.indexOf(u'/');
    const QStringView address = slash < 0 ? text : text.first(slash);
    // QHostAddress alone would take "10/8" and "127.1", parseSubnet() a netmask after the
    // slash, and an IPv6 zone ("%eth0") means nothing to a client address.
    const bool v4 = isIpv4(address);
    if (!v4 && (!isIpv6(address) || address.contains(u'%'))) {
        message = QStringLiteral("expected an IPv4 or IPv6 address, or a CIDR block such as "
                                 "10.0.0.0/8");
        return std::nullopt;
    }
    const int bits = v4 ? 32 : 128;
    int prefix = bits;
    if (slash >= 0) {
        const QStringView digits = text.sliced(slash + 1);
        bool ok = !digits.isEmpty() && digits.size() <= 3
            && std::all_of(digits.begin(), digits.end(), isDigit);
        prefix = ok ? digits.toInt() : -1;
        if (!ok || prefix > bits) {
            message = QStringLiteral("invalid prefix length \"%1\" (expected 0-%2)")
                          .arg(digits.toString())
                          .arg(bits);
            return std::nullopt;
        }
    }
    const auto subnet =
        QHostAddress::parseSubnet(address.toString() + u'/' + QString::number(prefix));
    if (subnet.second < 0) {
        message = QStringLiteral("expected an IPv4 or IPv6 address, or a CIDR block such as "
                                 "10.0.0.0/8");
        return std::nullopt;
    }
    return std::make_pair(subnet.first, subnet.second);
}

std::optional<HostPort> parseHostPort(const QString &text, QString *error)
{
    QString scratch;
    QString &message = error ? *error : scratch;
    QString host;
    int port = -1;
    if (text.isEmpty()) {
        message = QStringLiteral("expected host:port");
        return std::nullopt;
    }
    if (!splitAuthority(text, &host, &port, &message))
        return std::nullopt;
    if (port < 0) {
        message = QStringLiteral("missing port (expected host:port)");
        return std::nullopt;
    }
    return HostPort{host, quint16(port)};
}

std::optional<TargetUrl> parseTargetUrl(const QString &text, QString *error)
{
    QString scratch;
    QString &message = error ? *error : scratch;
    const qsizetype schemeEnd = text.indexOf(QStringLiteral("://"));
    if (schemeEnd <= 0) {
        message = QStringLiteral("expected http://host[:port][/path]");
        return std::nullopt;
    }
    TargetUrl url;
    url.scheme = text.first(schemeEnd).toLower();
    if (url.scheme != QStringLiteral("http") && url.scheme != QStringLiteral("https")) {
        message = QStringLiteral("unsupported scheme \"%1\" (use http:// or https://)")
                      .arg(text.first(schemeEnd));
        return std::nullopt;
    }
    const QStringView rest = QStringView(text).sliced(schemeEnd + 3);
    if (rest.contains(u'?') || rest.contains(u'#')) {
        message = QStringLiteral("query and fragment are not allowed");
        return std::nullopt;
    }
    const qsizetype slash = rest.indexOf(u'/');
    const QStringView authority = slash < 0 ? rest : rest.first(slash);
    if (authority.contains(u'@')) {
        message = QStringLiteral("user info is not allowed");
        return std::nullopt;
    }
    int port = -1;
    if (!splitAuthority(authority, &url.host, &port, &message))
        return std::nullopt;
    if (port == 0) {
        message = QStringLiteral("invalid port 0");
        return std::nullopt;
    }
    url.port = port > 0 ? quint16(port) : (url.scheme == QStringLiteral("https") ? 443 : 80);

    QByteArray path = slash < 0 ? QByteArray() : rest.sliced(slash).toUtf8();
    for (qsizetype i = 0; i < path.size(); ++i) {
        const char c = path[i];
        if (c == '%') {
            if (i + 2 >= path.size() || !isHexDigit(path[i + 1]) || !isHexDigit(path[i + 2])) {
                message = QStringLiteral("invalid percent-encoding in path");
                return std::nullopt;
            }
            i += 2;
        } else if (!isPathChar(c)) {
            message = QStringLiteral("invalid character in path (percent-encode it)");
            return std::nullopt;
        }
    }
    while (path.endsWith('/'))
        path.chop(1);
    url.basePath = path;
    return url;
}

bool isHttpsTarget(const QString &url)
{
    const std::optional<TargetUrl> parsed = parseTargetUrl(url);
    return parsed && parsed->scheme == QStringLiteral("https");
}

} // namespace portico
