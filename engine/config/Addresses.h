#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QString>

#include <optional>
#include <utility>

namespace portico {

// A listen address such as "127.0.0.1:8080", "[::1]:8080" or "localhost:8080". The host is kept
// without brackets; port 0 is returned as is (callers decide whether "any port" is allowed).
struct HostPort
{
    QString host;
    quint16 port = 0;
};

// An upstream target such as "http://10.0.0.5:9001/base". The scheme is lowercase, the host has
// no brackets, the port defaults to 80/443, basePath is "" or "/base" without a trailing slash.
struct TargetUrl
{
    QString scheme;
    QString host;
    quint16 port = 0;
    QByteArray basePath;
};

// Both return nullopt on malformed input; *error (when given) then says why, in a few words
// fit to follow a field path ("settings.listen: <error>").
std::optional<HostPort> parseHostPort(const QString &text, QString *error = nullptr);
std::optional<TargetUrl> parseTargetUrl(const QString &text, QString *error = nullptr);
// True when `url` is a well-formed https:// target.
bool isHttpsTarget(const QString &url);

// A DNS host name (letters, digits, '-', dot-separated labels of 1..63, at most 253 in total).
bool isValidHostName(QStringView name);
// A dotted-quad IPv4 address or an IPv6 address (without brackets).
bool isIpAddress(QStringView text);
// 127.0.0.0/8, ::1 or "localhost".
bool isLoopbackHost(const QString &host);

// A client address rule (a route's allow_ips/deny_ips): "10.0.0.0/8", "2001:db8::/32", or one
// address ("10.1.2.3", "::1"; a prefix of 32/128). The address must be written in full (strict
// dotted quad, no IPv6 zone); the prefix is 0-32 or 0-128. Host bits beyond the prefix are
// accepted and ignored: the result, as QHostAddress::parseSubnet() gives it, is what
// QHostAddress::isInSubnet() takes. nullopt with *error (when given) on malformed input.
std::optional<std::pair<QHostAddress, int>> parseIpRule(QStringView text,
                                                        QString *error = nullptr);

} // namespace portico
