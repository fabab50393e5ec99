#include "TlsServerContext.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <csignal>

namespace portico {

namespace {

// TLS 1.2's forward-secret AEAD suites (TLS 1.3 has only such suites, OpenSSL's defaults).
constexpr char kTls12Ciphers[] = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                                 "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                                 "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// The last error OpenSSL queued, as text, and the queue emptied.
QString openSslError(const char *what)
{
    const unsigned long code = ERR_peek_last_error();
    char text[256] = "unknown error";
    if (code)
        ERR_error_string_n(code, text, sizeof text);
    ERR_clear_error();
    return QStringLiteral("%1: %2").arg(QLatin1String(what), QLatin1String(text));
}

// ALPN: HTTP/1.1 when the client offers it. A client offering only other protocols (h2 alone)
// gets no ALPN answer and may carry on with HTTP/1.1 or give up, as RFC 7301 leaves it.
int selectAlpn(SSL *, const unsigned char **out, unsigned char *outLength,
               const unsigned char *offered, unsigned int offeredLength, void *)
{
    static const unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    unsigned char *selected = nullptr;
    if (SSL_select_next_proto(&selected, outLength, kHttp11, sizeof kHttp11, offered,
                              offeredLength)
        != OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_NOACK;
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
}

// Never prompts for a passphrase (OpenSSL's default would read the terminal): an encrypted
// key is refused like any other unreadable one.
int refusePassphrase(char *, int, int, void *)
{
    return 0;
}

// SNI: switches the handshake to the certificate for the name the client asked for.
int selectCertificate(SSL *ssl, int *, void *arg)
{
    const auto *context = static_cast<const TlsServerContext *>(arg);
    const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    if (name) {
        SSL_CTX *chosen = context->contextFor(QByteArrayView(name));
        if (chosen != SSL_get_SSL_CTX(ssl))
            SSL_set_SSL_CTX(ssl, chosen);
    }
    return SSL_TLSEXT_ERR_OK;
}

SSL_CTX *newServerContext(QString *error)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) {
        *error = openSslError("cannot create a TLS context");
        return nullptr;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_cipher_list(ctx, kTls12Ciphers);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE
                                 | SSL_OP_NO_COMPRESSION);
    // Writes may be partial and retried from a moved buffer: the stream's queue moves.
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
                              | SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    static const unsigned char kSessionContext[] = "portico";
    SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof kSessionContext - 1);
    // Every context answers ALPN: after an SNI switch the chosen one does.
    SSL_CTX_set_alpn_select_cb(ctx, selectAlpn, nullptr);
    return ctx;
}

bool useCertificate(SSL_CTX *ctx, const TlsServerContext::Certificate &certificate,
                    QString *error)
{
    BIO *chain = BIO_new_mem_buf(certificate.chain.constData(), int(certificate.chain.size()));
    X509 *leaf = PEM_read_bio_X509(chain, nullptr, refusePassphrase, nullptr);
    if (!leaf || SSL_CTX_use_certificate(ctx, leaf) != 1) {
        X509_free(leaf);
        BIO_free(chain);
        *error = openSslError("the certificate is not a PEM certificate");
        return false;
    }
    X509_free(leaf);
    while (X509 *intermediate = PEM_read_bio_X509(chain, nullptr, refusePassphrase, nullptr)) {
        if (SSL_CTX_add0_chain_cert(ctx, intermediate) != 1) {
            X509_free(intermediate);
            BIO_free(chain);
            *error = openSslError("cannot add a chain certificate");
            return false;
        }
    }
    BIO_free(chain);
    ERR_clear_error(); // the loop ends on "no start line"

    BIO *keyBio = BIO_new_mem_buf(certificate.key.constData(), int(certificate.key.size()));
    EVP_PKEY *key = PEM_read_bio_PrivateKey(keyBio, nullptr, refusePassphrase, nullptr);
    BIO_free(keyBio);
    if (!key) {
        *error = openSslError("the key is not an unencrypted PEM private key");
        return false;
    }
    // Refused when the key is not the certificate's.
    const bool matches = SSL_CTX_use_PrivateKey(ctx, key) == 1;
    EVP_PKEY_free(key);
    if (!matches) {
        ERR_clear_error();
        *error = QStringLiteral("the key does not belong to the certificate");
        return false;
    }
    return true;
}

} // namespace

std::shared_ptr<const TlsServerContext>
TlsServerContext::fromCertificates(const std::vector<Certificate> &certificates, QString *error)
{
    // OpenSSL writes to sockets with write(2), not send(MSG_NOSIGNAL) as TcpStream does: a
    // client gone while its answer is written must mean EPIPE for that stream, not SIGPIPE's
    // default of ending the process.
    std::signal(SIGPIPE, SIG_IGN);
    ERR_clear_error();
    if (certificates.empty()) {
        *error = QStringLiteral("no certificate to serve");
        return nullptr;
    }
    std::shared_ptr<TlsServerContext> context(new TlsServerContext);
    for (size_t i = 0; i < certificates.size(); ++i) {
        SSL_CTX *ctx = newServerContext(error);
        if (!ctx)
            return nullptr;
        context->m_contexts.push_back(ctx); // freed with the context from here on
        if (!useCertificate(ctx, certificates[i], error)) {
            if (certificates.size() > 1)
                *error = QStringLiteral("certificate %1: %2").arg(i + 1).arg(*error);
            return nullptr;
        }
        for (const QString &name : certificates[i].names) {
            const QByteArray lower = name.toLower().toUtf8();
            if (lower.startsWith("*."))
                context->m_wildcard.insert(lower.sliced(2), ctx);
            else
                context->m_exact.insert(lower, ctx);
        }
    }
    if (certificates.size() > 1) {
        SSL_CTX_set_tlsext_servername_callback(context->handle(), selectCertificate);
        SSL_CTX_set_tlsext_servername_arg(context->handle(), context.get());
    }
    return context;
}

std::shared_ptr<const TlsServerContext>
TlsServerContext::fromPem(const QByteArray &certificateChain, const QByteArray &privateKey,
                          QString *error)
{
    return fromCertificates({Certificate{certificateChain, privateKey, {}}}, error);
}

SSL_CTX *TlsServerContext::contextFor(QByteArrayView serverName) const
{
    QByteArray name = serverName.toByteArray().toLower();
    if (name.endsWith('.'))
        name.chop(1); // "example.test." is the same name
    if (SSL_CTX *exact = m_exact.value(name))
        return exact;
    const qsizetype dot = name.indexOf('.');
    if (dot > 0) { // "*.example.test" covers one label: a.example.test, not a.b.example.test
        if (SSL_CTX *wildcard = m_wildcard.value(name.sliced(dot + 1)))
            return wildcard;
    }
    return handle();
}

TlsServerContext::~TlsServerContext()
{
    for (SSL_CTX *ctx : m_contexts)
        SSL_CTX_free(ctx);
}

} // namespace portico
