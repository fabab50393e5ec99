#pragma once

#include "JwtAlgorithm.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <memory>
#include <optional>

class QJsonObject;
typedef struct evp_pkey_st EVP_PKEY;

namespace portico {

// One verification key: an HMAC secret or a public key (RSA, EC P-256/384/521, Ed25519/Ed448).
// Immutable after construction and shared as std::shared_ptr<const JwtKey>; verify() may run on
// many threads at once (each call makes its own OpenSSL context, the EVP_PKEY is only read).
class JwtKey
{
public:
    // RSA keys shorter than this never verify (RFC 7518 section 3.3).
    static constexpr int kMinRsaBits = 2048;

    enum class Curve { None, P256, P384, P521, Ed25519, Ed448 };

    // An HMAC secret (a provider's `secret`, or a JWK of kty "oct").
    static std::shared_ptr<const JwtKey> fromSecret(QByteArray secret, QByteArray kid = {});
    // A SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY") or an X.509 certificate PEM, whose public
    // key is taken. nullptr with `error` set when it is neither or the key type is unsupported.
    static std::shared_ptr<const JwtKey> fromPem(QByteArrayView pem, QString *error);
    // A JWK (RFC 7517): kty RSA (n, e), EC (crv P-256/P-384/P-521, x, y; the point must be on
    // the curve), OKP (crv Ed25519/Ed448, x) or oct (k). A key whose "use" is not "sig", whose
    // "key_ops" lacks "verify", or whose "alg" is not a known JWS algorithm is refused.
    static std::shared_ptr<const JwtKey> fromJwk(const QJsonObject &jwk, QString *error);

    ~JwtKey();
    JwtKey(const JwtKey &) = delete;
    JwtKey &operator=(const JwtKey &) = delete;

    const QByteArray &kid() const { return m_kid; }
    // The JWK's "alg" when it declared one: the key then verifies that algorithm only.
    std::optional<JwtAlgorithm> declaredAlgorithm() const { return m_declaredAlgorithm; }
    // The JWK's "use" ("sig") or empty when absent; keys for other uses are never built.
    const QString &use() const { return m_use; }
    JwtKeyFamily family() const { return m_family; }
    Curve curve() const { return m_curve; }
    int bits() const { return m_bits; } // RSA modulus, EC field or HMAC secret size in bits

    // True only when the key's family and size fit the algorithm exactly (HS* only with
    // secrets, RS*/PS* only with RSA >= 2048 bits, ES256/384/512 only with P-256/384/521, EdDSA
    // only with OKP keys) and a declared "alg" names it. This is what stops HS/RS confusion:
    // a public key is never used as an HMAC secret.
    bool canVerify(JwtAlgorithm algorithm) const;
    // True when canVerify(algorithm) and `signature` is a valid JWS signature of
    // `signingInput`. Any mismatch (length, encoding, key) gives false; it never throws.
    bool verify(JwtAlgorithm algorithm, QByteArrayView signingInput,
                QByteArrayView signature) const;

private:
    JwtKey() = default;
    // Wraps a public key (takes ownership) after checking its type and, for EC, its point.
    // nullptr with `error` set when the type is not supported.
    static std::shared_ptr<JwtKey> adoptPublicKey(EVP_PKEY *pkey, QString *error);

    bool verifyHmac(JwtAlgorithm algorithm, QByteArrayView input, QByteArrayView signature) const;
    bool verifyEcdsa(JwtAlgorithm algorithm, QByteArrayView input, QByteArrayView signature) const;
    bool verifyWithKey(JwtAlgorithm algorithm, QByteArrayView input,
                       QByteArrayView signature) const;

    JwtKeyFamily m_family = JwtKeyFamily::Hmac;
    Curve m_curve = Curve::None;
    int m_bits = 0;
    EVP_PKEY *m_pkey = nullptr; // owned; null for HMAC keys
    QByteArray m_secret;
    QByteArray m_kid;
    QString m_use;
    std::optional<JwtAlgorithm> m_declaredAlgorithm;
};

} // namespace portico
