// JwtKey::fromJwk: turning a JWK (RFC 7517, RFC 7518 section 6, RFC 8037) into a JwtKey.
#include "JwtKey.h"

#include "Base64Url.h"
#include "OpenSslSupport.h"

#include <QJsonArray>
#include <QJsonObject>

#include <openssl/core_names.h>
#include <openssl/err.h>

namespace portico {

namespace {

// 16384-bit modulus: the largest OpenSSL verifies with.
constexpr qsizetype kMaxRsaModulusBytes = 2048;
constexpr qsizetype kMaxRsaExponentBytes = 8;

std::nullptr_t fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    ERR_clear_error();
    return nullptr;
}

QJsonValue field(const QJsonObject &jwk, const char *name)
{
    return jwk.value(QLatin1String(name));
}

// A base64url member; nullopt when absent, not a string or not strict base64url.
std::optional<QByteArray> bytesField(const QJsonObject &jwk, const char *name)
{
    const QJsonValue value = field(jwk, name);
    if (!value.isString())
        return std::nullopt;
    return decodeBase64Url(value.toString().toLatin1());
}

// Short, printable excerpt of a JWK's text for an error message.
QString quoted(const QJsonValue &value)
{
    return QLatin1Char('"') + value.toString().left(32) + QLatin1Char('"');
}

EVP_PKEY *publicKeyFromData(const char *type, OSSL_PARAM_BLD *builder)
{
    openssl::ParamsPtr params(OSSL_PARAM_BLD_to_param(builder));
    openssl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY *pkey = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1
        || EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
        return nullptr;
    }
    return pkey;
}

EVP_PKEY *rsaFromJwk(const QJsonObject &jwk, QString *error)
{
    std::optional<QByteArray> n = bytesField(jwk, "n");
    std::optional<QByteArray> e = bytesField(jwk, "e");
    if (!n || !e || n->isEmpty() || e->isEmpty())
        return fail(error, QStringLiteral("RSA key needs base64url \"n\" and \"e\""));
    if (n->size() > kMaxRsaModulusBytes + 1 || e->size() > kMaxRsaExponentBytes)
        return fail(error, QStringLiteral("RSA key is too large"));
    const auto *nBytes = reinterpret_cast<const unsigned char *>(n->constData());
    const auto *eBytes = reinterpret_cast<const unsigned char *>(e->constData());
    openssl::BignumPtr modulus(BN_bin2bn(nBytes, int(n->size()), nullptr));
    openssl::BignumPtr exponent(BN_bin2bn(eBytes, int(e->size()), nullptr));
    if (!modulus || !exponent || !BN_is_odd(modulus.get()) || !BN_is_odd(exponent.get())
        || BN_is_one(exponent.get())) {
        return fail(error, QStringLiteral("RSA key has an invalid modulus or exponent"));
    }
    openssl::ParamBldPtr builder(OSSL_PARAM_BLD_new());
    if (!builder || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, modulus.get()) != 1
        || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, exponent.get()) != 1) {
        return fail(error, QStringLiteral("out of memory"));
    }
    EVP_PKEY *pkey = publicKeyFromData("RSA", builder.get());
    if (!pkey)
        return fail(error, QStringLiteral("OpenSSL refused the RSA key"));
    return pkey;
}

EVP_PKEY *ecFromJwk(const QJsonObject &jwk, QString *error)
{
    const QJsonValue crv = field(jwk, "crv");
    const char *group = nullptr;
    qsizetype fieldBytes = 0;
    if (crv == QLatin1String("P-256")) {
        group = "prime256v1";
        fieldBytes = 32;
    } else if (crv == QLatin1String("P-384")) {
        group = "secp384r1";
        fieldBytes = 48;
    } else if (crv == QLatin1String("P-521")) {
        group = "secp521r1";
        fieldBytes = 66;
    } else {
        return fail(error,
                    QStringLiteral("EC curve %1 is not P-256, P-384 or P-521").arg(quoted(crv)));
    }
    // RFC 7518 section 6.2.1.2: x and y are the full field size, zero-padded.
    std::optional<QByteArray> x = bytesField(jwk, "x");
    std::optional<QByteArray> y = bytesField(jwk, "y");
    if (!x || !y || x->size() != fieldBytes || y->size() != fieldBytes) {
        return fail(
            error,
            QStringLiteral("EC key needs base64url \"x\" and \"y\" of %1 bytes").arg(fieldBytes));
    }
    const QByteArray point = QByteArray(1, '\x04') + *x + *y; // uncompressed SEC1 point
    openssl::ParamBldPtr builder(OSSL_PARAM_BLD_new());
    if (!builder
        || OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1
        || OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY,
                                            point.constData(), size_t(point.size()))
            != 1) {
        return fail(error, QStringLiteral("out of memory"));
    }
    EVP_PKEY *pkey = publicKeyFromData("EC", builder.get());
    if (!pkey)
        return fail(error, QStringLiteral("EC public key is not a valid point on its curve"));
    return pkey;
}

