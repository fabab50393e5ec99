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
};

// Verifies the bearer tokens of one route (the JWT providers it accepts). Compiled into the
// snapshot and shared by every worker.
class TokenAuthenticator
{
public:
    using Done = std::function<void(TokenOutcome)>;
    virtual ~TokenAuthenticator() = default;
    // The outcome now, or nullopt when it waits on a key set being fetched; `done` is then
    // called later through `mailbox`, on the calling thread. Without a mailbox it never waits.
    virtual std::optional<TokenOutcome> verify(const QByteArray &token, qint64 nowMs,
                                               const std::weak_ptr<ThreadMailbox> &mailbox,
                                               Done done) const = 0;
};

} // namespace portico
