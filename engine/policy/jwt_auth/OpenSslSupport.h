#pragma once

// OpenSSL plumbing shared by the JOSE files; an engine-internal header (OpenSSL is linked
// privately), never included from a header other code sees.

#include "JwtAlgorithm.h"
#include "certs/OpenSslDeleter.h"

#include <QByteArrayView>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>

namespace portico::openssl {

template<auto Free>
using Deleter = OpenSslDeleter<Free>;

using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, Deleter<EVP_MAC_CTX_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD_free>>;
using ParamsPtr = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM_free>>;

// Fetched once and shared by every thread (fetched algorithm objects are immutable), which
// saves the implicit fetch EVP_sha256() and friends cost on each call in OpenSSL 3.
const EVP_MD *sha256();
// SHA-256 of `data` into `out` with a context kept per thread: no allocation per call, which
// matters on the request path (API key lookups, the verified-token cache).
bool sha256Of(QByteArrayView data, unsigned char (&out)[32]);
const EVP_MD *digestFor(JwtAlgorithm algorithm); // nullptr for EdDSA
EVP_MAC *hmac();

} // namespace portico::openssl
