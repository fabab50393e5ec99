#include "JwtAuthenticator.h"

#include "CompiledJwtProvider.h"
#include "JwksSource.h"
#include "JwtVerifier.h"
#include "net/ThreadMailbox.h"
#include "policy/auth/ConsumerDirectory.h"

namespace portico {

namespace {

TokenOutcome refused(QByteArray why)
{
    TokenOutcome outcome;
    outcome.decision = std::move(why);
    return outcome;
}

// A dry run's answer where a request would wait for the provider's key set.
TokenOutcome wouldFetch(const JwksSource &source)
{
    TokenOutcome outcome;
    outcome.wouldWait = true;
    outcome.decision = "would fetch JWKS from " + source.settings().url.toEncoded();
    return outcome;
}

} // namespace

JwtAuthenticator::JwtAuthenticator(
    std::vector<std::shared_ptr<const CompiledJwtProvider>> providers,
    std::shared_ptr<const ConsumerDirectory> consumers, bool anonymousAllowed)
    : m_providers(std::move(providers))
    , m_consumers(std::move(consumers))
    , m_anonymousAllowed(anonymousAllowed)
{
}

std::optional<TokenOutcome> JwtAuthenticator::verify(QByteArrayView token, qint64 nowMs,
                                                     const TokenWait *wait, VerifyMode mode) const
{
    const bool dryRun = mode == VerifyMode::DryRun;
    const qint64 nowS = nowMs / 1000;
    // The common case: this token passed before and has not expired. One hash serves every
    // provider's cache and the insert below.
    const VerifiedTokenCache::Digest digest = VerifiedTokenCache::digestOf(token);
    for (const auto &provider : m_providers) {
        if (const std::optional<VerifiedToken> cached = provider->verified->find(digest, nowS))
            return accept(*provider, *cached, nowS, {});
    }

    JwtError error;
    const std::optional<JwtToken> parsed = parseJwt(token, &error);
    if (!parsed)
        return refused(error.reason());
    const CompiledJwtProvider *provider = providerFor(*parsed);
    if (!provider)
        return refused("no provider of this route has the token's issuer");
    const std::span<const JwtAlgorithm> allowed(provider->algorithms);

    JwtVerdict verdict;
    if (provider->jwks) {
        JwksSource &source = *provider->jwks;
        // A dry run asks what a worker (which can always wait) would do, and does none of it.
        const bool mayWait = !dryRun && wait && !wait->mailbox().expired();
        std::shared_ptr<const JwkSet> keys = source.keys();
        if (dryRun) {
            if (!keys && source.wouldWaitForKeys(nowMs))
                return wouldFetch(source);
        } else if (keys) {
            source.refreshIfStale(nowMs);
        } else if (mayWait && source.waitForKeys(nowMs, resumer(token, *wait))) {
            return std::nullopt; // the first fetch of the provider's keys is under way
        } else {
            keys = source.keys();
        }
        if (!keys)
            return refused(provider->accepted + ": signing keys unavailable ("
                           + source.status().lastError.toUtf8() + ')');
        verdict = verifyJwt(*parsed, allowed, *keys, provider->rules, nowS);
        if (verdict.error.code == JwtError::Code::UnknownKey) {
            if (dryRun && source.wouldRefetchForUnknownKid(nowMs))
                return wouldFetch(source);
            if (mayWait && source.refetchForUnknownKid(nowMs, resumer(token, *wait)))
                return std::nullopt; // the provider may have rotated its keys
        }
    } else if (provider->key) {
        verdict = verifyJwt(*parsed, allowed, provider->key, provider->rules, nowS);
    } else {
        return refused(provider->accepted + ": " + provider->keyError.toUtf8());
    }
    if (!verdict.accepted())
        return refused(provider->accepted + ": " + verdict.error.reason());

    const VerifiedToken verified = VerifiedToken::fromClaims(parsed->claims,
                                                             provider->consumerClaim);
    if (!dryRun)
        provider->verified->insert(digest, verified, nowS);
    QByteArray how;
    if (!parsed->kid.isEmpty())
        how = "kid " + parsed->kid;
    return accept(*provider, verified, nowS, std::move(how));
}

std::function<void()> JwtAuthenticator::resumer(QByteArrayView token,
                                                const TokenWait &wait) const
{
    // Runs on the fetcher's thread; the verification itself goes back to the request's worker.
    // Holding this authenticator keeps its providers alive even if the snapshot is replaced.
    std::shared_ptr<const JwtAuthenticator> self = shared_from_this();
    return [self, token = token.toByteArray(), mailbox = wait.mailbox(), done = wait.done()] {
        postTo(mailbox, [self, token, done] {
            const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
            std::optional<TokenOutcome> outcome =
                self->verify(token, nowMs, nullptr, VerifyMode::Live);
            Q_ASSERT(outcome); // without a wait it never waits
            done(std::move(*outcome));
        });
    };
}

const CompiledJwtProvider *JwtAuthenticator::providerFor(const JwtToken &token) const
{
    const QString issuer = token.claims.value(QLatin1String("iss")).toString();
    for (const auto &provider : m_providers) {
        if (provider->issuer == issuer)
            return provider.get();
    }
    return nullptr;
}

TokenOutcome JwtAuthenticator::accept(const CompiledJwtProvider &provider,
                                      const VerifiedToken &token, qint64 nowS,
                                      QByteArray how) const
{
    const CompiledConsumer *consumer =
        token.consumer.isEmpty() || !m_consumers ? nullptr
                                                 : m_consumers->consumerByName(token.consumer);
    if (!consumer && !m_anonymousAllowed)
        return refused(provider.accepted + ": no consumer named by claim "
                       + provider.consumerClaim.toUtf8());
    TokenOutcome outcome;
    outcome.accepted = true;
    outcome.consumer = consumer;
    outcome.subject = token.subject;
    outcome.scope = token.scope;
    // A token from the cache (no `how`) records the provider's prepared text: the identity
    // (consumer, subject) is on the request already.
    outcome.decision = how.isEmpty() ? provider.accepted : provider.accepted + ' ' + how;
    outcome.validUntilMs = VerifiedTokenCache::keptUntil(token, nowS) * 1000;
    if (!consumer)
        outcome.decision += " (anonymous)";
    return outcome;
}

} // namespace portico
