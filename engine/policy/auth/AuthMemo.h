#pragma once

#include "TokenAuthenticator.h"

#include <QByteArray>

#include <memory>

namespace portico {

class ConsumerDirectory;
struct CompiledKey;

// What a client connection proved last, so its next request with the same credential (the
// usual keep-alive pattern) skips the hashing and the lookups. Held only while that connection
// is open. Each entry is valid only with the compiled state that accepted it (weakly held, so
// an idle connection keeps no old configuration alive): a configuration change (a revoked key,
// a removed consumer) brings new state, the entry no longer matches, and the credential is
// checked in full again. Comparing with what the same connection sent before needs no
// constant time: it can only tell that connection what it already knows.
struct AuthMemo
{
    struct Key
    {
        QByteArray presented;
        std::weak_ptr<const ConsumerDirectory> directory;
        const CompiledKey *key = nullptr; // owned by directory
    };
    struct Token
    {
        QByteArray presented;
        std::weak_ptr<const TokenAuthenticator> authenticator;
        TokenOutcome outcome;
    };
    Key key;
    Token token;
};

} // namespace portico
