#include "JwtClaimsCheck.h"

#include <QJsonArray>

#include <optional>

namespace portico {

namespace {

// A NumericDate claim: nullopt when absent; `malformed` when present but not a number.
std::optional<double> numericDate(const QJsonObject &claims, const char *name, bool *malformed)
{
    const QJsonValue value = claims.value(QLatin1String(name));
    if (value.isUndefined())
        return std::nullopt;
    if (!value.isDouble()) {
        *malformed = true;
        return std::nullopt;
    }
    return value.toDouble();
}

bool audienceMatches(const QJsonValue &aud, const QStringList &audiences)
{
    if (aud.isString())
        return audiences.contains(aud.toString());
    if (aud.isArray()) {
        const QJsonArray array = aud.toArray();
        for (const QJsonValue &entry : array) {
            if (entry.isString() && audiences.contains(entry.toString()))
                return true;
        }
    }
    return false;
}

} // namespace

JwtError checkJwtClaims(const QJsonObject &claims, const JwtClaimRules &rules, qint64 now)
{
    using Code = JwtError::Code;
    bool malformed = false;
    const std::optional<double> exp = numericDate(claims, "exp", &malformed);
    const std::optional<double> nbf = numericDate(claims, "nbf", &malformed);
    const std::optional<double> iat = numericDate(claims, "iat", &malformed);
    if (malformed)
        return JwtError::make(Code::Malformed, QStringLiteral("exp, nbf or iat is not a number"));

    // Doubles: NumericDate may be fractional, and JSON numbers beyond 2^53 stay ordered.
    const double current = double(now);
    const double skew = double(std::max(rules.clockSkewS, 0));
    if (exp && current > *exp + skew)
        return JwtError::make(Code::Expired);
    if (nbf && current + skew < *nbf)
        return JwtError::make(Code::NotYetValid);
    if (iat && *iat > current + skew)
        return JwtError::make(Code::IssuedInFuture);

    if (!rules.issuer.isEmpty()) {
        const QJsonValue iss = claims.value(QLatin1String("iss"));
        if (!iss.isString() || iss.toString() != rules.issuer)
            return JwtError::make(Code::WrongIssuer);
    }
    if (!rules.audiences.isEmpty()
        && !audienceMatches(claims.value(QLatin1String("aud")), rules.audiences)) {
        return JwtError::make(Code::WrongAudience);
    }
    return {};
}

} // namespace portico
