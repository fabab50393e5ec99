#pragma once

#include "policy/auth/TokenAuthenticator.h"

#include <memory>
#include <vector>

namespace portico {

class ConsumerDirectory;
struct CompiledJwtProvider;
struct JwtToken;
struct VerifiedToken;

// Verifies a route's bearer JWTs: the provider is the one whose issuer the token names (among
// the route's), the signature and claims are checked with its key or JWK Set, and the consumer
// is the one the provider's consumer claim names. A token already verified is answered from
// the provider's cache. Waits (without blocking the worker) only for a JWK Set being fetched.
class JwtAuthenticator : public TokenAuthenticator,
                         public std::enable_shared_from_this<JwtAuthenticator>
{
public:
    JwtAuthenticator(std::vector<std::shared_ptr<const CompiledJwtProvider>> providers,
                     std::shared_ptr<const ConsumerDirectory> consumers, bool anonymousAllowed);

    std::optional<TokenOutcome> verify(QByteArrayView token, qint64 nowMs, const TokenWait *wait,
                                       VerifyMode mode) const override;

private:
    // Verifies `token` again on the request's worker once a fetch ended (never waiting again).
    std::function<void()> resumer(QByteArrayView token, const TokenWait &wait) const;
    const CompiledJwtProvider *providerFor(const JwtToken &token) const;
    TokenOutcome accept(const CompiledJwtProvider &provider, const VerifiedToken &token,
                        qint64 nowS, QByteArray how) const;

    std::vector<std::shared_ptr<const CompiledJwtProvider>> m_providers;
    std::shared_ptr<const ConsumerDirectory> m_consumers;
    bool m_anonymousAllowed;
};

} // namespace portico
