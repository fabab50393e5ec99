#include "JwtKey.h"

#include "OpenSslSupport.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>

namespace portico {

namespace {

// Larger inputs are not keys anyone configures; refusing them bounds the parser's work.
constexpr qsizetype kMaxPemBytes = 64 * 1024;
// OpenSSL refuses to verify with a larger modulus (OPENSSL_RSA_MAX_MODULUS_BITS).
constexpr int kMaxRsaBits = 16384;

std::nullptr_t fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    ERR_clear_error(); // the queue is per thread; leave it clean for the next caller
    return nullptr;
}

int ecFieldBytes(JwtKey::Curve curve)
{
    switch (curve) {
    case JwtKey::Curve::P256: return 32;
    case JwtKey::Curve::P384: return 48;
    case JwtKey::Curve::P521: return 66;
    default: return 0;
    }
}

// Never prompts for a passphrase: a public key or certificate has none.
int noPassphrase(char *, int, int, void *)
{
    return 0;
}

} // namespace

JwtKey::~JwtKey()
{
    EVP_PKEY_free(m_pkey);
}

std::shared_ptr<const JwtKey> JwtKey::fromSecret(QByteArray secret, QByteArray kid)
{
    std::shared_ptr<JwtKey> key(new JwtKey);
    key->m_family = JwtKeyFamily::Hmac;
    key->m_bits = int(std::min<qsizetype>(secret.size(), 1 << 20) * 8);
    key->m_secret = std::move(secret);
    key->m_kid = std::move(kid);
    return key;
}

std::shared_ptr<const JwtKey> JwtKey::fromPem(QByteArrayView pem, QString *error)
{
    if (pem.size() > kMaxPemBytes)
        return fail(error, QStringLiteral("PEM text is larger than 64 KiB"));
    const auto readBio = [pem] {
        return std::unique_ptr<BIO, openssl::Deleter<BIO_free>>(
            BIO_new_mem_buf(pem.data(), int(pem.size())));
    };
    EVP_PKEY *pkey = nullptr;
    if (auto bio = readBio())
        pkey = PEM_read_bio_PUBKEY(bio.get(), nullptr, noPassphrase, nullptr);
    if (!pkey) {
        ERR_clear_error();
        if (auto bio = readBio()) {
            if (X509 *cert = PEM_read_bio_X509(bio.get(), nullptr, noPassphrase, nullptr)) {
                pkey = X509_get_pubkey(cert); // its own reference
                X509_free(cert);
            }
        }
    }
    if (!pkey) {
        return fail(error,
                    QStringLiteral("not a PEM public key (BEGIN PUBLIC KEY) or "
                                   "certificate (BEGIN CERTIFICATE)"));
    }
    return adoptPublicKey(pkey, error);
}

std::shared_ptr<JwtKey> JwtKey::adoptPublicKey(EVP_PKEY *pkey, QString *error)
{
    openssl::PkeyPtr owned(pkey);
    std::shared_ptr<JwtKey> key(new JwtKey);
    // Exact type names: an "RSA-PSS" restricted key or X25519 is not accepted.
    if (EVP_PKEY_is_a(pkey, "RSA")) {
        key->m_family = JwtKeyFamily::Rsa;
        key->m_bits = EVP_PKEY_get_bits(pkey);
        if (key->m_bits > kMaxRsaBits)
            return fail(error, QStringLiteral("RSA key larger than 16384 bits"));
    } else if (EVP_PKEY_is_a(pkey, "EC")) {
        char group[64] = {};
        size_t length = 0;
        if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                           &length)
            != 1) {
            return fail(error, QStringLiteral("EC key without a named curve"));
        }
        const QByteArrayView name(group, qsizetype(length));
        if (name == "prime256v1" || name == "P-256")
            key->m_curve = Curve::P256;
        else if (name == "secp384r1" || name == "P-384")
            key->m_curve = Curve::P384;
        else if (name == "secp521r1" || name == "P-521")
            key->m_curve = Curve::P521;
        else
            return fail(
                error,
                QStringLiteral("EC curve %1 is not P-256, P-384 or P-521")
                    .arg(QString::fromLatin1(name.first(std::min<qsizetype>(name.size(), 32)))));
        // Decoding already refuses most bad points; the full check also covers the point at
        // infinity and the subgroup order, so an invalid-curve key never gets this far.
        openssl::PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
        if (!check || EVP_PKEY_public_check(check.get()) != 1)
            return fail(error, QStringLiteral("EC public key is not a valid point on its curve"));
        key->m_family = JwtKeyFamily::Ec;
        key->m_bits = EVP_PKEY_get_bits(pkey);
    } else if (EVP_PKEY_is_a(pkey, "ED25519")) {
        key->m_family = JwtKeyFamily::Okp;
        key->m_curve = Curve::Ed25519;
        key->m_bits = 256;
    } else if (EVP_PKEY_is_a(pkey, "ED448")) {
        key->m_family = JwtKeyFamily::Okp;
        key->m_curve = Curve::Ed448;
        key->m_bits = 456;
    } else {
        return fail(error,
                    QStringLiteral("unsupported key type (expected RSA, EC P-256/P-384/"
                                   "P-521, Ed25519 or Ed448)"));
    }
    key->m_pkey = owned.release();
    return key;
}

