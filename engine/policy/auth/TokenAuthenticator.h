#pragma once

#include <QByteArray>

#include <functional>
#include <optional>

namespace portico {

struct CompiledConsumer;

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
    // called later on the calling thread (unless the request is gone by then).
    virtual std::optional<TokenOutcome> verify(const QByteArray &token, qint64 nowMs,
                                               Done done) const = 0;
};

} // namespace portico
