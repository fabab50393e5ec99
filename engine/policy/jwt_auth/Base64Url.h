#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

namespace portico {

// Strict base64url (RFC 7515 section 2): only [A-Za-z0-9_-], no padding, no whitespace, and the
// unused low bits of the last character must be zero, so one byte string has exactly one text
// form. Anything else gives nullopt.
std::optional<QByteArray> decodeBase64Url(QByteArrayView text);
QByteArray encodeBase64Url(QByteArrayView bytes);

} // namespace portico