bool JwtKey::canVerify(JwtAlgorithm algorithm) const
{
    if (m_declaredAlgorithm && *m_declaredAlgorithm != algorithm)
        return false;
    if (jwtAlgorithmFamily(algorithm) != m_family)
        return false;
    switch (m_family) {
    case JwtKeyFamily::Hmac: return !m_secret.isEmpty();
    case JwtKeyFamily::Rsa: return m_bits >= kMinRsaBits && m_bits <= kMaxRsaBits;
    case JwtKeyFamily::Ec:
        return (algorithm == JwtAlgorithm::ES256 && m_curve == Curve::P256)
            || (algorithm == JwtAlgorithm::ES384 && m_curve == Curve::P384)
            || (algorithm == JwtAlgorithm::ES512 && m_curve == Curve::P521);
    case JwtKeyFamily::Okp: return m_curve == Curve::Ed25519 || m_curve == Curve::Ed448;
    }
    return false;
}

bool JwtKey::verify(JwtAlgorithm algorithm, QByteArrayView signingInput,
                    QByteArrayView signature) const
{
    if (!canVerify(algorithm) || signature.isEmpty())
        return false;
    bool valid = false;
    switch (m_family) {
    case JwtKeyFamily::Hmac: valid = verifyHmac(algorithm, signingInput, signature); break;
    case JwtKeyFamily::Ec: valid = verifyEcdsa(algorithm, signingInput, signature); break;
    case JwtKeyFamily::Rsa:
    case JwtKeyFamily::Okp: valid = verifyWithKey(algorithm, signingInput, signature); break;
    }
    if (!valid)
        ERR_clear_error(); // a failed verify leaves entries in this thread's error queue
    return valid;
}

bool JwtKey::verifyHmac(JwtAlgorithm algorithm, QByteArrayView input,
                        QByteArrayView signature) const
{
    const EVP_MD *md = openssl::digestFor(algorithm);
    const int size = EVP_MD_get_size(md);
    // The length is public (it is the algorithm's), so comparing it first leaks nothing.
    if (signature.size() != size)
        return false;
    openssl::MacCtxPtr ctx(EVP_MAC_CTX_new(openssl::hmac()));
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                         const_cast<char *>(EVP_MD_get0_name(md)), 0),
        OSSL_PARAM_construct_end(),
    };
    unsigned char mac[EVP_MAX_MD_SIZE];
    size_t macLength = 0;
    if (!ctx
        || EVP_MAC_init(ctx.get(), reinterpret_cast<const unsigned char *>(m_secret.constData()),
                        size_t(m_secret.size()), params)
            != 1
        || EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char *>(input.data()),
                          size_t(input.size()))
            != 1
        || EVP_MAC_final(ctx.get(), mac, &macLength, sizeof mac) != 1
        || macLength != size_t(size)) {
        return false;
    }
    return CRYPTO_memcmp(mac, signature.data(), macLength) == 0;
}

bool JwtKey::verifyEcdsa(JwtAlgorithm algorithm, QByteArrayView input,
                         QByteArrayView signature) const
{
    // JWS carries R || S, each left-padded to the field size (RFC 7518 section 3.4); OpenSSL
    // wants DER. A DER signature or any other length is refused here.
    const int n = ecFieldBytes(m_curve);
    if (n == 0 || signature.size() != 2 * n)
        return false;
    const auto *raw = reinterpret_cast<const unsigned char *>(signature.data());
    ECDSA_SIG *sig = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(raw, n, nullptr);
    BIGNUM *s = BN_bin2bn(raw + n, n, nullptr);
    if (!sig || !r || !s || ECDSA_SIG_set0(sig, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(sig);
        return false;
    }
    unsigned char *der = nullptr;
    const int derLength = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig); // also frees r and s
    if (derLength <= 0)
        return false;
    const bool valid = verifyWithKey(
        algorithm, input, QByteArrayView(reinterpret_cast<const char *>(der), derLength));
    OPENSSL_free(der);
    return valid;
}

bool JwtKey::verifyWithKey(JwtAlgorithm algorithm, QByteArrayView input,
                           QByteArrayView signature) const
{
    if (m_family == JwtKeyFamily::Rsa && signature.size() != EVP_PKEY_get_size(m_pkey))
        return false;
    if (m_family == JwtKeyFamily::Okp && signature.size() != (m_curve == Curve::Ed448 ? 114 : 64))
        return false;
    // A fresh context per call: EVP_MD_CTX is not shareable, the EVP_PKEY is only read.
    openssl::MdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX *pkeyCtx = nullptr; // owned by ctx
    if (!ctx
        || EVP_DigestVerifyInit(ctx.get(), &pkeyCtx, openssl::digestFor(algorithm), nullptr, m_pkey)
            != 1) {
        return false;
    }
    if (m_family == JwtKeyFamily::Rsa) {
        const bool pss = algorithm == JwtAlgorithm::PS256 || algorithm == JwtAlgorithm::PS384
            || algorithm == JwtAlgorithm::PS512;
        if (pss) {
            // RFC 7518 section 3.5: MGF1 with the same hash, salt as long as the hash.
            if (EVP_PKEY_CTX_set_rsa_padding(pkeyCtx, RSA_PKCS1_PSS_PADDING) != 1
                || EVP_PKEY_CTX_set_rsa_pss_saltlen(pkeyCtx, RSA_PSS_SALTLEN_DIGEST) != 1
                || EVP_PKEY_CTX_set_rsa_mgf1_md(pkeyCtx, openssl::digestFor(algorithm)) != 1) {
                return false;
            }
        } else if (EVP_PKEY_CTX_set_rsa_padding(pkeyCtx, RSA_PKCS1_PADDING) != 1) {
            return false;
        }
    }
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char *>(signature.data()),
                            size_t(signature.size()),
                            reinterpret_cast<const unsigned char *>(input.data()),
                            size_t(input.size()))
        == 1;
}

} // namespace portico
