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

    std::optional<TokenOutcome> verify(const QByteArray &token, qint64 nowMs,
                                       const std::weak_ptr<ThreadMailbox> &mailbox,
                                       Done done) const override;

private:
    enum class Wait { Allowed, NotAgain };
    std::optional<TokenOutcome> run(const QByteArray &token, qint64 nowMs,
                                    const std::weak_ptr<ThreadMailbox> &mailbox, const Done &done,
                                    Wait wait) const;
    // Resumes `token` on the mailbox's thread once a fetch ended (never waiting again).
    std::function<void()> resumer(const QByteArray &token,
                                  const std::weak_ptr<ThreadMailbox> &mailbox,
                                  const Done &done) const;
    const CompiledJwtProvider *providerFor(const JwtToken &token) const;
    TokenOutcome accept(const CompiledJwtProvider &provider, const VerifiedToken &token,
                        QByteArray how) const;

    std::vector<std::shared_ptr<const CompiledJwtProvider>> m_providers;
    std::shared_ptr<const ConsumerDirectory> m_consumers;
    bool m_anonymousAllowed;
};

} // namespace portico
