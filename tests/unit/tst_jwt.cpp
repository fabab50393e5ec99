// The JOSE core of JWT authentication: RFC example vectors, all 13 algorithms round-tripped
// with OpenSSL-generated keys, attack and edge tokens, claims, JWK Sets and the token cache.
#include "policy/jwt_auth/Base64Url.h"
#include "policy/jwt_auth/JwkSet.h"
#include "policy/jwt_auth/JwtAlgorithm.h"
#include "policy/jwt_auth/JwtClaimsCheck.h"
#include "policy/jwt_auth/JwtKey.h"
#include "policy/jwt_auth/JwtToken.h"
#include "policy/jwt_auth/JwtVerifier.h"
#include "policy/jwt_auth/VerifiedTokenCache.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QThread>
#include <QtTest>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <array>
#include <atomic>
#include <vector>

using namespace portico;

namespace {

using Code = JwtError::Code;

// ---- RFC example vectors (copied from the RFCs; the verified signatures prove every byte) ----

// RFC 7515 A.1: HS256 with an oct JWK.
constexpr char kA1Token[] = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
                            ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
                            "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
                            ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr char kA1Jwk[] = R"({"kty":"oct",
 "k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"})";

// RFC 7515 A.2: RS256 with an RSA JWK (public part).
constexpr char kA2Token[] = "eyJhbGciOiJSUzI1NiJ9"
                            ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
                            "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
                            ".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7"
                            "AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4"
                            "BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K"
                            "0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqv"
                            "hJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrB"
                            "p0igcN_IoypGlUPQGe77Rw";
constexpr char kA2Jwk[] = R"({"kty":"RSA",
 "n":")"
    "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrc"
    "S2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGz"
    "jb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xs"
    "mtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8"
    "q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"
    R"(",
 "e":"AQAB"})";

// RFC 7515 A.3: ES256 with a P-256 JWK.
constexpr char kA3Token[] = "eyJhbGciOiJFUzI1NiJ9"
                            ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
                            "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
                            ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSA"
                            "pmWQxfKTUJqPP3-Kg6NU1Q";
constexpr char kA3Jwk[] = R"({"kty":"EC","crv":"P-256",
 "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
 "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"})";

// RFC 7515 A.4: ES512 with a P-521 JWK; its payload is the text "Payload", not a claims set.
constexpr char kA4Token[] = "eyJhbGciOiJFUzUxMiJ9"
                            ".UGF5bG9hZA"
                            ".AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_UxMi70cwnZOYaRI1bKPWROc-mZZq"
                            "wqT2SI-KGDKB34XO0aw_7XdtAG8GaSwFKdCAPZgoXD2YBJZCPEX3xKpRwcdOO8Kp"
                            "EHwJjyqOgzDO7iKvU8vcnwNrmxYbSW9ERBXukOXolLzeO_Jn";
constexpr char kA4Jwk[] = R"({"kty":"EC","crv":"P-521",
 "x":"AekpBQ8ST8a8VcfVOTNl353vSrDCLLJXmPk06wTjxrrjcBpXp5EOnYG_NjFZ6OvLFV1jSfS9tsz4qUxcWceqwQGk",
 "y":"ADSmRA43Z1DSNx_RvcLI87cdL07l6jQyyBXMoxVg_l2Th-x3S1WDhjDly79ajL4Kkd0AZMaZmh9ubmf63e3kyMj2"})";

// RFC 8037 A.4 (key of A.1): Ed25519; payload "Example of Ed25519 signing".
constexpr char kEd25519Token[] = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
                                 ".hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylG"
                                 "jg5BhVsPt9g7sVvpAr_MuM0KAg";
constexpr char kEd25519Jwk[] =
    R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})";

// RFC 7520 4.2: PS384 with the RSA key of 3.4; the payload is a sentence, not a claims set.
constexpr char kPs384Token[] =
    "eyJhbGciOiJQUzM4NCIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9"
    ".SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IHlvdXIgZG9vci4gWW91IHN0ZXAgb250"
    "byB0aGUgcm9hZCwgYW5kIGlmIHlvdSBkb24ndCBrZWVwIHlvdXIgZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcgd2hl"
    "cmUgeW91IG1pZ2h0IGJlIHN3ZXB0IG9mZiB0by4"
    ".cu22eBqkYDKgIlTpzDXGvaFfz6WGoz7fUDcfT0kkOy42miAh2qyBzk1xEsnk2IpN6-tPid6VrklHkqsGqDqHCdP6O8TT"
    "B5dDDItllVo6_1OLPpcbUrhiUSMxbbXUvdvWXzg-UD8biiReQFlfz28zGWVsdiNAUf8ZnyPEgVFn442ZdNqiVJRmBqrY"
    "RXe8P_ijQ7p8Vdz0TTrxUeT3lm8d9shnr2lfJT8ImUjvAA2Xez2Mlp8cBE5awDzT0qI0n6uiP1aCN_2_jLAeQTlqRHtf"
    "a64QQSUmFAAjVKPbByi7xho0uTOcbH510a6GYmJUAfmWjwZ6oD4ifKo8DYM-X72Eaw";
constexpr char kPs384Jwk[] = R"({"kty":"RSA","kid":"bilbo.baggins@hobbiton.example","use":"sig",
 "n":")"
    "n4EPtAOCc9AlkeQHPzHStgAbgs7bTZLwUBZdR8_KuKPEHLd4rHVTeT-O-XV2jRojdNhxJWTDvNd7"
    "nqQ0VEiZQHz_AJmSCpMaJMRBSFKrKb2wqVwGU_NsYOYL-QtiWN2lbzcEe6XC0dApr5ydQLrHqkHH"
    "ig3RBordaZ6Aj-oBHqFEHYpPe7Tpe-OfVfHd1E6cS6M1FZcD1NNLYD5lFHpPI9bTwJlsde3uhGqC"
    "0ZCuEHg8lhzwOHrtIQbS0FVbb9k3-tVTU4fg_3L_vniUFAKwuCLqKnS2BYwdq_mzSnbLY7h_qixo"
    "R7jig3__kRhuaxwUkRz5iaiQkqgc5gHdrNP5zw"
    R"(",
 "e":"AQAB"})";

// The exp of the RFC 7515 tokens, and a moment just before it.
constexpr qint64 kRfcExp = 1300819380;
constexpr qint64 kRfcNow = kRfcExp - 100;
constexpr qint64 kNow = 1700000000;

QJsonObject jsonObject(QByteArrayView text)
{
    return QJsonDocument::fromJson(text.toByteArray()).object();
}

std::shared_ptr<const JwtKey> jwk(QByteArrayView text)
{
    QString error;
    auto key = JwtKey::fromJwk(jsonObject(text), &error);
    if (!key)
        qWarning() << "JWK refused:" << error;
    return key;
}

// The signing input and signature of a compact JWS, without parseJwt's claims checks.
struct Parts
{
    QByteArray input;
    QByteArray signature;
};

Parts splitJws(QByteArrayView compact)
{
    const qsizetype dot = compact.lastIndexOf('.');
    return {compact.first(dot).toByteArray(),
            decodeBase64Url(compact.sliced(dot + 1)).value_or(QByteArray())};
}

// ---- OpenSSL-generated keys and signatures for the round trips and attacks ----

