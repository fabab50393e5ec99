#pragma once

#include "JwkSet.h"
#include "JwtClaimsCheck.h"
#include "JwtError.h"
#include "JwtToken.h"

#include <QJsonObject>
#include <QString>
#include <QStringView>

#include <memory>
#include <optional>
#include <span>

namespace portico {

// A token without kid is tried against at most this many keys, so a large JWK Set cannot turn
// one request into dozens of RSA operations.
inline constexpr int kMaxJwtCandidateKeys = 8;

struct JwtVerdict
{
    JwtError error;                    // code None when the token is accepted
    std::shared_ptr<const JwtKey> key; // the key whose signature check passed

    bool accepted() const { return !error.isError(); }
};

// Verifies a parsed token for one provider: its alg must be in `allowed`; the key is chosen by
// the token's kid (no key with that kid and no kid-less key -> UnknownKey, the cue to refresh
// the JWK Set); without a kid every key that canVerify the alg is tried. Then the claims are
// checked against `rules` at `now` (seconds since the epoch). Pure and thread-safe.
JwtVerdict verifyJwt(const JwtToken &token, std::span<const JwtAlgorithm> allowed,
                     const JwkSet &keys, const JwtClaimRules &rules, qint64 now);
// The same for a provider with one key (a secret or a PEM public key).
JwtVerdict verifyJwt(const JwtToken &token, std::span<const JwtAlgorithm> allowed,
                     const std::shared_ptr<const JwtKey> &key, const JwtClaimRules &rules,
                     qint64 now);

// "sub", or empty.
QString jwtSubject(const QJsonObject &claims);
// "scope" as a string (OAuth 2.0, space-separated), or "scope"/"scp" as an array of strings
// joined with spaces, or "scp" as a string; empty when none.
QString jwtScope(const QJsonObject &claims);
// A claim's value as text: strings as they are, integral numbers as integers ("42", not
// "42.0"); nullopt for absent claims and other types.
std::optional<QString> jwtClaimString(const QJsonObject &claims, QStringView name);

} // namespace portico
