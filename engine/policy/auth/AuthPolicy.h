#pragma once

#include "Credentials.h"
#include "policy/Policy.h"

#include <memory>

namespace portico {

class ConsumerDirectory;
class TokenAuthenticator;
struct TokenOutcome;

// Authenticates a route's requests once, with an API key or a bearer JWT (either passes when a
// route takes both). Takes the credential out of the request, so services never see it, and on
// success records who the caller is; otherwise answers 401 with a challenge. The answer says
// whether a credential was missing or refused, never why it was refused (unknown, expired and
// revoked look the same to the client); the request's record keeps the reason.
class AuthPolicy : public Policy
{
public:
    AuthPolicy(CredentialSources sources, std::shared_ptr<const ConsumerDirectory> consumers,
               std::shared_ptr<const TokenAuthenticator> tokens);

    QByteArray name() const override { return QByteArrayLiteral("auth"); }
    PolicyResult onRequest(RequestContext &context, const PolicyResumer &resume) const override;

private:
    class Wait;
    PolicyResult checkKey(RequestContext &context, const Credential &credential) const;
    PolicyResult finishToken(RequestContext &context, const TokenOutcome &outcome) const;
    enum class Refused { Missing, Key, Token };
    PolicyResult refuse(RequestContext &context, QByteArray reason, Refused what) const;

    CredentialSources m_sources;
    std::shared_ptr<const ConsumerDirectory> m_consumers;
    std::shared_ptr<const TokenAuthenticator> m_tokens;
    HeaderMap m_challenges;      // WWW-Authenticate when nothing was presented
    HeaderMap m_tokenChallenges; // ... and when a token was refused (RFC 6750 invalid_token)
};

} // namespace portico
