#include "CompiledJwtProvider.h"

#include "JwksRegistry.h"
#include "JwtKey.h"
#include "config/Config.h"

namespace portico {

std::shared_ptr<const CompiledJwtProvider> compileJwtProvider(const JwtProviderConfig &config,
                                                              JwksRegistry &jwks)
{
    auto out = std::make_shared<CompiledJwtProvider>();
    out->name = config.name;
    out->accepted = "jwt provider " + config.name.toUtf8();
    out->issuer = config.issuer;
    for (const QString &name : config.algorithms) {
        if (const std::optional<JwtAlgorithm> algorithm = jwtAlgorithmFromName(name.toLatin1()))
            out->algorithms.push_back(*algorithm);
    }
    out->rules = JwtClaimRules{config.issuer, config.audiences, config.clockSkewS};
    out->consumerClaim = config.consumerClaim;
    if (!config.jwksUrl.isEmpty()) {
        out->jwks = jwks.sourceFor(JwksSource::Settings{QUrl(config.jwksUrl), config.jwksCacheMinS,
                                                        config.jwksCacheMaxS});
    } else if (!config.secret.isEmpty()) {
        out->key = JwtKey::fromSecret(config.secret.toUtf8());
    } else {
        out->key = JwtKey::fromPem(config.publicKey.toUtf8(), &out->keyError);
    }
    return out;
}

} // namespace portico
