#pragma once

#include "HttpMessage.h"

#include <optional>

namespace portico {

struct HttpError;

// Checks a request head for what a gateway must refuse before anything is forwarded: an HTTP
// version other than 1.0/1.1 (505), ambiguous framing (400), transfer codings other than
// chunked (501), CONNECT (501), a missing, repeated or malformed Host (400)
// (RFC 9112 2.3, 3.2, 6.1, 6.3).
std::optional<HttpError> validateRequestHead(const RequestHead &head);

// True when the bytes form an RFC 9110 token (a field name, a method).
bool isHttpToken(QByteArrayView bytes);

// True when the Host value is a valid uri-host with an optional port.
bool isValidHostHeader(QByteArrayView host);

} // namespace portico
