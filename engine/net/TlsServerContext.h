#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

using SSL_CTX = struct ssl_ctx_st;

namespace portico {

// What a TLS listener serves: certificate chains and their keys, each in an OpenSSL context set
// up the way a gateway should speak TLS: TLS 1.2 and 1.3 only, forward-secret AEAD ciphers,
// ALPN "http/1.1" (the only protocol spoken here), session resumption by tickets and a
// server-side cache. With several certificates the client's server name (SNI) picks one, exact
// names before wildcards; the first is the default. Immutable and shared by every connection of
// every worker (OpenSSL contexts are thread-safe); a new set of certificates is a new object,
// while connections already open keep theirs.
class TlsServerContext
{
public:
    struct Certificate
    {
        QByteArray chain; // PEM: the certificate first, then its chain
        QByteArray key;   // PEM, unencrypted
        // Server names it is chosen for, exact or "*.example.test" (one label).
        QStringList names;
    };

    // Null with `error` set when a certificate or key does not parse or they do not belong
    // together; the error names the certificate by its place when there are several.
    static std::shared_ptr<const TlsServerContext>
    fromCertificates(const std::vector<Certificate> &certificates, QString *error);
    // One certificate, served whatever name the client asks for.
    static std::shared_ptr<const TlsServerContext> fromPem(const QByteArray &certificateChain,
                                                           const QByteArray &privateKey,
                                                           QString *error);
    ~TlsServerContext();
    TlsServerContext(const TlsServerContext &) = delete;
    TlsServerContext &operator=(const TlsServerContext &) = delete;

    // The context connections start with (the default certificate's).
    SSL_CTX *handle() const { return m_contexts.front(); }
    // The context for a server name: an exact name, else a wildcard one label up, else the
    // default. `serverName` is compared without regard to case.
    SSL_CTX *contextFor(QByteArrayView serverName) const;

private:
    TlsServerContext() = default;
    std::vector<SSL_CTX *> m_contexts;      // one per certificate, the default first
    QHash<QByteArray, SSL_CTX *> m_exact;    // lower-case name
    QHash<QByteArray, SSL_CTX *> m_wildcard; // lower-case parent of "*.": "example.test"
};

} // namespace portico