struct PkeyFree
{
    void operator()(EVP_PKEY *p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

const EVP_MD *mdFor(JwtAlgorithm a)
{
    switch (a) {
    case JwtAlgorithm::HS256:
    case JwtAlgorithm::RS256:
    case JwtAlgorithm::PS256:
    case JwtAlgorithm::ES256: return EVP_sha256();
    case JwtAlgorithm::HS384:
    case JwtAlgorithm::RS384:
    case JwtAlgorithm::PS384:
    case JwtAlgorithm::ES384: return EVP_sha384();
    case JwtAlgorithm::HS512:
    case JwtAlgorithm::RS512:
    case JwtAlgorithm::PS512:
    case JwtAlgorithm::ES512: return EVP_sha512();
    case JwtAlgorithm::EdDSA: return nullptr;
    }
    return nullptr;
}

bool isPss(JwtAlgorithm a)
{
    return a == JwtAlgorithm::PS256 || a == JwtAlgorithm::PS384 || a == JwtAlgorithm::PS512;
}

QByteArray hmac(JwtAlgorithm a, QByteArrayView secret, QByteArrayView input)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(mdFor(a), secret.data(), int(secret.size()),
         reinterpret_cast<const unsigned char *>(input.data()), size_t(input.size()), out, &length);
    return QByteArray(reinterpret_cast<const char *>(out), int(length));
}

// A signature as OpenSSL makes it (DER for ECDSA).
QByteArray opensslSign(EVP_PKEY *pkey, JwtAlgorithm a, QByteArrayView input)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = nullptr;
    QByteArray signature;
    size_t length = 0;
    if (EVP_DigestSignInit(ctx, &pctx, mdFor(a), nullptr, pkey) == 1) {
        if (isPss(a)) {
            EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
            EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, mdFor(a));
        }
        const auto *data = reinterpret_cast<const unsigned char *>(input.data());
        if (EVP_DigestSign(ctx, nullptr, &length, data, size_t(input.size())) == 1) {
            signature.resize(qsizetype(length));
            auto *out = reinterpret_cast<unsigned char *>(signature.data());
            if (EVP_DigestSign(ctx, out, &length, data, size_t(input.size())) == 1)
                signature.resize(qsizetype(length));
            else
                signature.clear();
        }
    }
    EVP_MD_CTX_free(ctx);
    return signature;
}

QByteArray derToRaw(QByteArrayView der, int fieldBytes)
{
    const auto *p = reinterpret_cast<const unsigned char *>(der.data());
    ECDSA_SIG *sig = d2i_ECDSA_SIG(nullptr, &p, long(der.size()));
    QByteArray raw(2 * fieldBytes, '\0');
    auto *out = reinterpret_cast<unsigned char *>(raw.data());
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), out, fieldBytes);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), out + fieldBytes, fieldBytes);
    ECDSA_SIG_free(sig);
    return raw;
}

int ecFieldBytes(JwtAlgorithm a)
{
    return a == JwtAlgorithm::ES256 ? 32 : a == JwtAlgorithm::ES384 ? 48 : 66;
}

// A JWS signature: raw R || S for ECDSA.
QByteArray jwsSign(EVP_PKEY *pkey, JwtAlgorithm a, QByteArrayView input)
{
    const QByteArray signature = opensslSign(pkey, a, input);
    if (jwtAlgorithmFamily(a) == JwtKeyFamily::Ec)
        return derToRaw(signature, ecFieldBytes(a));
    return signature;
}

QByteArray bnField(EVP_PKEY *pkey, const char *name, int padTo = 0)
{
    BIGNUM *bn = nullptr;
    EVP_PKEY_get_bn_param(pkey, name, &bn);
    QByteArray bytes(padTo ? padTo : BN_num_bytes(bn), '\0');
    BN_bn2binpad(bn, reinterpret_cast<unsigned char *>(bytes.data()), int(bytes.size()));
    BN_free(bn);
    return encodeBase64Url(bytes);
}

// The public JWK of a generated key.
QJsonObject publicJwk(EVP_PKEY *pkey, const QString &kid = {})
{
    QJsonObject jwk;
    if (EVP_PKEY_is_a(pkey, "RSA")) {
        jwk[u"kty"] = QStringLiteral("RSA");
        jwk[u"n"] = QString::fromLatin1(bnField(pkey, OSSL_PKEY_PARAM_RSA_N));
        jwk[u"e"] = QString::fromLatin1(bnField(pkey, OSSL_PKEY_PARAM_RSA_E));
    } else if (EVP_PKEY_is_a(pkey, "EC")) {
        const int bits = EVP_PKEY_get_bits(pkey);
        const int bytes = (bits + 7) / 8;
        jwk[u"kty"] = QStringLiteral("EC");
        jwk[u"crv"] = bits == 256 ? QStringLiteral("P-256")
            : bits == 384         ? QStringLiteral("P-384")
                                  : QStringLiteral("P-521");
        jwk[u"x"] = QString::fromLatin1(bnField(pkey, OSSL_PKEY_PARAM_EC_PUB_X, bytes));
        jwk[u"y"] = QString::fromLatin1(bnField(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, bytes));
    } else {
        unsigned char raw[64];
        size_t length = sizeof raw;
        EVP_PKEY_get_raw_public_key(pkey, raw, &length);
        jwk[u"kty"] = QStringLiteral("OKP");
        jwk[u"crv"] =
            EVP_PKEY_is_a(pkey, "ED448") ? QStringLiteral("Ed448") : QStringLiteral("Ed25519");
        jwk[u"x"] = QString::fromLatin1(encodeBase64Url(
            QByteArrayView(reinterpret_cast<const char *>(raw), qsizetype(length))));
    }
    if (!kid.isEmpty())
        jwk[u"kid"] = kid;
    return jwk;
}

QByteArray publicPem(EVP_PKEY *pkey)
{
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, pkey);
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    QByteArray pem(data, int(length));
    BIO_free(bio);
    return pem;
}

QByteArray publicDer(EVP_PKEY *pkey)
{
    unsigned char *der = nullptr;
    const int length = i2d_PUBKEY(pkey, &der);
    QByteArray bytes(reinterpret_cast<const char *>(der), length);
    OPENSSL_free(der);
    return bytes;
}

// A self-signed certificate around `pkey`.
QByteArray certificatePem(EVP_PKEY *pkey)
{
    X509 *cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_NAME *name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char *>("idp.example.test"), -1, -1,
                               0);
    X509_set_issuer_name(cert, name);
    X509_set_pubkey(cert, pkey);
    // EdDSA signs the certificate itself, without a separate digest.
    const bool edwards = EVP_PKEY_is_a(pkey, "ED25519") || EVP_PKEY_is_a(pkey, "ED448");
    X509_sign(cert, pkey, edwards ? nullptr : EVP_sha256());
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, cert);
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    QByteArray pem(data, int(length));
    BIO_free(bio);
    X509_free(cert);
    return pem;
}

QByteArray encodeJson(const QJsonObject &object)
{
    return encodeBase64Url(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

} // namespace

class TestJwt : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void algorithmNames();
    void base64UrlIsStrict();

    void rfc7515HS256();
    void rfc7515RS256();
    void rfc7515ES256();
    void rfc7515ES512();
    void rfc8037EdDSA();
    void rfc7520PS384();

    void roundTripAllAlgorithms_data();
    void roundTripAllAlgorithms();
    void pemAndCertificateKeys();
    void pemErrors();

    void algNoneRefused();
    void keyConfusionRefused();
    void algorithmNotAllowed();
    void timeClaims();
    void issuerAndAudience();
    void flippedBitsFail();
    void everyCharacterMatters();
    void structureErrors_data();
    void structureErrors();
    void oversizedToken();
    void ecdsaSignatureForms();
    void kidSelection();
    void jwkSetParsing();
    void jwkParameters();
    void weakRsaKeyUnusable();
    void claimHelpers();

    void cacheHit();
    void cacheExpiry();
    void cacheBound();
    void cacheNoCollision();
    void cacheConcurrent();

private:
    // The signer for `a` in the round trips: a generated key, or a secret for HS*.
    EVP_PKEY *keyFor(JwtAlgorithm a) const;
    QByteArray token(JwtAlgorithm a, const QJsonObject &claims, const QJsonObject &extraHeader = {},
                     EVP_PKEY *key = nullptr) const;

    Pkey m_rsa;
    Pkey m_rsa1024;
    Pkey m_p256;
    Pkey m_p384;
    Pkey m_p521;
    Pkey m_ed25519;
    Pkey m_ed448;
    QByteArray m_secret = QByteArray(64, 's');
    std::array<JwtAlgorithm, 1> m_rs256{JwtAlgorithm::RS256};
};

EVP_PKEY *TestJwt::keyFor(JwtAlgorithm a) const
{
    switch (a) {
    case JwtAlgorithm::ES256: return m_p256.get();
    case JwtAlgorithm::ES384: return m_p384.get();
    case JwtAlgorithm::ES512: return m_p521.get();
    case JwtAlgorithm::EdDSA: return m_ed25519.get();
    default: return jwtAlgorithmFamily(a) == JwtKeyFamily::Rsa ? m_rsa.get() : nullptr;
    }
}

