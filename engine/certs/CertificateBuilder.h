#pragma once

// The steps of making an X.509 v3 certificate, shared by the CA's own certificate and the ones
// it issues. An engine-internal header, like X509Support.h.

#include "CertificateName.h"
#include "X509Support.h"

#include <QDateTime>
#include <QList>

namespace portico::x509 {

// A fresh EC P-256 key: accepted by every TLS client, and fast to make and to sign with.
PkeyPtr generateP256Key(QString *error);

// An unsigned v3 certificate for `publicKey`, valid from `notBefore` to `notAfter`, with a
// random 128-bit serial number (RFC 5280 allows 20 octets; CAs use at least 64 random bits).
X509Ptr newCertificate(EVP_PKEY *publicKey, const QDateTime &notBefore, const QDateTime &notAfter,
                       QString *error);

// Appends `field` ("CN", "O", "OU") to `name`; values are cut at 64 characters, the upper bound
// X.520 sets for these fields (OpenSSL refuses longer ones).
bool addNameEntry(X509_NAME *name, const char *field, const QString &value, QString *error);

// An extension in OpenSSL's configuration syntax ("critical,CA:TRUE"), with `issuer` supplying
// the authority key identifier.
bool addExtension(X509 *certificate, X509 *issuer, int nid, const char *value, QString *error);

// The subject alternative names: DNS names and IP addresses, in the order given.
bool addAlternativeNames(X509 *certificate, const QList<CertificateName> &names, QString *error);

// Signs `certificate` with `issuerKey` (SHA-256).
bool sign(X509 *certificate, EVP_PKEY *issuerKey, QString *error);

} // namespace portico::x509
