#include "X509Support.h"

#include <openssl/err.h>
#include <openssl/pem.h>

namespace portico::x509 {

namespace {

// Handed to every PEM read: an encrypted block fails instead of OpenSSL's default of asking for
// a passphrase on the controlling terminal (a gateway or a desktop app has no one there).
int refusePassphrase(char *, int, int, void *)
{
    return -1;
}

BioPtr readBuffer(const QByteArray &bytes)
{
    return BioPtr(BIO_new_mem_buf(bytes.constData(), int(bytes.size())));
}

QByteArray drain(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return QByteArray(data, qsizetype(size));
}

bool endOfPem(unsigned long code)
{
    return ERR_GET_LIB(code) == ERR_LIB_PEM && ERR_GET_REASON(code) == PEM_R_NO_START_LINE;
}

} // namespace

QString openSslError(const QString &what)
{
    const unsigned long code = ERR_peek_last_error();
    ERR_clear_error();
    if (!code)
        return what;
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    return QStringLiteral("%1 (%2)").arg(what, QLatin1String(text));
}

std::vector<X509Ptr> readCertificates(const QByteArray &pem, QString *error)
{
    ERR_clear_error();
    std::vector<X509Ptr> certificates;
    BioPtr bio = readBuffer(pem);
    while (X509 *certificate = PEM_read_bio_X509(bio.get(), nullptr, refusePassphrase, nullptr))
        certificates.emplace_back(certificate);
    // The loop ends on "no start line" once the text is used up; anything else is a broken block.
    const unsigned long code = ERR_peek_last_error();
    if (code && !endOfPem(code)) {
        *error = openSslError(QStringLiteral("a PEM certificate does not parse"));
        return {};
    }
    ERR_clear_error();
    if (certificates.empty())
        *error = QStringLiteral("the text holds no PEM certificate");
    return certificates;
}

PkeyPtr readPrivateKey(const QByteArray &pem, QString *error)
{
    ERR_clear_error();
    BioPtr bio = readBuffer(pem);
    PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, refusePassphrase, nullptr));
    if (!key)
        *error = openSslError(QStringLiteral("the key is not an unencrypted PEM private key"));
    return key;
}

QByteArray certificateToPem(X509 *certificate)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), certificate);
    return drain(bio.get());
}

QByteArray privateKeyToPem(EVP_PKEY *key)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
    return drain(bio.get());
}

} // namespace portico::x509
