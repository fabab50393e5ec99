#pragma once

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QString>

#include <memory>

using SSL_CTX = struct ssl_ctx_st;
using SSL_SESSION = struct ssl_session_st;

namespace portico {

// How one service speaks TLS to its https:// targets (ServiceConfig's tls_* fields, with the
// client certificate's PEM texts looked up by name).
struct TlsClientSettings
{
    bool verify = true;
    QByteArray caBundle;    // PEM certificates; empty = the system's CAs
    QString serverName;     // SNI and verified name; empty = each target's host
    QByteArray certificate; // PEM chain presented to the targets; empty = none
    QByteArray key;         // its PEM private key
};

// A client-side OpenSSL context for one service, shared by every worker's connections to its
// targets (OpenSSL contexts are thread-safe): TLS 1.2 and later, ALPN http/1.1, the peer
// verified against the service's trust unless told not to, and the last session of each target
// kept to resume the next connection to it.
class TlsClientContext
{
public:
    // Null with `error` set when the CA bundle or the client certificate do not load.
    static std::shared_ptr<const TlsClientContext> create(const TlsClientSettings &settings,
                                                          QString *error);
    ~TlsClientContext();
    TlsClientContext(const TlsClientContext &) = delete;
    TlsClientContext &operator=(const TlsClientContext &) = delete;

    SSL_CTX *handle() const { return m_context; }
    bool verifies() const { return m_verify; }
    const QString &serverName() const { return m_serverName; }
    // Unique in the process: pooled connections of different contexts never mix.
    quint64 id() const { return m_id; }

    // The session `target` ("host:port") last gave, with a reference for the caller; or null.
    SSL_SESSION *sessionFor(const QByteArray &target) const;
    // Keeps `session` (taking the caller's reference) as the one to resume for `target`.
    void keepSession(const QByteArray &target, SSL_SESSION *session) const;

private:
    TlsClientContext(SSL_CTX *context, const TlsClientSettings &settings);

    SSL_CTX *m_context;
    bool m_verify;
    QString m_serverName;
    quint64 m_id;
    mutable QMutex m_sessionsMutex; // connections of every worker resume from here
    mutable QHash<QByteArray, SSL_SESSION *> m_sessions;
};

} // namespace portico
