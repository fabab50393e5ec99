#include "AuthPolicy.h"

#include "AuthMemo.h"
#include "ConsumerDirectory.h"
#include "TokenAuthenticator.h"
#include "net/ThreadMailbox.h"
#include "policy/RequestContext.h"

#include <QDateTime>

namespace portico {

namespace {

QByteArray keyVerdictName(ConsumerDirectory::KeyVerdict verdict)
{
    switch (verdict) {
    case ConsumerDirectory::KeyVerdict::Valid: return "valid";
    case ConsumerDirectory::KeyVerdict::Unknown: return "unknown";
    case ConsumerDirectory::KeyVerdict::Expired: return "expired";
    case ConsumerDirectory::KeyVerdict::Revoked: return "revoked";
    }
    return {};
}

} // namespace

// The way back to this request when a token's verification has to wait.
class AuthPolicy::Wait final : public TokenWait
{
public:
    Wait(const AuthPolicy &policy, RequestContext &context, const PolicyResumer &resume)
        : m_policy(policy), m_context(context), m_resume(resume)
    {
    }

    std::weak_ptr<ThreadMailbox> mailbox() const override
    {
        return m_context.mailbox ? m_context.mailbox->weak_from_this()
                                 : std::weak_ptr<ThreadMailbox>();
    }

    Done done() const override
    {
        // The request (and with it this policy's snapshot) may be gone by then: look first.
        return [policy = &m_policy, context = &m_context, resume = m_resume.make(),
                alive = m_context.alive](TokenOutcome outcome) {
            if (!alive.expired())
                resume(policy->finishToken(*context, outcome));
        };
    }

private:
    const AuthPolicy &m_policy;
    RequestContext &m_context;
    const PolicyResumer &m_resume;
};

AuthPolicy::AuthPolicy(CredentialSources sources,
                       std::shared_ptr<const ConsumerDirectory> consumers,
                       std::shared_ptr<const TokenAuthenticator> tokens)
    : m_sources(std::move(sources))
    , m_consumers(std::move(consumers))
    , m_tokens(std::move(tokens))
{
    if (m_sources.keys) {
        const QByteArray key = "ApiKey realm=\"portico\", header=\"" + m_sources.keyHeader + '"';
        m_challenges.add("WWW-Authenticate", key);
        m_tokenChallenges.add("WWW-Authenticate", key);
    }
    if (m_sources.tokens) {
        m_challenges.add("WWW-Authenticate", "Bearer realm=\"portico\"");
        m_tokenChallenges.add("WWW-Authenticate",
                              "Bearer realm=\"portico\", error=\"invalid_token\"");
    }
}

PolicyResult AuthPolicy::onRequest(RequestContext &context, const PolicyResumer &resume) const
{
    const Credential credential = takeCredential(context.head, m_sources);
    switch (credential.kind) {
    case Credential::Kind::None: return refuse(context, "no credential", Refused::Missing);
    case Credential::Kind::Ambiguous:
        return refuse(context, QByteArray("more than one credential in the ") + credential.carrier,
                      Refused::Key);
    case Credential::Kind::ApiKey: return checkKey(context, credential);
    case Credential::Kind::Token: break;
    }
    Q_ASSERT(m_tokens); // a token is taken only on routes that take tokens
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    AuthMemo::Token *memo = context.authMemo ? &context.authMemo->token : nullptr;
    if (memo && nowMs < memo->outcome.validUntilMs && memo->presented == credential.value
        && memo->authenticator.lock() == m_tokens)
        return finishToken(context, memo->outcome);
    const Wait wait(*this, context, resume);
    const std::optional<TokenOutcome> outcome = m_tokens->verify(
        credential.value, nowMs, &wait, context.dryRun ? VerifyMode::DryRun : VerifyMode::Live);
    if (!outcome)
        return PolicyResult::pause();
    if (outcome->wouldWait) { // a dry run: the outcome depends on keys not fetched yet
        context.record(QByteArrayLiteral("auth"), outcome->decision);
        return PolicyResult::pause();
    }
    if (memo && outcome->accepted && outcome->validUntilMs)
        *memo = AuthMemo::Token{credential.value.toByteArray(), m_tokens, *outcome};
    return finishToken(context, *outcome);
}

PolicyResult AuthPolicy::checkKey(RequestContext &context, const Credential &credential) const
{
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    AuthMemo::Key *memo = context.authMemo ? &context.authMemo->key : nullptr;
    const bool remembered =
        memo && memo->presented == credential.value && memo->directory.lock() == m_consumers;
    const ConsumerDirectory::KeyMatch match =
        remembered ? m_consumers->recheck(*memo->key, nowMs) // expiry only: no hash, no lookup
                   : m_consumers->findKey(credential.value, nowMs);
    if (match.verdict != ConsumerDirectory::KeyVerdict::Valid) {
        QByteArray reason = keyVerdictName(match.verdict) + " key (" + credential.carrier + ')';
        if (match.key) // an id and a display prefix, never the key
            reason += ' ' + match.key->id + ' ' + match.key->prefix + "...";
        return refuse(context, std::move(reason), Refused::Key);
    }
    const CompiledConsumer &consumer = m_consumers->consumer(match.key->consumerIndex);
    if (!context.dryRun)
        m_consumers->noteUse(*match.key, nowMs);
    if (memo && !remembered)
        *memo = AuthMemo::Key{credential.value.toByteArray(), m_consumers, match.key};
    context.identity.authenticated = true;
    context.identity.consumer = &consumer;
    context.identity.keyPrefix = match.key->prefix;
    // Prepared once per key, and a literal: nothing allocated on the way.
    context.record(QByteArrayLiteral("auth"), match.key->accepted);
    context.record(QByteArrayLiteral("credential"),
                   QByteArray::fromRawData(credential.carrier, qstrlen(credential.carrier)));
    return PolicyResult::proceed();
}

PolicyResult AuthPolicy::finishToken(RequestContext &context, const TokenOutcome &outcome) const
{
    if (!outcome.accepted)
        return refuse(context, "token " + outcome.decision, Refused::Token);
    context.identity.authenticated = true;
    context.identity.consumer = outcome.consumer;
    context.identity.subject = outcome.subject;
    context.identity.scope = outcome.scope;
    context.record(QByteArrayLiteral("auth"), outcome.decision);
    return PolicyResult::proceed();
}

PolicyResult AuthPolicy::refuse(RequestContext &context, QByteArray reason, Refused what) const
{
    context.record(QByteArrayLiteral("auth"), "refused: " + reason);
    // Only a refused token earns RFC 6750's error; keys say nothing more than "invalid".
    return PolicyResult::stop(LocalReply{401,
                                         what == Refused::Missing
                                             ? QByteArrayLiteral("missing credentials")
                                             : QByteArrayLiteral("invalid credentials"),
                                         what == Refused::Token ? m_tokenChallenges
                                                                : m_challenges});
}

} // namespace portico
