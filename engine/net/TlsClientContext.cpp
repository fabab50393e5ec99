#include "TlsClientContext.h"

#include "net/PemCertificates.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <atomic>
#include <csignal>

namespace portico {

namespace {

std::atomic<quint64> g_nextId{1};

QString openSslError(const QString &what)
{
    const char *reason = ERR_reason_error_string(ERR_peek_last_error());
    ERR_clear_error();
    return reason ? what + QStringLiteral(": ") + QString::fromLatin1(reason) : what;
}

// The certificate first, then its chain, and the key that belongs to it.
bool useClientCertificate(SSL_CTX *ctx, const QByteArray &chainPem, const QByteArray &keyPem,
                          QString *error)
{
    BIO *chain = BIO_new_mem_buf(chainPem.constData(), int(chainPem.size()));
    X509 *leaf = PEM_read_bio_X509(chain, nullptr, nullptr, nullptr);
    const bool used = leaf && SSL_CTX_use_certificate(ctx, leaf) == 1;
    X509_free(leaf);
    while (used) {
        X509 *intermediate = PEM_read_bio_X509(chain, nullptr, nullptr, nullptr);
        if (!intermediate)
            break;
        if (SSL_CTX_add0_chain_cert(ctx, intermediate) != 1)
            X509_free(intermediate);
    }
    BIO_free(chain);
    if (!used) {
        *error = openSslError(QStringLiteral("the client certificate is not a PEM certificate"));
        return false;
    }
    ERR_clear_error(); // the chain loop ends on "no start line"
    BIO *keyBio = BIO_new_mem_buf(keyPem.constData(), int(keyPem.size()));
    EVP_PKEY *key = PEM_read_bio_PrivateKey(keyBio, nullptr, nullptr, nullptr);
    BIO_free(keyBio);
    const bool matches = key && SSL_CTX_use_PrivateKey(ctx, key) == 1;
    EVP_PKEY_free(key);
    if (!matches)
        *error = openSslError(QStringLiteral("the client certificate's key does not load or "
                                             "does not belong to it"));
    return matches;
}

// OpenSSL hands a client its sessions here (with TLS 1.3, after the handshake, as tickets
// arrive); the stream put its target's name on the connection.
int onNewSession(SSL *ssl, SSL_SESSION *session)
{
    const auto *context =
        static_cast<const TlsClientContext *>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
    const auto *target = static_cast<const QByteArray *>(SSL_get_app_data(ssl));
    if (!context || !target)
        return 0;
    context->keepSession(*target, session);
    return 1; // the reference is ours now
}

} // namespace

std::shared_ptr<const TlsClientContext> TlsClientContext::create(const TlsClientSettings &settings,
                                                                 QString *error)
{
    // OpenSSL writes with write(2): a target gone mid-write must be EPIPE, not SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    ERR_clear_error();
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) {
        *error = openSslError(QStringLiteral("cannot create a TLS context"));
        return nullptr;
    }
    std::shared_ptr<TlsClientContext> context(new TlsClientContext(ctx, settings));
    SSL_CTX_set_app_data(ctx, context.get());
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
    // Writes may be partial and retried from a moved buffer: the stream's queue moves.
    SSL_CTX_set_mode(ctx,
                     SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
                         | SSL_MODE_RELEASE_BUFFERS);
    static const unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    SSL_CTX_set_alpn_protos(ctx, kHttp11, sizeof kHttp11);
    // Sessions are kept per target by onNewSession, not in OpenSSL's cache (which a client
    // would have to search by itself anyway).
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx, onNewSession);

    if (settings.verify) {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
        if (settings.caBundle.isEmpty()) {
            if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
                *error = openSslError(QStringLiteral("cannot load the system's CA certificates"));
                return nullptr;
            }
        } else if (readPemCertificates(settings.caBundle, SSL_CTX_get_cert_store(ctx), error) < 0) {
            return nullptr;
        }
    }
    if (!settings.certificate.isEmpty()
        && !useClientCertificate(ctx, settings.certificate, settings.key, error))
        return nullptr;
    return context;
}

TlsClientContext::TlsClientContext(SSL_CTX *context, const TlsClientSettings &settings)
    : m_context(context)
    , m_verify(settings.verify)
    , m_serverName(settings.serverName)
    , m_id(g_nextId.fetch_add(1, std::memory_order_relaxed))
{
}

TlsClientContext::~TlsClientContext()
{
    for (SSL_SESSION *session : std::as_const(m_sessions))
        SSL_SESSION_free(session);
    SSL_CTX_free(m_context);
}

SSL_SESSION *TlsClientContext::sessionFor(const QByteArray &target) const
{
    const QMutexLocker lock(&m_sessionsMutex);
    SSL_SESSION *session = m_sessions.value(target);
    if (!session || SSL_SESSION_is_resumable(session) != 1)
        return nullptr;
    SSL_SESSION_up_ref(session);
    return session;
}

void TlsClientContext::keepSession(const QByteArray &target, SSL_SESSION *session) const
{
    SSL_SESSION *replaced = nullptr;
    {
        const QMutexLocker lock(&m_sessionsMutex);
        SSL_SESSION *&slot = m_sessions[target];
        replaced = slot;
        slot = session;
    }
    if (replaced)
        SSL_SESSION_free(replaced);
}

} // namespace portico