QByteArray TestJwt::token(JwtAlgorithm a, const QJsonObject &claims, const QJsonObject &extraHeader,
                          EVP_PKEY *key) const
{
    QJsonObject header = extraHeader;
    header[u"alg"] = QString::fromLatin1(jwtAlgorithmName(a));
    const QByteArray input = encodeJson(header) + '.' + encodeJson(claims);
    EVP_PKEY *signer = key ? key : keyFor(a);
    const QByteArray signature = signer ? jwsSign(signer, a, input) : hmac(a, m_secret, input);
    return input + '.' + encodeBase64Url(signature);
}

void TestJwt::initTestCase()
{
    m_rsa.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(2048)));
    m_rsa1024.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(1024)));
    m_p256.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    m_p384.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
    m_p521.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521"));
    m_ed25519.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    m_ed448.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED448"));
    QVERIFY(m_rsa && m_rsa1024 && m_p256 && m_p384 && m_p521 && m_ed25519 && m_ed448);
}

void TestJwt::algorithmNames()
{
    for (int i = 0; i < kJwtAlgorithmCount; ++i) {
        const auto a = JwtAlgorithm(i);
        QCOMPARE(jwtAlgorithmFromName(jwtAlgorithmName(a)), a);
    }
    QCOMPARE(jwtAlgorithmName(JwtAlgorithm::PS384), QByteArrayView("PS384"));
    for (const char *name :
         {"none", "None", "NONE", "hs256", "Hs256", "RS256 ", "", "EDDSA", "ES256K", "RSA-OAEP"}) {
        QVERIFY2(!jwtAlgorithmFromName(name), name);
    }
}

void TestJwt::base64UrlIsStrict()
{
    QCOMPARE(decodeBase64Url("UGF5bG9hZA"), QByteArray("Payload"));
    QCOMPARE(decodeBase64Url(""), QByteArray());
    QCOMPARE(decodeBase64Url("_-8"), QByteArray("\xff\xef", 2));
    QCOMPARE(encodeBase64Url("\xff\xef"), QByteArray("_-8"));
    QVERIFY(!decodeBase64Url("UGF5bG9hZA==")); // padding
    QVERIFY(!decodeBase64Url("UGF5bG9hZA="));
    QVERIFY(!decodeBase64Url("/+8"));              // standard alphabet
    QVERIFY(!decodeBase64Url("UGF5 bG9hZA"));      // whitespace
    QVERIFY(!decodeBase64Url("UGF5bG9hZB"));       // non-zero unused bits: same bytes, other text
    QVERIFY(!decodeBase64Url("UGF5b"));            // 6 bits left over
    QVERIFY(!decodeBase64Url("UGF5bG9h\xc3\xa9")); // non-ASCII
}

void TestJwt::rfc7515HS256()
{
    const auto key = jwk(kA1Jwk);
    QVERIFY(key);
    QCOMPARE(key->family(), JwtKeyFamily::Hmac);
    QVERIFY(key->canVerify(JwtAlgorithm::HS256));
    QVERIFY(!key->canVerify(JwtAlgorithm::RS256));

    JwtError error;
    const std::optional<JwtToken> token = parseJwt(kA1Token, &error);
    QVERIFY2(token, error.detail.toLatin1());
    QCOMPARE(token->algorithm, JwtAlgorithm::HS256);
    QCOMPARE(token->claims.value(u"iss").toString(), QStringLiteral("joe"));
    const std::array allowed{JwtAlgorithm::HS256};
    const JwtClaimRules rules{QStringLiteral("joe"), {}, 60};
    JwtVerdict verdict = verifyJwt(*token, allowed, key, rules, kRfcNow);
    QVERIFY2(verdict.accepted(), verdict.error.reason());
    QCOMPARE(verdict.key, key);
    // The same token 61 s after exp (skew 60) has expired.
    verdict = verifyJwt(*token, allowed, key, rules, kRfcExp + 61);
    QCOMPARE(verdict.error.code, Code::Expired);
    QCOMPARE(verdict.error.reason(), QByteArray("expired"));
}

void TestJwt::rfc7515RS256()
{
    const auto key = jwk(kA2Jwk);
    QVERIFY(key);
    QCOMPARE(key->bits(), 2048);
    const std::optional<JwtToken> token = parseJwt(kA2Token, nullptr);
    QVERIFY(token);
    JwkSet set;
    set.keys.push_back(key);
    const JwtVerdict verdict = verifyJwt(*token, m_rs256, set, {}, kRfcNow);
    QVERIFY2(verdict.accepted(), verdict.error.reason());
    // PKCS#1 v1.5 and PSS are different algorithms for the same key.
    const Parts parts = splitJws(kA2Token);
    QVERIFY(key->verify(JwtAlgorithm::RS256, parts.input, parts.signature));
    QVERIFY(!key->verify(JwtAlgorithm::PS256, parts.input, parts.signature));
    QVERIFY(!key->verify(JwtAlgorithm::RS384, parts.input, parts.signature));
}

void TestJwt::rfc7515ES256()
{
    const auto key = jwk(kA3Jwk);
    QVERIFY(key);
    QCOMPARE(key->curve(), JwtKey::Curve::P256);
    const std::optional<JwtToken> token = parseJwt(kA3Token, nullptr);
    QVERIFY(token);
    const std::array allowed{JwtAlgorithm::ES256};
    const JwtVerdict verdict = verifyJwt(*token, allowed, key, {}, kRfcNow);
    QVERIFY2(verdict.accepted(), verdict.error.reason());
    QVERIFY(!key->canVerify(JwtAlgorithm::ES384));
}

void TestJwt::rfc7515ES512()
{
    const auto key = jwk(kA4Jwk);
    QVERIFY(key);
    QCOMPARE(key->curve(), JwtKey::Curve::P521);
    const Parts parts = splitJws(kA4Token);
    QCOMPARE(parts.signature.size(), 132);
    QVERIFY(key->verify(JwtAlgorithm::ES512, parts.input, parts.signature));
    QVERIFY(!key->verify(JwtAlgorithm::ES256, parts.input, parts.signature));
    // Its payload ("Payload") is no claims set, so as a JWT it is malformed.
    JwtError error;
    QVERIFY(!parseJwt(kA4Token, &error));
    QCOMPARE(error.code, Code::Malformed);
}

void TestJwt::rfc8037EdDSA()
{
    const auto key = jwk(kEd25519Jwk);
    QVERIFY(key);
    QCOMPARE(key->family(), JwtKeyFamily::Okp);
    const Parts parts = splitJws(kEd25519Token);
    QVERIFY(key->verify(JwtAlgorithm::EdDSA, parts.input, parts.signature));
    QByteArray tampered = parts.input;
    tampered[tampered.size() - 1] = 'h';
    QVERIFY(!key->verify(JwtAlgorithm::EdDSA, tampered, parts.signature));
}

void TestJwt::rfc7520PS384()
{
    const auto key = jwk(kPs384Jwk);
    QVERIFY(key);
    QCOMPARE(key->kid(), QByteArray("bilbo.baggins@hobbiton.example"));
    QCOMPARE(key->use(), QStringLiteral("sig"));
    const Parts parts = splitJws(kPs384Token);
    QVERIFY(key->verify(JwtAlgorithm::PS384, parts.input, parts.signature));
    QVERIFY(!key->verify(JwtAlgorithm::PS256, parts.input, parts.signature));
    QVERIFY(!key->verify(JwtAlgorithm::RS384, parts.input, parts.signature));
}

void TestJwt::roundTripAllAlgorithms_data()
{
    QTest::addColumn<int>("algorithm");
    for (int i = 0; i < kJwtAlgorithmCount; ++i)
        QTest::newRow(jwtAlgorithmName(JwtAlgorithm(i)).data()) << i;
}

