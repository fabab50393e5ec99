#pragma once

#include "JwtAlgorithm.h"
#include "JwtError.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>

#include <optional>

namespace portico {

// Tokens longer than this are refused before any decoding (a header line of a few KiB is
// already generous; the limit bounds the JSON work an anonymous client can cause).
inline constexpr qsizetype kMaxJwtBytes = 16 * 1024;

// A JWS in compact serialization whose structure has been checked, not yet its signature.
struct JwtToken
{
    JwtAlgorithm algorithm = JwtAlgorithm::HS256;
    QByteArray kid; // header "kid" (UTF-8), empty when absent
    QJsonObject header;
    QJsonObject claims;
    QByteArray signingInput; // the ASCII "header.payload" the signature covers
    QByteArray signature;    // decoded
};

// Splits and decodes a compact JWS: exactly three strict base64url parts, a JSON object header
// with a supported "alg" and no "crit", a JSON object payload, a non-empty signature.
std::optional<JwtToken> parseJwt(QByteArrayView compact, JwtError *error);

} // namespace portico
