#include "PemCertificates.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

namespace portico {

namespace {

QString lastOpenSslReason()
{
    const char *reason = ERR_reason_error_string(ERR_peek_last_error());
    ERR_clear_error();
    return reason ? QString::fromLatin1(reason) : QStringLiteral("unknown error");
}

} // namespace

int readPemCertificates(QByteArrayView pem, X509_STORE *store, QString *error)
{
    ERR_clear_error();
    const std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(pem.data(), int(pem.size())), &BIO_free);
    int count = 0;
    for (int block = 1;; ++block) {
        char *name = nullptr;
        char *header = nullptr;
        unsigned char *data = nullptr;
        long length = 0;
        // PEM_read_bio_X509 would skip blocks of other kinds: a key pasted into the bundle
        // must be an error, not ignored.
        if (PEM_read_bio(bio.get(), &name, &header, &data, &length) != 1) {
            const unsigned long code = ERR_peek_last_error();
            const bool atEnd =
                ERR_GET_LIB(code) == ERR_LIB_PEM && ERR_GET_REASON(code) == PEM_R_NO_START_LINE;
            if (atEnd) {
                ERR_clear_error();
                break;
            }
            *error =
                QStringLiteral("block %1 is not valid PEM: %2").arg(block).arg(lastOpenSslReason());
            return -1;
        }
        const QString kind = QString::fromLatin1(name);
        const unsigned char *cursor = data;
        X509 *certificate =
            kind == QStringLiteral("CERTIFICATE") ? d2i_X509(nullptr, &cursor, length) : nullptr;
        OPENSSL_free(name);
        OPENSSL_free(header);
        OPENSSL_free(data);
        if (kind != QStringLiteral("CERTIFICATE")) {
            *error = QStringLiteral("block %1 is a \"%2\", not a CERTIFICATE").arg(block).arg(kind);
            return -1;
        }
        if (!certificate) {
            *error = QStringLiteral("certificate %1 does not parse: %2")
                         .arg(block)
                         .arg(lastOpenSslReason());
            return -1;
        }
        if (store)
            X509_STORE_add_cert(store, certificate); // takes its own reference; repeats are fine
        X509_free(certificate);
        ++count;
    }
    ERR_clear_error();
    if (count == 0)
        *error = QStringLiteral("expected at least one PEM certificate "
                                "(-----BEGIN CERTIFICATE-----)");
    return count > 0 ? count : -1;
}

} // namespace portico
