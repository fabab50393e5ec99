#pragma once

#include <QByteArray>

using SSL_CTX = struct ssl_ctx_st;

namespace portico::test {

// How a TLS handshake between two OpenSSL contexts ended.
struct HandshakeOutcome
{
    bool clientDone = false;
    bool serverDone = false;
    long clientVerifyResult = -1; // X509_V_OK or the X509_V_ERR_* the client's check ended on
};

// A real handshake over a connected pair of Unix sockets, both ends driven from this thread
// (non-blocking, in turns). The client asks for `host` (SNI) and checks the server's
// certificate against it; whether it verifies at all is up to `client`'s settings.
HandshakeOutcome handshakeOverSocketPair(SSL_CTX *server, SSL_CTX *client, const QByteArray &host);

} // namespace portico::test
