#include "AuthPolicy.h"

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

PolicyResult AuthPolicy::onRequest(RequestContext &context,
                                   const std::function<void(PolicyResult)> &resume) const
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
    if (!m_tokens)
        return refuse(context, "no JWT provider to verify the token", Refused::Token);
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    std::weak_ptr<ThreadMailbox> mailbox;
    if (context.mailbox)
        mailbox = context.mailbox->weak_from_this();
    // Later, the request (and with it this policy's snapshot) may be gone: look first.
    auto later = [this, &context, resume, alive = context.alive](TokenOutcome outcome) {
        if (!alive.expired())
            resume(finishToken(context, outcome));
    };
    std::optional<TokenOutcome> outcome =
        m_tokens->verify(credential.value, nowMs, mailbox, std::move(later));
    if (!outcome)
        return PolicyResult::pause();
    return finishToken(context, *outcome);
}

PolicyResult AuthPolicy::checkKey(RequestContext &context, const Credential &credential) const
{
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    const ConsumerDirectory::KeyMatch match = m_consumers->findKey(credential.value, nowMs);
    if (match.verdict != ConsumerDirectory::KeyVerdict::Valid) {
        QByteArray reason = keyVerdictName(match.verdict) + " key (" + credential.carrier + ')';
        if (match.key) // an id and a display prefix, never the key
            reason += ' ' + match.key->id + ' ' + match.key->prefix + "...";
        return refuse(context, std::move(reason), Refused::Key);
    }
    const CompiledConsumer &consumer = m_consumers->consumer(match.key->consumerIndex);
    m_consumers->noteUse(*match.key, nowMs);
    context.identity.authenticated = true;
    context.identity.consumer = &consumer;
    context.record(QByteArrayLiteral("auth"), "key " + match.key->id + " (" + credential.carrier
                                                  + ") consumer " + consumer.name);
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
    context.record(QByteArrayLiteral("auth"), "jwt " + outcome.decision);
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
