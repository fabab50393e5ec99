#pragma once

#include <QString>

#include <optional>

namespace portico {

// Where the shared rate-limit counters live: settings.rate_limit_store "redis://host[:port][/db]".
struct RedisEndpoint
{
    QString host;       // a name or an IP address; an IPv6 one without its brackets
    quint16 port = 6379;
    int db = 0;
    QString text;       // canonical form, redis://host:port/db (IPv6 hosts in brackets)

    // "host:port" ("[::1]:6379"), as log lines name the server.
    QString address() const;

    // nullopt and `error` (when given) for anything but redis://host[:port][/db]: no user or
    // password, no query, no TLS (rediss://).
    static std::optional<RedisEndpoint> parse(const QString &text, QString *error = nullptr);
};

} // namespace portico
