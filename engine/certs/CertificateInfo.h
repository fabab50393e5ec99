#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

namespace portico {

// What a certificate says, for people and for warnings: the names it serves, who issued it,
// when it is valid. Read from the first (leaf) certificate of a PEM chain.
struct CertificateInfo
{
    QString subject; // the common name, or the full one-line DN when there is no CN
    QString issuer;  // the same, for the issuer
    QStringList dnsNames;
    QStringList ipAddresses;
    QDateTime notBefore;       // UTC
    QDateTime notAfter;        // UTC
    QString sha256Fingerprint; // of the DER bytes, "AB:CD:..."
    bool isCa = false;         // basicConstraints CA:TRUE
    bool selfSigned = false;   // issued by itself and signed with its own key
    int chainLength = 0;       // certificates in the PEM text
};

// The leaf of `pemChain` described; nullopt with `error` set when the text holds no PEM
// certificate or one does not parse.
std::optional<CertificateInfo> inspectCertificate(const QByteArray &pemChain, QString *error);

// The names a client may reach the certificate's server by: DNS names, then IP addresses. The
// subject's common name only when there are no alternative names (clients ignore it otherwise).
QStringList servedNames(const CertificateInfo &info);

// Whether `keyPem` (an unencrypted PEM private key) is the key of the leaf of `pemChain`. False
// with `error` set when not, or when either does not parse; never prompts for a passphrase.
bool keyMatchesCertificate(const QByteArray &pemChain, const QByteArray &keyPem, QString *error);

// Whole days from `now` until the certificate expires, rounded down: negative once it has.
int daysUntilExpiry(const CertificateInfo &info, const QDateTime &now);

} // namespace portico
