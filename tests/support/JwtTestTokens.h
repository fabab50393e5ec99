#pragma once

#include <QByteArray>
#include <QJsonObject>

#include <memory>

typedef struct evp_pkey_st EVP_PKEY;

namespace portico::test {

// Makes the tokens an identity provider would issue, with OpenSSL directly (not with the code
// under test): an RSA key pair with its public JWK, and RS256/HS256 signing.
class RsaSigningKey
{
public:
    explicit RsaSigningKey(QByteArray kid, int bits = 2048);
    ~RsaSigningKey();
    RsaSigningKey(const RsaSigningKey &) = delete;
    RsaSigningKey &operator=(const RsaSigningKey &) = delete;

    const QByteArray &kid() const { return m_kid; }
    // {"kty":"RSA","kid":...,"use":"sig","alg":"RS256","n":...,"e":...}
    QJsonObject publicJwk() const;
    QByteArray publicPem() const;
    // A compact RS256 JWS of `claims`, with this key's kid unless `kid` says otherwise (an
    // empty one leaves kid out).
    QByteArray sign(const QJsonObject &claims) const;
    QByteArray signWithKid(const QJsonObject &claims, const QByteArray &kid) const;

private:
    QByteArray m_kid;
    EVP_PKEY *m_key = nullptr;
};

QByteArray base64Url(const QByteArray &bytes);
// A compact HS256 JWS of `claims` (header {"alg":"HS256","typ":"JWT"}).
QByteArray signHs256(const QByteArray &secret, const QJsonObject &claims);
// {"keys": [...]} of the given JWKs.
QByteArray jwkSetDocument(std::initializer_list<QJsonObject> keys);

} // namespace portico::test
