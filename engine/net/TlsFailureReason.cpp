#include "TlsFailureReason.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace portico {

void TlsFailureReason::note(SSL *ssl, int result)
{
    const int kind = SSL_get_error(ssl, result);
    const unsigned long code = ERR_peek_last_error();
    if (code) {
        const char *reason = ERR_reason_error_string(code);
        m_text = reason ? QString::fromLatin1(reason)
                        : QStringLiteral("OpenSSL error %1").arg(code, 0, 16);
    } else if (kind == SSL_ERROR_SYSCALL || kind == SSL_ERROR_ZERO_RETURN) {
        m_text = QStringLiteral("the connection was closed by the target");
    } else {
        m_text = QStringLiteral("TLS error %1").arg(kind);
    }
    // With verification off, OpenSSL still records what it found; it is not why this failed.
    const long verified = SSL_get_verify_result(ssl);
    if (m_verifies && verified != X509_V_OK)
        m_text += QStringLiteral(" (%1)").arg(
            QString::fromLatin1(X509_verify_cert_error_string(verified)));
}

void TlsFailureReason::noteWrite(SSL *ssl, int result)
{
    if (SSL_get_error(ssl, result) != SSL_ERROR_SYSCALL) {
        note(ssl, result);
        return;
    }
    // The target reset the connection: when it sent an alert first (a TLS 1.3 server refusing
    // our certificate after our side of the handshake finished), that alert is why.
    ERR_clear_error();
    char byte;
    const int n = SSL_read(ssl, &byte, 1);
    if (n <= 0 && SSL_get_error(ssl, n) == SSL_ERROR_SSL)
        note(ssl, n);
}

} // namespace portico
