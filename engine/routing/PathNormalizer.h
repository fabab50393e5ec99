#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

namespace portico {

// Brings a request path (the part of the request target before '?') into the one form routes
// are matched against:
//  - percent-encoded unreserved characters are decoded ("%41" -> "A", "%7e" -> "~"), every other
//    escape is kept with uppercase hex ("%2f" -> "%2F"), so an encoded '/' never splits a segment;
//  - "." and ".." segments are resolved (RFC 3986 5.2.4), duplicate slashes merged; a trailing
//    slash is kept.
// Returns nullopt (the request gets 400) when the path does not start with '/', has an invalid
// '%' escape, contains NUL (raw or "%00") or climbs above the root with "..".
// A path already in that form is returned shared, not copied.
std::optional<QByteArray> normalizePath(const QByteArray &rawPath);

} // namespace portico
