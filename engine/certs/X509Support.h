#pragma once

// OpenSSL plumbing shared by the certificate files: owning handles and PEM reading and writing.
// An engine-internal header (OpenSSL is linked privately): never include it from a public one.

#include "CertificateInfo.h"
#include "OpenSslDeleter.h"

#include <QByteArray>
#include <QString>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <vector>

namespace portico::x509 {

template<auto Free>
using Deleter = OpenSslDeleter<Free>;

using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;
using StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE_free>>;

// `what`, then the last error OpenSSL queued, as text; the queue is emptied.
QString openSslError(const QString &what);

// Every certificate of a PEM text, in order; other PEM blocks (a key) are skipped. Empty with
// `error` set when there is none or one does not parse.
std::vector<X509Ptr> readCertificates(const QByteArray &pem, QString *error);

// An unencrypted PEM private key (PKCS#8 or traditional). An encrypted one is refused rather
// than prompting for its passphrase on the terminal.
PkeyPtr readPrivateKey(const QByteArray &pem, QString *error);

QByteArray certificateToPem(X509 *certificate);
QByteArray privateKeyToPem(EVP_PKEY *key); // PKCS#8

// The fields of `certificate`, for a PEM text that held `chainLength` certificates.
CertificateInfo describe(X509 *certificate, int chainLength);

} // namespace portico::x509
