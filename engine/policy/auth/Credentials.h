#pragma once

#include <QByteArray>

namespace portico {

struct RequestHead;

// Where a route's authentication looks for a credential.
struct CredentialSources
{
    bool keys = false;     // API keys: keyHeader, Bearer, and `apikey` when keyInQuery
    bool tokens = false;   // JSON Web Tokens: Bearer
    QByteArray keyHeader;  // "X-API-Key" unless the route names another
    bool keyInQuery = false;
};

// The credential a request presents, taken out of it: whatever carried a credential for the
// route is removed from the head, so no service behind the gateway ever receives one.
struct Credential
{
    enum class Kind {
        None,      // nothing presented
        Ambiguous, // the same carrier given twice (two X-API-Key fields, two `apikey`s)
        ApiKey,
        Token,     // a bearer JWT
    };
    Kind kind = Kind::None;
    QByteArray holder;        // shares the header's (or the decoded parameter's) bytes...
    QByteArrayView value;     // ...of which this is the credential: a token is not copied
    const char *carrier = ""; // "header", "bearer" or "query", for the request's record
};

// Looks in the key header first, then the query, then Authorization: Bearer (a JWT-shaped
// bearer value is a token on routes that take tokens, otherwise a key).
Credential takeCredential(RequestHead &head, const CredentialSources &sources);

// True for a value with the shape of a compact JWS (three base64url parts).
bool looksLikeJwt(QByteArrayView value);

} // namespace portico
