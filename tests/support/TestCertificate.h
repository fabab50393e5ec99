#pragma once

#include <QByteArray>
#include <QString>

namespace portico::test {

// A self-signed certificate for TLS tests, made with OpenSSL at run time (an EC P-256 key):
// nothing on disk, nothing that expires between runs.
struct TestCertificate
{
    QByteArray certificatePem;
    QByteArray keyPem;

    // For `commonName`, with DNS:localhost and IP:127.0.0.1 as subject alternative names.
    static TestCertificate selfSigned(const QString &commonName = QStringLiteral("localhost"));
};

} // namespace portico::test
