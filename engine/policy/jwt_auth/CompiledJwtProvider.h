#pragma once

#include "JwtAlgorithm.h"
#include "JwtClaimsCheck.h"
#include "VerifiedTokenCache.h"

#include <QByteArray>
#include <QString>

#include <memory>
#include <vector>

namespace portico {

struct JwtProviderConfig;
class JwksRegistry;
class JwksSource;
class JwtKey;

// A JWT provider as the request path uses it, compiled once per snapshot: the algorithms it
// allows, the claim rules, and its key (a secret or PEM key, or the JWKS source).
struct CompiledJwtProvider
{
    QString name;
    QByteArray accepted; // "jwt provider <name>": what a request it authenticates records
    QString issuer;
    std::vector<JwtAlgorithm> algorithms;
    JwtClaimRules rules;
    QString consumerClaim;
    std::shared_ptr<const JwtKey> key;  // secret or public_key providers
    std::shared_ptr<JwksSource> jwks;   // jwks_url providers
    QString keyError;                   // why `key` could not be built (refuses every token)
    // Tokens this provider accepted, until their exp (at most VerifiedTokenCache::kMaxAgeS).
    std::unique_ptr<VerifiedTokenCache> verified = std::make_unique<VerifiedTokenCache>();
};

std::shared_ptr<const CompiledJwtProvider> compileJwtProvider(const JwtProviderConfig &config,
                                                              JwksRegistry &jwks);

} // namespace portico
