#include "OpenSslSupport.h"

#include <QtGlobal>

namespace portico::openssl {

namespace {

// Never freed: they live until exit, and freeing after OpenSSL's own atexit cleanup would crash.
const EVP_MD *fetchDigest(const char *name)
{
    const EVP_MD *md = EVP_MD_fetch(nullptr, name, nullptr);
    if (!md)
        qFatal("OpenSSL lacks the %s digest", name);
    return md;
}

} // namespace

const EVP_MD *sha256()
{
    static const EVP_MD *const md = fetchDigest("SHA2-256");
    return md;
}

bool sha256Of(QByteArrayView data, unsigned char (&out)[32])
{
    thread_local const MdCtxPtr context(EVP_MD_CTX_new());
    unsigned int length = 0;
    return context && EVP_DigestInit_ex2(context.get(), sha256(), nullptr) == 1
        && EVP_DigestUpdate(context.get(), data.data(), size_t(data.size())) == 1
        && EVP_DigestFinal_ex(context.get(), out, &length) == 1 && length == 32;
}

const EVP_MD *digestFor(JwtAlgorithm algorithm)
{
    static const EVP_MD *const sha384 = fetchDigest("SHA2-384");
    static const EVP_MD *const sha512 = fetchDigest("SHA2-512");
    switch (algorithm) {
    case JwtAlgorithm::HS256:
    case JwtAlgorithm::RS256:
    case JwtAlgorithm::PS256:
    case JwtAlgorithm::ES256: return sha256();
    case JwtAlgorithm::HS384:
    case JwtAlgorithm::RS384:
    case JwtAlgorithm::PS384:
    case JwtAlgorithm::ES384: return sha384;
    case JwtAlgorithm::HS512:
    case JwtAlgorithm::RS512:
    case JwtAlgorithm::PS512:
    case JwtAlgorithm::ES512: return sha512;
    case JwtAlgorithm::EdDSA: return nullptr;
    }
    return nullptr;
}

EVP_MAC *hmac()
{
    static EVP_MAC *const mac = [] {
        EVP_MAC *fetched = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
        if (!fetched)
            qFatal("OpenSSL lacks HMAC");
        return fetched;
    }();
    return mac;
}

} // namespace portico::openssl