EVP_PKEY *okpFromJwk(const QJsonObject &jwk, QString *error)
{
    const QJsonValue crv = field(jwk, "crv");
    const char *type = nullptr;
    qsizetype keyBytes = 0;
    if (crv == QLatin1String("Ed25519")) {
        type = "ED25519";
        keyBytes = 32;
    } else if (crv == QLatin1String("Ed448")) {
        type = "ED448";
        keyBytes = 57;
    } else {
        // X25519/X448 are key-agreement keys: never for signatures.
        return fail(error, QStringLiteral("OKP curve %1 is not Ed25519 or Ed448").arg(quoted(crv)));
    }
    std::optional<QByteArray> x = bytesField(jwk, "x");
    if (!x || x->size() != keyBytes)
        return fail(error,
                    QStringLiteral("OKP key needs base64url \"x\" of %1 bytes").arg(keyBytes));
    EVP_PKEY *pkey = EVP_PKEY_new_raw_public_key_ex(
        nullptr, type, nullptr, reinterpret_cast<const unsigned char *>(x->constData()),
        size_t(x->size()));
    if (!pkey)
        return fail(error, QStringLiteral("OpenSSL refused the OKP key"));
    return pkey;
}

} // namespace

std::shared_ptr<const JwtKey> JwtKey::fromJwk(const QJsonObject &jwk, QString *error)
{
    const QJsonValue kty = field(jwk, "kty");
    if (!kty.isString())
        return fail(error, QStringLiteral("JWK has no \"kty\""));

    QByteArray kid;
    if (jwk.contains(QLatin1String("kid"))) {
        if (!field(jwk, "kid").isString())
            return fail(error, QStringLiteral("JWK \"kid\" is not a string"));
        kid = field(jwk, "kid").toString().toUtf8();
    }
    QString use;
    if (jwk.contains(QLatin1String("use"))) {
        const QJsonValue value = field(jwk, "use");
        if (value != QLatin1String("sig"))
            return fail(error, QStringLiteral("JWK \"use\" is %1, not \"sig\"").arg(quoted(value)));
        use = value.toString();
    }
    if (jwk.contains(QLatin1String("key_ops"))) {
        const QJsonValue ops = field(jwk, "key_ops");
        if (!ops.isArray() || !ops.toArray().contains(QLatin1String("verify")))
            return fail(error, QStringLiteral("JWK \"key_ops\" does not allow \"verify\""));
    }
    std::optional<JwtAlgorithm> algorithm;
    if (jwk.contains(QLatin1String("alg"))) {
        const QJsonValue value = field(jwk, "alg");
        algorithm = jwtAlgorithmFromName(value.toString().toUtf8());
        if (!value.isString() || !algorithm) {
            return fail(error,
                        QStringLiteral("JWK \"alg\" %1 is not a supported JWS algorithm")
                            .arg(quoted(value)));
        }
    }

    std::shared_ptr<JwtKey> key;
    if (kty == QLatin1String("oct")) {
        std::optional<QByteArray> k = bytesField(jwk, "k");
        if (!k || k->isEmpty())
            return fail(error, QStringLiteral("oct key needs a non-empty base64url \"k\""));
        key.reset(new JwtKey);
        key->m_family = JwtKeyFamily::Hmac;
        key->m_bits = int(k->size() * 8);
        key->m_secret = std::move(*k);
    } else {
        EVP_PKEY *pkey = nullptr;
        if (kty == QLatin1String("RSA"))
            pkey = rsaFromJwk(jwk, error);
        else if (kty == QLatin1String("EC"))
            pkey = ecFromJwk(jwk, error);
        else if (kty == QLatin1String("OKP"))
            pkey = okpFromJwk(jwk, error);
        else
            return fail(error, QStringLiteral("unsupported kty %1").arg(quoted(kty)));
        if (!pkey)
            return nullptr;
        key = adoptPublicKey(pkey, error);
        if (!key)
            return nullptr;
    }
    if (algorithm && jwtAlgorithmFamily(*algorithm) != key->m_family) {
        return fail(error,
                    QStringLiteral("JWK \"alg\" %1 does not fit kty %2")
                        .arg(quoted(field(jwk, "alg")), quoted(kty)));
    }
    key->m_kid = std::move(kid);
    key->m_use = std::move(use);
    key->m_declaredAlgorithm = algorithm;
    return key;
}

} // namespace portico
