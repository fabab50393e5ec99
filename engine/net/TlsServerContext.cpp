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

} // namespace

std::shared_ptr<const TlsServerContext>
TlsServerContext::fromPem(const QByteArray &certificateChain, const QByteArray &privateKey,
                          QString *error)
{
    // OpenSSL writes to sockets with write(2), not send(MSG_NOSIGNAL) as TcpStream does: a
    // client gone while its answer is written must mean EPIPE for that stream, not SIGPIPE's
    // default of ending the process.
    std::signal(SIGPIPE, SIG_IGN);
    ERR_clear_error();
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) {
        *error = openSslError("cannot create a TLS context");
        return nullptr;
    }
    std::shared_ptr<const TlsServerContext> context(new TlsServerContext(ctx));
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
    SSL_CTX_set_alpn_select_cb(ctx, selectAlpn, nullptr);

    BIO *chain = BIO_new_mem_buf(certificateChain.constData(), int(certificateChain.size()));
    X509 *leaf = PEM_read_bio_X509(chain, nullptr, nullptr, nullptr);
    if (!leaf || SSL_CTX_use_certificate(ctx, leaf) != 1) {
        X509_free(leaf);
        BIO_free(chain);
        *error = openSslError("the certificate is not a PEM certificate");
        return nullptr;
    }
    X509_free(leaf);
    while (X509 *intermediate = PEM_read_bio_X509(chain, nullptr, nullptr, nullptr)) {
        if (SSL_CTX_add0_chain_cert(ctx, intermediate) != 1) {
            X509_free(intermediate);
            BIO_free(chain);
            *error = openSslError("cannot add a chain certificate");
            return nullptr;
        }
    }
    BIO_free(chain);
    ERR_clear_error(); // the loop ends on "no start line"

    BIO *keyBio = BIO_new_mem_buf(privateKey.constData(), int(privateKey.size()));
    EVP_PKEY *key = PEM_read_bio_PrivateKey(keyBio, nullptr, nullptr, nullptr);
    BIO_free(keyBio);
    if (!key) {
        *error = openSslError("the key is not an unencrypted PEM private key");
        return nullptr;
    }
    // Refused when the key is not the certificate's.
    const bool matches = SSL_CTX_use_PrivateKey(ctx, key) == 1;
    EVP_PKEY_free(key);
    if (!matches) {
        ERR_clear_error();
        *error = QStringLiteral("the key does not belong to the certificate");
        return nullptr;
    }
    return context;
}

TlsServerContext::TlsServerContext(SSL_CTX *context)
    : m_context(context)
{
}

TlsServerContext::~TlsServerContext()
{
    SSL_CTX_free(m_context);
}

} // namespace portico
