#pragma once

#include <QByteArrayView>

#include <optional>

namespace portico {

// The JWS signature algorithms the gateway verifies (RFC 7518 section 3, RFC 8037). "none" is
// deliberately absent: an unsigned token is never accepted.
enum class JwtAlgorithm {
    HS256,
    HS384,
    HS512,
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    ES512,
    EdDSA
};

inline constexpr int kJwtAlgorithmCount = 13;

// Exact, case-sensitive match of a header's "alg"; "none", "None" and anything else give nullopt.
std::optional<JwtAlgorithm> jwtAlgorithmFromName(QByteArrayView name);
QByteArrayView jwtAlgorithmName(JwtAlgorithm algorithm);

enum class JwtKeyFamily { Hmac, Rsa, Ec, Okp };

JwtKeyFamily jwtAlgorithmFamily(JwtAlgorithm algorithm);

} // namespace portico
