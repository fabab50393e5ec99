#pragma once

#include "CertificateInfo.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

using X509 = struct x509_st;
using EVP_PKEY = struct evp_pkey_st;

namespace portico {

// A certificate and key issued by the local CA, both PEM; the certificate is the leaf alone.
struct IssuedCertificate
{
    QByteArray certificatePem;
    QByteArray keyPem; // PKCS#8, unencrypted
};

// A certificate authority for local development, the way mkcert does it: one per user, kept in
// a private directory (ca.pem and ca-key.pem), trusted by hand on the developer's machine, and
// issuing certificates for names such as localhost, *.app.test or 127.0.0.1 that browsers and
// tools accept without warnings. Copies share the loaded certificate and key (never changed).
class LocalCa
{
public:
    static constexpr char kCertificateFile[] = "ca.pem";
    static constexpr char kKeyFile[] = "ca-key.pem";

    // $PORTICO_CA_DIR when set, else <generic data location>/portico/local-ca.
    static QString defaultDirectory();

    // A new CA in `directory` (created, mode 0700): an EC P-256 key (mode 0600) and a
    // self-signed certificate valid for ten years. Refused, with nothing changed, when a CA
    // already exists there.
    static std::optional<LocalCa> create(const QString &directory, QString *error);
    // The CA kept in `directory`; the error names a missing or unreadable file.
    static std::optional<LocalCa> load(const QString &directory, QString *error);
    // load(), or create() when the directory holds neither file.
    static std::optional<LocalCa> loadOrCreate(const QString &directory, QString *error);

    // A server (and client) certificate for `names`: host names, wildcards or IP literals; the
    // first is also the common name. Valid from an hour ago (clocks differ) for 825 days, the
    // most browsers accept from a user-installed root, unless the dates are given.
    std::optional<IssuedCertificate> issue(const QStringList &names, QString *error,
                                           QDateTime notBefore = {}, QDateTime notAfter = {}) const;

    QByteArray certificatePem() const; // to export and trust; never the key
    QString directory() const { return m_directory; }
    CertificateInfo info() const;

    // How to make browsers, the system and common tools trust `caFile`, as plain text.
    static QString trustInstructions(const QString &caFile);

private:
    LocalCa(const QString &directory, std::shared_ptr<X509> certificate,
            std::shared_ptr<EVP_PKEY> key);

    QString m_directory;
    std::shared_ptr<X509> m_certificate;
    std::shared_ptr<EVP_PKEY> m_key;
};

} // namespace portico
