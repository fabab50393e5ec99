#include "JwtTestTokens.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

namespace portico::test {

namespace {

QByteArray compactJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray bigNumber(EVP_PKEY *key, const char *name)
{
    BIGNUM *bn = nullptr;
    if (!EVP_PKEY_get_bn_param(key, name, &bn))
        return {};
    QByteArray bytes(BN_num_bytes(bn), Qt::Uninitialized);
    BN_bn2bin(bn, reinterpret_cast<unsigned char *>(bytes.data()));
    BN_free(bn);
    return bytes;
}

QString base64UrlText(const QByteArray &bytes)
{
    return QString::fromLatin1(base64Url(bytes));
}

QByteArray signingInput(const QJsonObject &header, const QJsonObject &claims)
{
    return base64Url(compactJson(header)) + '.' + base64Url(compactJson(claims));
}

} // namespace

QByteArray base64Url(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

RsaSigningKey::RsaSigningKey(QByteArray kid, int bits)
    : m_kid(std::move(kid))
    , m_key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(bits)))
{
}

RsaSigningKey::~RsaSigningKey()
{
    EVP_PKEY_free(m_key);
}

QJsonObject RsaSigningKey::publicJwk() const
{
    return QJsonObject{{"kty", "RSA"},
                       {"kid", QString::fromLatin1(m_kid)},
                       {"use", "sig"},
                       {"alg", "RS256"},
                       {"n", base64UrlText(bigNumber(m_key, OSSL_PKEY_PARAM_RSA_N))},
                       {"e", base64UrlText(bigNumber(m_key, OSSL_PKEY_PARAM_RSA_E))}};
}

QByteArray RsaSigningKey::publicPem() const
{
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, m_key);
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    const QByteArray pem(data, size);
    BIO_free(bio);
    return pem;
}

QByteArray RsaSigningKey::sign(const QJsonObject &claims) const
{
    return signWithKid(claims, m_kid);
}

QByteArray RsaSigningKey::signWithKid(const QJsonObject &claims, const QByteArray &kid) const
{
    QJsonObject header{{"alg", "RS256"}, {"typ", "JWT"}};
    if (!kid.isEmpty())
        header.insert(QStringLiteral("kid"), QString::fromLatin1(kid));
    const QByteArray input = signingInput(header, claims);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t length = 0;
    QByteArray signature;
    if (EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, m_key) == 1
        && EVP_DigestSign(ctx, nullptr, &length,
                          reinterpret_cast<const unsigned char *>(input.constData()),
                          size_t(input.size()))
            == 1) {
        signature.resize(qsizetype(length));
        EVP_DigestSign(ctx, reinterpret_cast<unsigned char *>(signature.data()), &length,
                       reinterpret_cast<const unsigned char *>(input.constData()),
                       size_t(input.size()));
        signature.resize(qsizetype(length));
    }
    EVP_MD_CTX_free(ctx);
    return input + '.' + base64Url(signature);
}

QByteArray signHs256(const QByteArray &secret, const QJsonObject &claims)
{
    const QByteArray input = signingInput(QJsonObject{{"alg", "HS256"}, {"typ", "JWT"}}, claims);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), secret.constData(), int(secret.size()),
         reinterpret_cast<const unsigned char *>(input.constData()), size_t(input.size()), mac,
         &length);
    return input + '.' + base64Url(QByteArray(reinterpret_cast<char *>(mac), int(length)));
}

QByteArray jwkSetDocument(std::initializer_list<QJsonObject> keys)
{
    QJsonArray list;
    for (const QJsonObject &key : keys)
        list.append(key);
    return compactJson(QJsonObject{{"keys", list}});
}

} // namespace portico::test
