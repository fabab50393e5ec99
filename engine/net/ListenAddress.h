#pragma once

#include <QHostAddress>
#include <QString>

#include <optional>

namespace portico {

// The address a listener binds for a configured host: "localhost" is 127.0.0.1, an IP address
// is itself, and a name binds to what it resolves to, never silently to every interface.
// nullopt and `error` when a name does not resolve.
std::optional<QHostAddress> resolveListenHost(const QString &host, QString *error);

} // namespace portico
