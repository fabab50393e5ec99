#pragma once

#include <QByteArray>

#include <functional>
#include <memory>
#include <optional>

namespace portico {

struct CompiledConsumer;
class ThreadMailbox;

// What verifying a bearer token concluded.
struct TokenOutcome
{
    bool accepted = false;
    const CompiledConsumer *consumer = nullptr; // null: an anonymous authenticated caller
    QByteArray subject;
    QByteArray scope;
    QByteArray decision; // for the request's record: provider, key id, or why it failed
    qint64 validUntilMs = 0; // accepted: the same token may pass again until then, unchecked
    // A dry run only: a real request would wait for a key set to be fetched (`decision` says
    // from where), so the outcome is not known yet.
    bool wouldWait = false;
};

// Whether a verification may act (fetch key sets, remember a verified token) or only decide.
enum class VerifyMode { Live, DryRun };

// How a verification that has to wait (for a key set being fetched) gets back to its request.
// Asked only when it does wait, so the common path builds no callback.
class TokenWait
{
public:
    using Done = std::function<void(TokenOutcome)>;
    // The request's worker, where the verification resumes.
    virtual std::weak_ptr<ThreadMailbox> mailbox() const = 0;
    // To be called there with the outcome; it does nothing when the request is gone.
    virtual Done done() const = 0;

protected:
    ~TokenWait() = default;
};

// Verifies the bearer tokens of one route (the JWT providers it accepts). Compiled into the
// snapshot and shared by every worker.
class TokenAuthenticator
{
public:
    virtual ~TokenAuthenticator() = default;
    // The outcome now, or nullopt when it waits on a key set being fetched: `wait->done()` is
    // then called later on the request's worker. With no `wait` it never waits. DryRun
    // changes nothing anywhere and never waits: see TokenOutcome::wouldWait.
    virtual std::optional<TokenOutcome> verify(QByteArrayView token, qint64 nowMs,
                                               const TokenWait *wait,
                                               VerifyMode mode) const = 0;
};

} // namespace portico