void TestJwt::roundTripAllAlgorithms()
{
    QFETCH(int, algorithm);
    const auto a = JwtAlgorithm(algorithm);
    const QJsonObject claims{{"sub", QStringLiteral("alice")}, {"exp", kNow + 60}};
    const QByteArray compact = token(a, claims, {{"kid", QStringLiteral("k1")}});

    std::shared_ptr<const JwtKey> fromJwk;
    std::shared_ptr<const JwtKey> fromPem;
    QString error;
    if (EVP_PKEY *pkey = keyFor(a)) {
        fromJwk = JwtKey::fromJwk(publicJwk(pkey, QStringLiteral("k1")), &error);
        fromPem = JwtKey::fromPem(publicPem(pkey), &error);
    } else {
        const QJsonObject oct{{"kty", QStringLiteral("oct")},
                              {"kid", QStringLiteral("k1")},
                              {"k", QString::fromLatin1(encodeBase64Url(m_secret))}};
        fromJwk = JwtKey::fromJwk(oct, &error);
        fromPem = JwtKey::fromSecret(m_secret);
    }
    QVERIFY2(fromJwk && fromPem, qPrintable(error));
    QCOMPARE(fromJwk->kid(), QByteArray("k1"));

    JwtError parseError;
    const std::optional<JwtToken> parsed = parseJwt(compact, &parseError);
    QVERIFY2(parsed, parseError.detail.toLatin1());
    QCOMPARE(parsed->kid, QByteArray("k1"));
    const std::array allowed{a};
    JwkSet set;
    set.keys.push_back(fromJwk);
    JwtVerdict verdict = verifyJwt(*parsed, allowed, set, {}, kNow);
    QVERIFY2(verdict.accepted(), verdict.error.reason());
    verdict = verifyJwt(*parsed, allowed, fromPem, {}, kNow);
    QVERIFY2(verdict.accepted(), verdict.error.reason());

    // Every other algorithm refuses this signature, even with the same key.
    for (int other = 0; other < kJwtAlgorithmCount; ++other) {
        if (other != algorithm) {
            QVERIFY(!fromJwk->verify(JwtAlgorithm(other), parsed->signingInput, parsed->signature));
        }
    }
    QByteArray flipped = parsed->signature;
    flipped[flipped.size() / 2] = char(flipped[flipped.size() / 2] ^ 0x01);
    QVERIFY(!fromJwk->verify(a, parsed->signingInput, flipped));
}

void TestJwt::pemAndCertificateKeys()
{
    QString error;
    const QByteArray input = "header.payload";
    for (EVP_PKEY *pkey : {m_rsa.get(), m_p384.get(), m_ed25519.get(), m_ed448.get()}) {
        const auto key = JwtKey::fromPem(certificatePem(pkey), &error);
        QVERIFY2(key, qPrintable(error));
        const JwtAlgorithm a = EVP_PKEY_is_a(pkey, "RSA") ? JwtAlgorithm::PS512
            : EVP_PKEY_is_a(pkey, "EC")                   ? JwtAlgorithm::ES384
                                                          : JwtAlgorithm::EdDSA;
        QVERIFY(key->canVerify(a));
        QVERIFY(key->verify(a, input, jwsSign(pkey, a, input)));
    }
    const auto ed448 = JwtKey::fromPem(publicPem(m_ed448.get()), &error);
    QVERIFY(ed448);
    QCOMPARE(ed448->curve(), JwtKey::Curve::Ed448);
    QVERIFY(ed448->verify(JwtAlgorithm::EdDSA, input,
                          jwsSign(m_ed448.get(), JwtAlgorithm::EdDSA, input)));
    const auto ed448Jwk = JwtKey::fromJwk(publicJwk(m_ed448.get()), &error);
    QVERIFY2(ed448Jwk, qPrintable(error));
    QVERIFY(ed448Jwk->verify(JwtAlgorithm::EdDSA, input,
                             jwsSign(m_ed448.get(), JwtAlgorithm::EdDSA, input)));
}

