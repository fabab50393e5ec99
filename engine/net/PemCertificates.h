#pragma once

#include <QByteArrayView>
#include <QString>

using X509_STORE = struct x509_store_st;

namespace portico {

// Reads a PEM bundle of CA certificates (a service's ca_bundle) strictly: every PEM block must
// be a certificate that parses; text between blocks (comments) is allowed. Each certificate is
// added to `store` when one is given (validation passes none). Returns how many were read, or
// -1 with `error` saying which block is wrong ("certificate 2 does not parse: ...").
int readPemCertificates(QByteArrayView pem, X509_STORE *store, QString *error);

} // namespace portico
