#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace portico {

// Reading a certificate and its key from PEM files as servers and tools write them: a chain
// in one file and the key in another, or both in one. Only the blocks are found here; whether
// they parse and belong together is CertificateInfo's business.

// Every certificate block of `path`, in the file's order; the error names the file.
std::optional<QByteArray> readPemCertificates(const QString &path, QString *error);
// The private key block of `path`; an encrypted key is refused (the gateway cannot ask for its
// passphrase).
std::optional<QByteArray> readPemPrivateKey(const QString &path, QString *error);

} // namespace portico
