#include "JwtVerifier.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace portico {

namespace {

using KeyList = std::span<const std::shared_ptr<const JwtKey>>;

// Keys the token may have been signed with: those with its kid, else (a JWK Set may omit kids,
// a secret has none) those without one. `kidMatched` tells which case it was.
std::vector<const JwtKey *> candidateKeys(const JwtToken &token, KeyList keys, bool *kidMatched)
{
    std::vector<const JwtKey *> candidates;
    if (!token.kid.isEmpty()) {
        for (const auto &key : keys) {
            if (key->kid() == token.kid)
                candidates.push_back(key.get());
        }
    }
    *kidMatched = !candidates.empty();
    if (candidates.empty()) {
        for (const auto &key : keys) {
            if (key->kid().isEmpty() || token.kid.isEmpty())
                candidates.push_back(key.get());
        }
    }
    return candidates;
}

std::shared_ptr<const JwtKey> sharedKey(KeyList keys, const JwtKey *key)
{
    for (const auto &shared : keys) {
        if (shared.get() == key)
            return shared;
    }
    return nullptr;
}

JwtVerdict verifyWith(const JwtToken &token, std::span<const JwtAlgorithm> allowed, KeyList keys,
                      const JwtClaimRules &rules, qint64 now)
{
    using Code = JwtError::Code;
    JwtVerdict verdict;
    if (std::find(allowed.begin(), allowed.end(), token.algorithm) == allowed.end()) {
        verdict.error = JwtError::make(Code::AlgorithmNotAllowed,
                                       QString::fromLatin1(jwtAlgorithmName(token.algorithm)));
        return verdict;
    }
    bool kidMatched = false;
    int tried = 0;
    for (const JwtKey *key : candidateKeys(token, keys, &kidMatched)) {
        // canVerify is what keeps an RSA key from being used as an HMAC secret.
        if (!key->canVerify(token.algorithm))
            continue;
        if (++tried > kMaxJwtCandidateKeys)
            break;
        if (key->verify(token.algorithm, token.signingInput, token.signature)) {
            verdict.key = sharedKey(keys, key);
            verdict.error = checkJwtClaims(token.claims, rules, now);
            return verdict;
        }
    }
    if (tried == 0 && !kidMatched) {
        // No key for this kid or algorithm: perhaps one the JWK Set does not have yet.
        verdict.error =
            JwtError::make(Code::UnknownKey,
                           token.kid.isEmpty() ? QStringLiteral("no key for the alg")
                                               : QStringLiteral("no key with the token's kid"));
    } else {
        verdict.error =
            JwtError::make(Code::BadSignature,
                           tried == 0 ? QStringLiteral("the key does not fit the alg") : QString());
    }
    return verdict;
}

} // namespace

JwtVerdict verifyJwt(const JwtToken &token, std::span<const JwtAlgorithm> allowed,
                     const JwkSet &keys, const JwtClaimRules &rules, qint64 now)
{
    return verifyWith(token, allowed, keys.keys, rules, now);
}

JwtVerdict verifyJwt(const JwtToken &token, std::span<const JwtAlgorithm> allowed,
                     const std::shared_ptr<const JwtKey> &key, const JwtClaimRules &rules,
                     qint64 now)
{
    if (!key)
        return verifyWith(token, allowed, {}, rules, now);
    return verifyWith(token, allowed, std::span(&key, 1), rules, now);
}

QString jwtSubject(const QJsonObject &claims)
{
    return claims.value(QLatin1String("sub")).toString();
}

QString jwtScope(const QJsonObject &claims)
{
    for (const char *name : {"scope", "scp"}) {
        const QJsonValue value = claims.value(QLatin1String(name));
        if (value.isString())
            return value.toString();
        if (value.isArray()) {
            QStringList parts;
            const QJsonArray array = value.toArray();
            for (const QJsonValue &entry : array) {
                if (entry.isString())
                    parts.append(entry.toString());
            }
            return parts.join(QLatin1Char(' '));
        }
    }
    return {};
}

std::optional<QString> jwtClaimString(const QJsonObject &claims, QStringView name)
{
    const QJsonValue value = claims.value(name);
    if (value.isString())
        return value.toString();
    if (value.isDouble()) {
        const double number = value.toDouble();
        // Integral and exactly representable: consumer ids such as 1234 come out as "1234".
        constexpr double kExact = 9007199254740992.0; // 2^53
        if (std::trunc(number) == number && std::fabs(number) <= kExact)
            return QString::number(qint64(number));
    }
    return std::nullopt;
}

} // namespace portico
