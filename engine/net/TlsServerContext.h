#pragma once

#include <QByteArray>
#include <QString>

#include <memory>

using SSL_CTX = struct ssl_ctx_st;

namespace portico {

// What a TLS listener serves: one certificate chain and its key, in an OpenSSL context set up
// the way a gateway should speak TLS: TLS 1.2 and 1.3 only, forward-secret AEAD ciphers, ALPN
// "http/1.1" (the only protocol spoken here), session resumption by tickets and a server-side
// cache. Shared by every connection of every worker (OpenSSL contexts are thread-safe).
class TlsServerContext
{
public:
    // From PEM texts: the certificate first, then its chain; an unencrypted private key. Null
    // with `error` set when they do not parse or do not belong together.
    static std::shared_ptr<const TlsServerContext> fromPem(const QByteArray &certificateChain,
                                                           const QByteArray &privateKey,
                                                           QString *error);
    ~TlsServerContext();
    TlsServerContext(const TlsServerContext &) = delete;
    TlsServerContext &operator=(const TlsServerContext &) = delete;

    SSL_CTX *handle() const { return m_context; }

private:
    explicit TlsServerContext(SSL_CTX *context);
    SSL_CTX *m_context;
};

} // namespace portico
