#pragma once

#include <QByteArray>
#include <QString>

namespace portico {

// Why a token was refused: a code the policy maps to a reply (401, or a JWKS refresh for
// UnknownKey) and a detail for logs. Details never quote the token or a key.
struct JwtError
{
    enum class Code {
        None,
        Malformed,            // not three strict base64url parts, bad JSON, bad claim types
        Oversized,            // longer than kMaxJwtBytes
        UnsupportedAlgorithm, // alg "none", unknown, or a "crit" header
        AlgorithmNotAllowed,  // a supported alg the provider does not accept
        UnknownKey,           // no key with the token's kid (refresh the JWKS, then retry)
        BadSignature,
        Expired,
        NotYetValid,
        IssuedInFuture,
        WrongIssuer,
        WrongAudience,
    };

    Code code = Code::None;
    QString detail;

    bool isError() const { return code != Code::None; }
    // The short machine-readable reason: "malformed", "bad signature", "expired", ...
    QByteArray reason() const { return reasonFor(code); }
    static QByteArray reasonFor(Code code);

    static JwtError make(Code code, QString detail = {}) { return {code, std::move(detail)}; }
};

} // namespace portico
