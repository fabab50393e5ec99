#pragma once

#include "Config.h"

namespace portico {

// Checks every field of a configuration and every cross-reference (a route's service must
// exist, names must be unique, ...). Returns one error per problem, in config order, each with
// the path of the field it concerns ("routes[3].paths[0]"); empty means valid. `validBase`, a
// configuration known to be valid that `config` was copied from and edited, lets checks that
// only depend on parts both still share be skipped (the consumers, when an edit left them and
// the plans' names alone): same answer, a fraction of the time.
ConfigErrors validateConfig(const Config &config, const Config *validBase = nullptr);

// Single-value checks shared with the import code; each returns an empty string when the value
// is valid, else the message (without the field path).
QString checkName(const QString &name);              // [A-Za-z0-9._-]{1,128}
QString checkRoutePath(const QString &path);         // "/prefix", "=/exact" or "~regex"
QString checkRouteHost(const QString &host);         // "api.example.test", "*.example.test"
QString checkMethod(const QString &method);          // "GET", any uppercase RFC 9110 token
// A route's key_header: an RFC 9110 field name the gateway does not own (Host, Authorization,
// X-Forwarded-For, X-Consumer-Id, ...; any letter case).
QString checkKeyHeader(const QString &header);

} // namespace portico
