#include "JwtAlgorithm.h"

#include <array>

namespace portico {

namespace {

constexpr std::array<QByteArrayView, kJwtAlgorithmCount> kNames = {
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256",
    "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
};

} // namespace

std::optional<JwtAlgorithm> jwtAlgorithmFromName(QByteArrayView name)
{
    for (int i = 0; i < kJwtAlgorithmCount; ++i) {
        // QByteArrayView's == compares bytes exactly: no case folding.
        if (kNames[size_t(i)] == name)
            return JwtAlgorithm(i);
    }
    return std::nullopt;
}

QByteArrayView jwtAlgorithmName(JwtAlgorithm algorithm)
{
    return kNames[size_t(algorithm)];
}

JwtKeyFamily jwtAlgorithmFamily(JwtAlgorithm algorithm)
{
    switch (algorithm) {
    case JwtAlgorithm::HS256:
    case JwtAlgorithm::HS384:
    case JwtAlgorithm::HS512: return JwtKeyFamily::Hmac;
    case JwtAlgorithm::RS256:
    case JwtAlgorithm::RS384:
    case JwtAlgorithm::RS512:
    case JwtAlgorithm::PS256:
    case JwtAlgorithm::PS384:
    case JwtAlgorithm::PS512: return JwtKeyFamily::Rsa;
    case JwtAlgorithm::ES256:
    case JwtAlgorithm::ES384:
    case JwtAlgorithm::ES512: return JwtKeyFamily::Ec;
    case JwtAlgorithm::EdDSA: return JwtKeyFamily::Okp;
    }
    Q_UNREACHABLE();
}

} // namespace portico
