#include "JwtToken.h"

#include "Base64Url.h"

#include <QJsonDocument>

namespace portico {

namespace {

std::optional<QJsonObject> decodeJsonObject(QByteArrayView part)
{
    const std::optional<QByteArray> bytes = decodeBase64Url(part);
    if (!bytes)
        return std::nullopt;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(*bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return document.object();
}

} // namespace

std::optional<JwtToken> parseJwt(QByteArrayView compact, JwtError *error)
{
    const auto fail = [error](JwtError::Code code, const char *detail) {
        if (error)
            *error = JwtError::make(code, QString::fromLatin1(detail));
        return std::nullopt;
    };
    if (compact.size() > kMaxJwtBytes)
        return fail(JwtError::Code::Oversized, "token is longer than 16 KiB");
    const qsizetype firstDot = compact.indexOf('.');
    const qsizetype secondDot = firstDot < 0 ? -1 : compact.indexOf('.', firstDot + 1);
    if (secondDot < 0 || compact.indexOf('.', secondDot + 1) >= 0)
        return fail(JwtError::Code::Malformed, "a JWS has exactly three dot-separated parts");
    const QByteArrayView headerPart = compact.first(firstDot);
    const QByteArrayView payloadPart = compact.sliced(firstDot + 1, secondDot - firstDot - 1);
    const QByteArrayView signaturePart = compact.sliced(secondDot + 1);

    JwtToken token;
    std::optional<QJsonObject> header = decodeJsonObject(headerPart);
    if (!header)
        return fail(JwtError::Code::Malformed, "header is not base64url of a JSON object");
    // The algorithm is decided before anything else, so alg "none" is refused as such whether
    // or not a signature follows.
    const QJsonValue alg = header->value(QLatin1String("alg"));
    const std::optional<JwtAlgorithm> algorithm =
        alg.isString() ? jwtAlgorithmFromName(alg.toString().toUtf8()) : std::nullopt;
    if (!algorithm)
        return fail(JwtError::Code::UnsupportedAlgorithm, "alg is missing, \"none\" or unknown");
    // RFC 7515 section 4.1.11: extensions named in "crit" must be understood; none are.
    if (header->contains(QLatin1String("crit")))
        return fail(JwtError::Code::UnsupportedAlgorithm, "critical header extensions");
    if (header->contains(QLatin1String("kid"))) {
        const QJsonValue kid = header->value(QLatin1String("kid"));
        if (!kid.isString())
            return fail(JwtError::Code::Malformed, "kid is not a string");
        token.kid = kid.toString().toUtf8();
    }

    std::optional<QJsonObject> claims = decodeJsonObject(payloadPart);
    if (!claims)
        return fail(JwtError::Code::Malformed, "payload is not base64url of a JSON object");
    std::optional<QByteArray> signature = decodeBase64Url(signaturePart);
    if (!signature || signature->isEmpty())
        return fail(JwtError::Code::Malformed, "signature is missing or not base64url");

    token.algorithm = *algorithm;
    token.header = std::move(*header);
    token.claims = std::move(*claims);
    token.signingInput = compact.first(secondDot).toByteArray();
    token.signature = std::move(*signature);
    if (error)
        *error = {};
    return token;
}

} // namespace portico