void TestJwt::pemErrors()
{
    QString error;
    QVERIFY(!JwtKey::fromPem("", &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(
        !JwtKey::fromPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", &error));
    // A private key is not a public key: refused, not silently used.
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, m_p256.get(), nullptr, nullptr, 0, nullptr, nullptr);
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    const QByteArray privatePem(data, int(length));
    BIO_free(bio);
    QVERIFY(!JwtKey::fromPem(privatePem, &error));
    // X25519 is a key-agreement key.
    Pkey x25519(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
    QVERIFY(!JwtKey::fromPem(publicPem(x25519.get()), &error));
    QVERIFY(!JwtKey::fromPem(QByteArray(70 * 1024, 'A'), &error));
}

void TestJwt::algNoneRefused()
{
    const QByteArray claims = encodeJson({{"sub", QStringLiteral("admin")}});
    for (const char *alg : {"none", "None", "NONE", "nOnE"}) {
        const QByteArray header = encodeJson({{"alg", QString::fromLatin1(alg)}});
        for (const QByteArray &signature : {QByteArray(), QByteArray("c2ln")}) {
            JwtError error;
            QVERIFY(!parseJwt(header + '.' + claims + '.' + signature, &error));
            QCOMPARE(error.code, Code::UnsupportedAlgorithm);
            QCOMPARE(error.reason(), QByteArray("unsupported algorithm"));
        }
        JwtError error;
        QVERIFY(!parseJwt(header + '.' + claims, &error)); // the two-part "unsecured" form
    }
    JwtError error;
    QVERIFY(
        !parseJwt(encodeJson({{"typ", QStringLiteral("JWT")}}) + '.' + claims + ".c2ln", &error));
    QCOMPARE(error.code, Code::UnsupportedAlgorithm);
    QVERIFY(!parseJwt(encodeJson({{"alg", 256}}) + '.' + claims + ".c2ln", &error));
    QCOMPARE(error.code, Code::UnsupportedAlgorithm);
}

void TestJwt::keyConfusionRefused()
{
    // The provider verifies RS256 with this public key; an attacker who knows it signs HS256
    // with the key's PEM (or DER) bytes as the HMAC secret.
    const QByteArray pem = publicPem(m_rsa.get());
    QString error;
    const auto key = JwtKey::fromPem(pem, &error);
    QVERIFY(key);
    QVERIFY(!key->canVerify(JwtAlgorithm::HS256));
    const QJsonObject claims{{"sub", QStringLiteral("admin")}};
    const QByteArray input =
        encodeJson({{"alg", QStringLiteral("HS256")}}) + '.' + encodeJson(claims);
    for (const QByteArray &secret : {pem, publicDer(m_rsa.get())}) {
        const QByteArray forged =
            input + '.' + encodeBase64Url(hmac(JwtAlgorithm::HS256, secret, input));
        const std::optional<JwtToken> parsed = parseJwt(forged, nullptr);
        QVERIFY(parsed);
        QCOMPARE(verifyJwt(*parsed, m_rs256, key, {}, kNow).error.code, Code::AlgorithmNotAllowed);
        // Even a provider that (wrongly) allows both never uses the RSA key as a secret.
        const std::array both{JwtAlgorithm::RS256, JwtAlgorithm::HS256};
        QVERIFY(!verifyJwt(*parsed, both, key, {}, kNow).accepted());
        QVERIFY(!key->verify(JwtAlgorithm::HS256, parsed->signingInput, parsed->signature));
    }
}

void TestJwt::algorithmNotAllowed()
{
    const QByteArray compact = token(JwtAlgorithm::RS256, {{"sub", QStringLiteral("a")}});
    const auto key = JwtKey::fromPem(publicPem(m_rsa.get()), nullptr);
    const std::optional<JwtToken> parsed = parseJwt(compact, nullptr);
    QVERIFY(parsed && key);
    const std::array es256{JwtAlgorithm::ES256};
    const JwtVerdict verdict = verifyJwt(*parsed, es256, key, {}, kNow);
    QCOMPARE(verdict.error.code, Code::AlgorithmNotAllowed);
    QVERIFY(!verdict.key);
    QVERIFY(verifyJwt(*parsed, m_rs256, key, {}, kNow).accepted());
}

void TestJwt::timeClaims()
{
    const JwtClaimRules rules; // skew 60
    const auto check = [&](const QJsonObject &claims) {
        return checkJwtClaims(claims, rules, kNow).code;
    };
    QCOMPARE(check({}), Code::None); // exp is optional
    QCOMPARE(check({{"exp", kNow}}), Code::None);
    QCOMPARE(check({{"exp", kNow - 60}}), Code::None); // within the skew
    QCOMPARE(check({{"exp", kNow - 61}}), Code::Expired);
    QCOMPARE(check({{"exp", double(kNow - 60) - 0.5}}), Code::Expired);
    QCOMPARE(check({{"nbf", kNow + 60}}), Code::None);
    QCOMPARE(check({{"nbf", kNow + 61}}), Code::NotYetValid);
    QCOMPARE(check({{"iat", kNow + 60}}), Code::None);
    QCOMPARE(check({{"iat", kNow + 61}}), Code::IssuedInFuture);
    QCOMPARE(check({{"iat", kNow - 86400}}), Code::None);
    QCOMPARE(check({{"exp", QString::number(kNow + 100)}}), Code::Malformed);
    QCOMPARE(check({{"nbf", true}}), Code::Malformed);
    QCOMPARE(check({{"iat", QJsonValue::Null}}), Code::Malformed);
    QCOMPARE(checkJwtClaims({{"exp", kNow - 1}}, {{}, {}, 0}, kNow).code, Code::Expired);

    // Through the verifier, with a real signature.
    const auto key = JwtKey::fromSecret(m_secret);
    const std::array hs256{JwtAlgorithm::HS256};
    const auto verdict = [&](const QJsonObject &claims) {
        const std::optional<JwtToken> parsed =
            parseJwt(token(JwtAlgorithm::HS256, claims), nullptr);
        return parsed ? verifyJwt(*parsed, hs256, key, rules, kNow).error.code : Code::Malformed;
    };
    QCOMPARE(verdict({{"exp", kNow + 10}}), Code::None);
    QCOMPARE(verdict({{"exp", kNow - 3600}}), Code::Expired);
    QCOMPARE(verdict({{"nbf", kNow + 3600}}), Code::NotYetValid);
    QCOMPARE(verdict({{"iat", kNow + 3600}}), Code::IssuedInFuture);
    QCOMPARE(verdict({{"exp", QStringLiteral("never")}}), Code::Malformed);
}

void TestJwt::issuerAndAudience()
{
    const JwtClaimRules rules{QStringLiteral("https://idp.example.test"),
                              {QStringLiteral("orders-api"), QStringLiteral("billing")},
                              60};
    const QString iss = rules.issuer;
    const auto check = [&](const QJsonObject &claims) {
        return checkJwtClaims(claims, rules, kNow).code;
    };
    QCOMPARE(check({{"iss", iss}, {"aud", QStringLiteral("orders-api")}}), Code::None);
    QCOMPARE(
        check({{"iss", iss}, {"aud", QJsonArray{QStringLiteral("x"), QStringLiteral("billing")}}}),
        Code::None);
    QCOMPARE(check({{"iss", QStringLiteral("https://evil.example")},
                    {"aud", QStringLiteral("billing")}}),
             Code::WrongIssuer);
    QCOMPARE(check({{"aud", QStringLiteral("billing")}}), Code::WrongIssuer);
    QCOMPARE(check({{"iss", iss + QLatin1Char('/')}, {"aud", QStringLiteral("billing")}}),
             Code::WrongIssuer);
    QCOMPARE(check({{"iss", iss}, {"aud", QStringLiteral("other-api")}}), Code::WrongAudience);
    QCOMPARE(check({{"iss", iss}, {"aud", QJsonArray{QStringLiteral("x"), QStringLiteral("y")}}}),
             Code::WrongAudience);
    QCOMPARE(check({{"iss", iss}}), Code::WrongAudience);
    QCOMPARE(check({{"iss", iss}, {"aud", QJsonArray{}}}), Code::WrongAudience);
    QCOMPARE(check({{"iss", iss}, {"aud", 42}}), Code::WrongAudience);
    QCOMPARE(check({{"iss", iss}, {"aud", QStringLiteral("ORDERS-API")}}), Code::WrongAudience);
    // No rules: any iss and aud pass.
    QCOMPARE(
        checkJwtClaims({{"iss", QStringLiteral("x")}, {"aud", QStringLiteral("y")}}, {}, kNow).code,
        Code::None);
    QCOMPARE(checkJwtClaims({{"wrong-claims", 1}, {"aud", QStringLiteral("orders-api")}},
                            {{}, {QStringLiteral("orders-api")}, 60}, kNow)
                 .code,
             Code::None);
}

void TestJwt::flippedBitsFail()
{
    // One flipped bit in each part, re-encoded so the parts still decode: the header and
    // payload stay valid JSON (the bit is in a string value), so only the signature can tell.
    const QJsonObject header{{"typ", QStringLiteral("JWT")}, {"alg", QStringLiteral("RS256")}};
    const QJsonObject claims{{"sub", QStringLiteral("alice")}};
    const QByteArray headerJson = QJsonDocument(header).toJson(QJsonDocument::Compact);
    const QByteArray claimsJson = QJsonDocument(claims).toJson(QJsonDocument::Compact);
    const QByteArray input = encodeBase64Url(headerJson) + '.' + encodeBase64Url(claimsJson);
    const QByteArray signature = jwsSign(m_rsa.get(), JwtAlgorithm::RS256, input);
    const auto key = JwtKey::fromPem(publicPem(m_rsa.get()), nullptr);
    const auto verify = [&](const QByteArray &h, const QByteArray &c, const QByteArray &s) {
        const std::optional<JwtToken> parsed = parseJwt(
            encodeBase64Url(h) + '.' + encodeBase64Url(c) + '.' + encodeBase64Url(s), nullptr);
        return parsed ? verifyJwt(*parsed, m_rs256, key, {}, kNow).error.code : Code::Malformed;
    };
    QCOMPARE(verify(headerJson, claimsJson, signature), Code::None);
    const auto flip = [](QByteArray bytes, qsizetype at) {
        bytes[at] = char(bytes[at] ^ 0x01);
        return bytes;
    };
    QCOMPARE(verify(flip(headerJson, headerJson.indexOf("JWT")), claimsJson, signature),
             Code::BadSignature);
    QCOMPARE(verify(headerJson, flip(claimsJson, claimsJson.indexOf("alice")), signature),
             Code::BadSignature);
    QCOMPARE(verify(headerJson, claimsJson, flip(signature, 0)), Code::BadSignature);
    QCOMPARE(verify(headerJson, claimsJson, flip(signature, signature.size() - 1)),
             Code::BadSignature);
}

void TestJwt::everyCharacterMatters()
{
    // Replacing any single character of a valid token never yields an accepted token.
    const QJsonObject claims{{"sub", QStringLiteral("alice")}, {"exp", kNow + 60}};
    for (JwtAlgorithm a : {JwtAlgorithm::ES256, JwtAlgorithm::HS256}) {
        const QByteArray compact = token(a, claims);
        std::shared_ptr<const JwtKey> key = a == JwtAlgorithm::HS256
            ? JwtKey::fromSecret(m_secret)
            : JwtKey::fromJwk(publicJwk(keyFor(a)), nullptr);
        const std::array allowed{a};
        int accepted = 0;
        for (qsizetype i = 0; i < compact.size(); ++i) {
            QByteArray changed = compact;
            changed[i] = compact[i] == 'A' ? 'B' : 'A';
            if (const std::optional<JwtToken> parsed = parseJwt(changed, nullptr))
                accepted += verifyJwt(*parsed, allowed, key, {}, kNow).accepted();
        }
        QCOMPARE(accepted, 0);
        QVERIFY(verifyJwt(*parseJwt(compact, nullptr), allowed, key, {}, kNow).accepted());
    }
}

void TestJwt::structureErrors_data()
{
    QTest::addColumn<QByteArray>("compact");
    QTest::addColumn<int>("code");
    const QByteArray h = encodeJson({{"alg", QStringLiteral("HS256")}});
    const QByteArray c = encodeJson({{"sub", QStringLiteral("a")}});
    const QByteArray s = encodeBase64Url(QByteArray(32, 'x'));
    const int malformed = int(Code::Malformed);
    QTest::newRow("empty") << QByteArray() << malformed;
    QTest::newRow("one part") << h << malformed;
    QTest::newRow("two parts") << h + '.' + c << malformed;
    QTest::newRow("four parts") << h + '.' + c + '.' + s + '.' + s << malformed;
    QTest::newRow("JWE-like five parts") << h + '.' + c + '.' + s + '.' + s + '.' + s << malformed;
    QTest::newRow("empty signature") << h + '.' + c + '.' << malformed;
    QTest::newRow("only dots") << QByteArray("..") << malformed;
    QTest::newRow("empty header") << '.' + c + '.' + s << malformed;
    QTest::newRow("empty payload") << h + ".." + s << malformed;
    QTest::newRow("padded header") << h + "=." + c + '.' + s << malformed;
    QTest::newRow("padded signature") << h + '.' + c + '.' + s + '=' << malformed;
    QTest::newRow("standard alphabet") << h + '.' + c + '.' + s.left(10) + '+' << malformed;
    QTest::newRow("space") << h + '.' + c + ". " + s << malformed;
    QTest::newRow("newline") << h + '.' + c + '.' + s + '\n' << malformed;
    QTest::newRow("header not JSON")
        << encodeBase64Url("alg:HS256") + '.' + c + '.' + s << malformed;
    QTest::newRow("header JSON array")
        << encodeBase64Url(R"(["alg","HS256"])") + '.' + c + '.' + s << malformed;
    QTest::newRow("header JSON string")
        << encodeBase64Url(R"("HS256")") + '.' + c + '.' + s << malformed;
    QTest::newRow("claims array") << h + '.' + encodeBase64Url("[1,2]") + '.' + s << malformed;
    QTest::newRow("claims not JSON")
        << h + '.' + encodeBase64Url("{\"sub\":") + '.' + s << malformed;
    QTest::newRow("kid not a string") << encodeJson({{"alg", QStringLiteral("HS256")}, {"kid", 7}})
            + '.' + c + '.' + s << malformed;
    QTest::newRow("crit header") << encodeJson({{"alg", QStringLiteral("HS256")},
                                                {"crit", QJsonArray{QStringLiteral("exp")}},
                                                {"exp", 1}})
            + '.' + c + '.' + s << int(Code::UnsupportedAlgorithm);
    QTest::newRow("b64 false (RFC 7797)")
        << encodeJson({{"alg", QStringLiteral("HS256")},
                       {"b64", false},
                       {"crit", QJsonArray{QStringLiteral("b64")}}})
            + '.' + c + '.' + s
        << int(Code::UnsupportedAlgorithm);
}

void TestJwt::structureErrors()
{
    QFETCH(QByteArray, compact);
    QFETCH(int, code);
    JwtError error;
    QVERIFY(!parseJwt(compact, &error));
    QCOMPARE(int(error.code), code);
    QVERIFY(!error.detail.isEmpty());
}

void TestJwt::oversizedToken()
{
    const QByteArray big(200, 'x');
    QJsonObject claims;
    for (int i = 0; i < 80; ++i)
        claims[QStringLiteral("c%1").arg(i)] = QString::fromLatin1(big);
    const QByteArray compact = token(JwtAlgorithm::HS256, claims);
    QVERIFY(compact.size() > kMaxJwtBytes);
    JwtError error;
    QVERIFY(!parseJwt(compact, &error));
    QCOMPARE(error.code, Code::Oversized);
    QCOMPARE(error.reason(), QByteArray("oversized"));
    QVERIFY(!parseJwt(QByteArray(kMaxJwtBytes + 1, 'a'), &error));
    QCOMPARE(error.code, Code::Oversized);
    // At the limit the size check passes (and the structure check fails).
    QVERIFY(!parseJwt(QByteArray(kMaxJwtBytes, 'a'), &error));
    QCOMPARE(error.code, Code::Malformed);
}

void TestJwt::ecdsaSignatureForms()
{
    const QByteArray input = encodeJson({{"alg", QStringLiteral("ES256")}}) + '.'
        + encodeJson({{"sub", QStringLiteral("a")}});
    const QByteArray der = opensslSign(m_p256.get(), JwtAlgorithm::ES256, input);
    const QByteArray raw = derToRaw(der, 32);
    const auto key = JwtKey::fromJwk(publicJwk(m_p256.get()), nullptr);
    QVERIFY(key);
    QVERIFY(key->verify(JwtAlgorithm::ES256, input, raw));
    QVERIFY(!key->verify(JwtAlgorithm::ES256, input, der)); // DER is not the JWS form
    QVERIFY(!key->verify(JwtAlgorithm::ES256, input, raw.left(63)));
    QVERIFY(!key->verify(JwtAlgorithm::ES256, input, raw + '\0'));
    QVERIFY(!key->verify(JwtAlgorithm::ES256, input, '\0' + raw));
    QVERIFY(!key->verify(JwtAlgorithm::ES256, input, QByteArray(64, '\0'))); // r = s = 0
    QVERIFY(!key->verify(JwtAlgorithm::ES256, input, QByteArray(64, '\xff')));
    QVERIFY(!key->verify(JwtAlgorithm::ES256, input, {}));
    // RSA and EdDSA signatures of the wrong length are refused too.
    const auto rsa = JwtKey::fromPem(publicPem(m_rsa.get()), nullptr);
    const QByteArray rsaSignature = jwsSign(m_rsa.get(), JwtAlgorithm::RS256, input);
    QVERIFY(rsa->verify(JwtAlgorithm::RS256, input, rsaSignature));
    QVERIFY(!rsa->verify(JwtAlgorithm::RS256, input, rsaSignature.left(255)));
    QVERIFY(!rsa->verify(JwtAlgorithm::RS256, input, '\0' + rsaSignature));
    const auto ed = JwtKey::fromPem(publicPem(m_ed25519.get()), nullptr);
    const QByteArray edSignature = jwsSign(m_ed25519.get(), JwtAlgorithm::EdDSA, input);
    QVERIFY(ed->verify(JwtAlgorithm::EdDSA, input, edSignature));
    QVERIFY(!ed->verify(JwtAlgorithm::EdDSA, input, edSignature + '\0'));
    const auto hs = JwtKey::fromSecret(m_secret);
    const QByteArray mac = hmac(JwtAlgorithm::HS256, m_secret, input);
    QVERIFY(hs->verify(JwtAlgorithm::HS256, input, mac));
    QVERIFY(!hs->verify(JwtAlgorithm::HS256, input, mac.left(16))); // truncated MAC
    QVERIFY(!hs->verify(JwtAlgorithm::HS256, input, mac + mac));
    QVERIFY(!JwtKey::fromSecret({})->canVerify(JwtAlgorithm::HS256));
}

void TestJwt::kidSelection()
{
    QString error;
    JwkSet set;
    set.keys.push_back(JwtKey::fromJwk(publicJwk(m_p256.get(), QStringLiteral("ec-1")), &error));
    set.keys.push_back(JwtKey::fromJwk(publicJwk(m_rsa.get(), QStringLiteral("rsa-1")), &error));
    QVERIFY(set.keys[0] && set.keys[1]);
    QCOMPARE(set.findByKid("rsa-1"), set.keys[1]);
    QVERIFY(!set.findByKid("rsa-2"));
    QVERIFY(!set.findByKid(""));
    const std::array allowed{JwtAlgorithm::RS256, JwtAlgorithm::ES256};
    const QJsonObject claims{{"sub", QStringLiteral("a")}};
    const auto verdictFor = [&](const QByteArray &compact) {
        const std::optional<JwtToken> parsed = parseJwt(compact, nullptr);
        return parsed ? verifyJwt(*parsed, allowed, set, {}, kNow) : JwtVerdict{};
    };
    JwtVerdict verdict =
        verdictFor(token(JwtAlgorithm::RS256, claims, {{"kid", QStringLiteral("rsa-1")}}));
    QVERIFY(verdict.accepted());
    QCOMPARE(verdict.key, set.keys[1]);
    // A kid not in the set: the caller's cue to refresh the JWK Set.
    verdict = verdictFor(token(JwtAlgorithm::RS256, claims, {{"kid", QStringLiteral("rsa-2")}}));
    QCOMPARE(verdict.error.code, Code::UnknownKey);
    QCOMPARE(verdict.error.reason(), QByteArray("unknown key"));
    // The kid names the EC key but the token says RS256: refused, not retried with another key.
    verdict = verdictFor(token(JwtAlgorithm::RS256, claims, {{"kid", QStringLiteral("ec-1")}}));
    QCOMPARE(verdict.error.code, Code::BadSignature);
    // No kid: every key that can verify the alg is tried.
    verdict = verdictFor(token(JwtAlgorithm::ES256, claims));
    QVERIFY(verdict.accepted());
    QCOMPARE(verdict.key, set.keys[0]);
    // No kid and no key for the alg.
    const std::array es384{JwtAlgorithm::ES384};
    const std::optional<JwtToken> p384 = parseJwt(token(JwtAlgorithm::ES384, claims), nullptr);
    QCOMPARE(verifyJwt(*p384, es384, set, {}, kNow).error.code, Code::UnknownKey);
    // A signature by a key outside the set.
    Pkey stranger(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    verdict = verdictFor(
        token(JwtAlgorithm::ES256, claims, {{"kid", QStringLiteral("ec-1")}}, stranger.get()));
    QCOMPARE(verdict.error.code, Code::BadSignature);
    // A single kid-less key (a secret) accepts tokens whatever their kid.
    const auto secret = JwtKey::fromSecret(m_secret);
    const std::array hs256{JwtAlgorithm::HS256};
    const std::optional<JwtToken> withKid =
        parseJwt(token(JwtAlgorithm::HS256, claims, {{"kid", QStringLiteral("any")}}), nullptr);
    QVERIFY(verifyJwt(*withKid, hs256, secret, {}, kNow).accepted());
    QCOMPARE(verifyJwt(*withKid, hs256, std::shared_ptr<const JwtKey>(), {}, kNow).error.code,
             Code::UnknownKey);
    const auto secretWithKid = JwtKey::fromSecret(m_secret, "other");
    QCOMPARE(verifyJwt(*withKid, hs256, secretWithKid, {}, kNow).error.code, Code::UnknownKey);
}

void TestJwt::jwkSetParsing()
{
    QJsonArray keys;
    keys.append(publicJwk(m_rsa.get(), QStringLiteral("good-rsa")));
    QJsonObject encKey = publicJwk(m_rsa.get(), QStringLiteral("enc-rsa"));
    encKey[u"use"] = QStringLiteral("enc");
    keys.append(encKey);
    keys.append(QJsonObject{{"kty", QStringLiteral("foo")}, {"kid", QStringLiteral("x")}});
    keys.append(QJsonObject{{"kty", QStringLiteral("EC")}, {"crv", QStringLiteral("P-256")}});
    keys.append(publicJwk(m_rsa1024.get(), QStringLiteral("weak")));
    keys.append(QStringLiteral("not an object"));
    QJsonObject oaep = publicJwk(m_rsa.get(), QStringLiteral("oaep"));
    oaep[u"alg"] = QStringLiteral("RSA-OAEP");
    keys.append(oaep);
    keys.append(publicJwk(m_ed25519.get(), QStringLiteral("good-ed")));
    const QByteArray json = QJsonDocument(QJsonObject{{"keys", keys}}).toJson();

    QString error;
    const std::optional<JwkSet> set = parseJwkSet(json, &error);
    QVERIFY2(set, qPrintable(error));
    QCOMPARE(set->keys.size(), size_t(2));
    QCOMPARE(set->keys[0]->kid(), QByteArray("good-rsa"));
    QCOMPARE(set->keys[1]->kid(), QByteArray("good-ed"));
    QCOMPARE(set->skipped.size(), 6);
    QVERIFY(set->skipped[0].startsWith(QStringLiteral("keys[1]: ")));
    QVERIFY(set->skipped[0].contains(QStringLiteral("enc")));
    QVERIFY(set->findByKid("good-ed"));
    QVERIFY(!set->findByKid("enc-rsa"));

    QVERIFY(parseJwkSet(R"({"keys":[]})", &error));
    for (const char *bad : {"", "[]", "{}", R"({"keys":{}})", R"({"keys":"x"})", "{\"keys\":[",
                            "not json", R"({"kty":"RSA","n":"AQAB","e":"AQAB"})"}) {
        error.clear();
        QVERIFY2(!parseJwkSet(bad, &error), bad);
        QVERIFY(!error.isEmpty());
    }
}

void TestJwt::jwkParameters()
{
    QString error;
    // A point off the curve: RFC 7515 A.3's key with one bit of y changed.
    QJsonObject ec = jsonObject(kA3Jwk);
    QVERIFY(JwtKey::fromJwk(ec, &error));
    QByteArray y = *decodeBase64Url(ec.value(u"y").toString().toLatin1());
    y[31] = char(y[31] ^ 0x01);
    ec[u"y"] = QString::fromLatin1(encodeBase64Url(y));
    QVERIFY(!JwtKey::fromJwk(ec, &error));
    QVERIFY2(error.contains(QStringLiteral("curve")), qPrintable(error));
    // Coordinates must be the full field size.
    ec = jsonObject(kA3Jwk);
    ec[u"x"] = QString::fromLatin1(encodeBase64Url(QByteArray(31, '\x01')));
    QVERIFY(!JwtKey::fromJwk(ec, &error));
    ec = jsonObject(kA3Jwk);
    ec[u"crv"] = QStringLiteral("secp256k1");
    QVERIFY(!JwtKey::fromJwk(ec, &error));
    // A P-256 point presented as P-384 does not fit.
    ec = jsonObject(kA3Jwk);
    ec[u"crv"] = QStringLiteral("P-384");
    QVERIFY(!JwtKey::fromJwk(ec, &error));

    // use, key_ops and alg.
    QJsonObject rsa = jsonObject(kA2Jwk);
    rsa[u"use"] = QStringLiteral("enc");
    QVERIFY(!JwtKey::fromJwk(rsa, &error));
    rsa = jsonObject(kA2Jwk);
    rsa[u"key_ops"] = QJsonArray{QStringLiteral("encrypt")};
    QVERIFY(!JwtKey::fromJwk(rsa, &error));
    rsa[u"key_ops"] = QJsonArray{QStringLiteral("verify")};
    QVERIFY(JwtKey::fromJwk(rsa, &error));
    rsa = jsonObject(kA2Jwk);
    rsa[u"alg"] = QStringLiteral("RS256");
    auto restricted = JwtKey::fromJwk(rsa, &error);
    QVERIFY(restricted);
    QCOMPARE(restricted->declaredAlgorithm(), JwtAlgorithm::RS256);
    QVERIFY(restricted->canVerify(JwtAlgorithm::RS256));
    QVERIFY(!restricted->canVerify(JwtAlgorithm::PS256));
    QVERIFY(!restricted->canVerify(JwtAlgorithm::RS512));
    rsa[u"alg"] = QStringLiteral("ES256"); // does not fit an RSA key
    QVERIFY(!JwtKey::fromJwk(rsa, &error));
    rsa[u"alg"] = QStringLiteral("none");
    QVERIFY(!JwtKey::fromJwk(rsa, &error));
    rsa = jsonObject(kA2Jwk);
    rsa[u"kid"] = 5;
    QVERIFY(!JwtKey::fromJwk(rsa, &error));
    rsa = jsonObject(kA2Jwk);
    rsa[u"e"] = QStringLiteral("AQA="); // padded
    QVERIFY(!JwtKey::fromJwk(rsa, &error));
    rsa[u"e"] = QStringLiteral("Ag"); // even exponent
    QVERIFY(!JwtKey::fromJwk(rsa, &error));
    rsa.remove(u"n");
    rsa[u"e"] = QStringLiteral("AQAB");
    QVERIFY(!JwtKey::fromJwk(rsa, &error));

    // OKP: Ed25519/Ed448 only, exact length.
    QJsonObject okp = jsonObject(kEd25519Jwk);
    okp[u"crv"] = QStringLiteral("X25519");
    QVERIFY(!JwtKey::fromJwk(okp, &error));
    okp = jsonObject(kEd25519Jwk);
    okp[u"x"] = QString::fromLatin1(encodeBase64Url(QByteArray(31, '\x01')));
    QVERIFY(!JwtKey::fromJwk(okp, &error));
    // oct: non-empty k.
    QVERIFY(
        !JwtKey::fromJwk(QJsonObject{{"kty", QStringLiteral("oct")}, {"k", QString()}}, &error));
    QVERIFY(!JwtKey::fromJwk(QJsonObject{{"k", QStringLiteral("AQAB")}}, &error));
}

void TestJwt::weakRsaKeyUnusable()
{
    const QByteArray input = "header.payload";
    const QByteArray signature = jwsSign(m_rsa1024.get(), JwtAlgorithm::RS256, input);
    for (const auto &key : {JwtKey::fromPem(publicPem(m_rsa1024.get()), nullptr),
                            JwtKey::fromJwk(publicJwk(m_rsa1024.get()), nullptr)}) {
        QVERIFY(key);
        QCOMPARE(key->bits(), 1024);
        for (int i = 0; i < kJwtAlgorithmCount; ++i)
            QVERIFY(!key->canVerify(JwtAlgorithm(i)));
        QVERIFY(!key->verify(JwtAlgorithm::RS256, input, signature));
    }
}

void TestJwt::claimHelpers()
{
    QCOMPARE(jwtSubject({{"sub", QStringLiteral("alice")}}), QStringLiteral("alice"));
    QCOMPARE(jwtSubject({{"sub", 5}}), QString());
    QCOMPARE(jwtScope({{"scope", QStringLiteral("read write")}}), QStringLiteral("read write"));
    QCOMPARE(jwtScope({{"scp", QJsonArray{QStringLiteral("read"), QStringLiteral("write")}}}),
             QStringLiteral("read write"));
    QCOMPARE(jwtScope({{"scope", QJsonArray{QStringLiteral("a"), 3, QStringLiteral("b")}}}),
             QStringLiteral("a b"));
    QCOMPARE(jwtScope({{"scp", QStringLiteral("orders.read")}}), QStringLiteral("orders.read"));
    QCOMPARE(jwtScope({}), QString());
    const QJsonObject claims{{"client_id", QStringLiteral("mobile-app")},
                             {"uid", 1234},
                             {"big", 9007199254740992.0},
                             {"ratio", 1.5},
                             {"admin", true},
                             {"neg", -7}};
    QCOMPARE(jwtClaimString(claims, u"client_id"), QStringLiteral("mobile-app"));
    QCOMPARE(jwtClaimString(claims, u"uid"), QStringLiteral("1234"));
    QCOMPARE(jwtClaimString(claims, u"big"), QStringLiteral("9007199254740992"));
    QCOMPARE(jwtClaimString(claims, u"neg"), QStringLiteral("-7"));
    QVERIFY(!jwtClaimString(claims, u"ratio"));
    QVERIFY(!jwtClaimString(claims, u"admin"));
    QVERIFY(!jwtClaimString(claims, u"missing"));

    const VerifiedToken token = VerifiedToken::fromClaims({{"sub", QStringLiteral("alice")},
                                                           {"scope", QStringLiteral("read")},
                                                           {"uid", 42},
                                                           {"exp", 1700000000.9}},
                                                          u"uid");
    QCOMPARE(token.subject, QByteArray("alice"));
    QCOMPARE(token.scope, QByteArray("read"));
    QCOMPARE(token.consumer, QByteArray("42"));
    QCOMPARE(token.expiry, qint64(1700000000));
}

void TestJwt::cacheHit()
{
    VerifiedTokenCache cache;
    const QByteArray compact = token(JwtAlgorithm::RS256, {{"sub", QStringLiteral("alice")}});
    QVERIFY(!cache.find(compact, kNow));
    const VerifiedToken stored{"alice", "read write", "mobile-app", kNow + 120};
    cache.insert(compact, stored, kNow);
    QCOMPARE(cache.size(), 1);
    QCOMPARE(cache.find(compact, kNow + 1), stored);
    QVERIFY(!cache.find(compact + 'x', kNow + 1));
    QVERIFY(!cache.find(compact.chopped(1), kNow + 1));
    cache.clear();
    QVERIFY(!cache.find(compact, kNow + 1));
}

void TestJwt::cacheExpiry()
{
    VerifiedTokenCache cache;
    // exp sooner than the maximum age: the entry ends at exp.
    cache.insert("token-a", {QByteArray("a"), {}, {}, kNow + 100}, kNow);
    QVERIFY(cache.find("token-a", kNow + 99));
    QVERIFY(!cache.find("token-a", kNow + 100));
    QCOMPARE(cache.size(), 0); // an expired entry found on lookup is dropped
    // exp far away, or none: the entry ends after kMaxAgeS.
    cache.insert("token-b", {QByteArray("b"), {}, {}, kNow + 86400}, kNow);
    cache.insert("token-c", {QByteArray("c"), {}, {}, std::nullopt}, kNow);
    QVERIFY(cache.find("token-b", kNow + VerifiedTokenCache::kMaxAgeS - 1));
    QVERIFY(cache.find("token-c", kNow + VerifiedTokenCache::kMaxAgeS - 1));
    QVERIFY(!cache.find("token-b", kNow + VerifiedTokenCache::kMaxAgeS));
    QVERIFY(!cache.find("token-c", kNow + VerifiedTokenCache::kMaxAgeS));
    // Already expired: not stored.
    cache.insert("token-d", {QByteArray("d"), {}, {}, kNow}, kNow);
    QVERIFY(!cache.find("token-d", kNow));
}

void TestJwt::cacheBound()
{
    VerifiedTokenCache cache(160); // 10 per shard
    QCOMPARE(cache.capacity(), 160);
    for (int i = 0; i < 2000; ++i)
        cache.insert(QByteArray::number(i), {QByteArray::number(i), {}, {}, kNow + 1000}, kNow);
    QVERIFY(cache.size() <= 160);
    QVERIFY(cache.size() >= 150); // every shard is (nearly) full with 2000 random keys
    // The newest entry is always kept.
    QCOMPARE(cache.find("1999", kNow)->subject, QStringLiteral("1999"));
    // Expired entries are evicted before live ones.
    VerifiedTokenCache small(16); // 1 per shard
    for (int i = 0; i < 64; ++i)
        small.insert(QByteArray::number(i), {QByteArray::number(i), {}, {}, kNow + 10}, kNow);
    QVERIFY(small.size() <= 16);
    small.insert("late", {QByteArray("late"), {}, {}, kNow + 1000}, kNow + 20);
    QVERIFY(small.find("late", kNow + 20));
    QVERIFY(small.size() <= 16);
}

void TestJwt::cacheNoCollision()
{
    VerifiedTokenCache cache;
    for (int i = 0; i < 500; ++i) {
        const QByteArray compact = "eyJhbGciOiJSUzI1NiJ9." + QByteArray::number(i) + ".sig";
        cache.insert(compact, {QByteArray::number(i), "s" + QByteArray::number(i), {}, kNow + 60},
                     kNow);
    }
    QCOMPARE(cache.size(), 500);
    for (int i = 0; i < 500; ++i) {
        const QByteArray compact = "eyJhbGciOiJSUzI1NiJ9." + QByteArray::number(i) + ".sig";
        const std::optional<VerifiedToken> found = cache.find(compact, kNow);
        QVERIFY(found);
        QCOMPARE(found->subject, QByteArray::number(i));
        QCOMPARE(found->scope, "s" + QByteArray::number(i));
    }
}

void TestJwt::cacheConcurrent()
{
    // Four threads verify (HS256, ES256 keys shared) and use one cache at once.
    VerifiedTokenCache cache(1000);
    const auto key = JwtKey::fromJwk(publicJwk(m_p256.get()), nullptr);
    std::vector<QByteArray> tokens;
    for (int i = 0; i < 8; ++i)
        tokens.push_back(token(JwtAlgorithm::ES256, {{"sub", QString::number(i)}}));
    std::atomic<int> failures{0};
    std::vector<std::unique_ptr<QThread>> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back(QThread::create([&, t] {
            const std::array es256{JwtAlgorithm::ES256};
            for (int round = 0; round < 200; ++round) {
                const QByteArray &compact = tokens[size_t((round + t) % 8)];
                if (cache.find(compact, kNow))
                    continue;
                const std::optional<JwtToken> parsed = parseJwt(compact, nullptr);
                const JwtVerdict verdict = verifyJwt(*parsed, es256, key, {}, kNow);
                if (!verdict.accepted())
                    ++failures;
                cache.insert(compact, VerifiedToken::fromClaims(parsed->claims, {}), kNow);
            }
            // Frees this thread's OpenSSL state now rather than racing the process exit.
            OPENSSL_thread_stop();
        }));
        threads.back()->start();
    }
    for (auto &thread : threads)
        thread->wait();
    QCOMPARE(failures.load(), 0);
    QCOMPARE(cache.size(), 8);
    QCOMPARE(cache.find(tokens[3], kNow)->subject, QStringLiteral("3"));
}

QTEST_APPLESS_MAIN(TestJwt)
#include "tst_jwt.moc"
