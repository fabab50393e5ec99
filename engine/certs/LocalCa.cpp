#include "LocalCa.h"

#include "CertificateBuilder.h"
#include "X509Support.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>
#include <QSysInfo>

#include <openssl/err.h>

#ifdef Q_OS_UNIX
#include <pwd.h>
#include <unistd.h>
#endif

namespace portico {

namespace {

using namespace x509;

constexpr int kCaValidityYears = 10;
// Apple's limit for TLS certificates from user-installed roots, which other browsers match.
constexpr int kLeafValidityDays = 825;
// Certificates start an hour in the past: a client whose clock is a little behind still
// accepts one issued a moment ago.
constexpr int kClockSkewSeconds = 3600;
constexpr int kMaxCommonNameLength = 64;

constexpr auto kPrivateDirectory = QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner;
constexpr auto kPrivateFile = QFile::ReadOwner | QFile::WriteOwner;
constexpr auto kPublicFile = kPrivateFile | QFile::ReadGroup | QFile::ReadOther;

// "user@hostname": which developer's CA this is, as a browser's certificate list shows it.
QString userAtHost()
{
    QString user = qEnvironmentVariable("USER", qEnvironmentVariable("USERNAME"));
#ifdef Q_OS_UNIX
    if (user.isEmpty()) {
        if (const passwd *entry = getpwuid(geteuid()))
            user = QString::fromLocal8Bit(entry->pw_name);
    }
#endif
    return QStringLiteral("%1@%2").arg(user, QSysInfo::machineHostName());
}

// The CA's directory, made private when this creates it. An existing directory keeps its mode:
// it may be one the user chose and shares (the key file is private on its own).
bool makePrivateDirectory(const QString &path, QString *error)
{
    const QFileInfo info(path);
    if (info.isDir())
        return true;
    const QDir parent = info.absoluteDir();
    if (!parent.mkpath(QStringLiteral(".")) || !parent.mkdir(info.fileName(), kPrivateDirectory)) {
        *error = QStringLiteral("cannot create the directory %1").arg(path);
        return false;
    }
    return true;
}

// Written whole or not at all. The mode is set before a byte is written, so the key is never
// readable by others, not even for a moment.
bool writeFile(const QString &path, const QByteArray &bytes, QFile::Permissions permissions,
               QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !file.setPermissions(permissions)
        || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

std::optional<QByteArray> readFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.exists()) {
        *error = QStringLiteral("%1 does not exist").arg(path);
        return std::nullopt;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    return file.readAll();
}

// The CA's own certificate: self-signed, allowed to sign leaf certificates only (pathlen 0).
X509Ptr caCertificate(EVP_PKEY *key, QString *error)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    X509Ptr certificate =
        newCertificate(key, now.addSecs(-kClockSkewSeconds), now.addYears(kCaValidityYears), error);
    if (!certificate)
        return nullptr;
    const QString owner = userAtHost();
    const QString organization = QStringLiteral("Portico development CA");
    X509_NAME *name = X509_get_subject_name(certificate.get());
    X509 *self = certificate.get();
    const bool made = addNameEntry(name, "O", organization, error)
        && addNameEntry(name, "OU", owner, error)
        && addNameEntry(name, "CN", organization + QLatin1Char(' ') + owner, error)
        && X509_set_issuer_name(self, name) == 1
        && addExtension(self, self, NID_basic_constraints, "critical,CA:TRUE,pathlen:0", error)
        && addExtension(self, self, NID_key_usage, "critical,keyCertSign,cRLSign", error)
        && addExtension(self, self, NID_subject_key_identifier, "hash", error)
        && sign(self, key, error);
    return made ? std::move(certificate) : nullptr;
}

std::optional<QList<CertificateName>> parseNames(const QStringList &names, QString *error)
{
    if (names.isEmpty()) {
        *error = QStringLiteral("a certificate needs at least one name");
        return std::nullopt;
    }
    QList<CertificateName> parsed;
    QStringList seen;
    for (const QString &name : names) {
        const std::optional<CertificateName> one = parseCertificateName(name, error);
        if (!one)
            return std::nullopt;
        if (seen.contains(one->text))
            continue;
        seen.append(one->text);
        parsed.append(*one);
    }
    return parsed;
}

std::shared_ptr<X509> shared(X509Ptr certificate)
{
    return std::shared_ptr<X509>(certificate.release(), X509_free);
}

std::shared_ptr<EVP_PKEY> shared(PkeyPtr key)
{
    return std::shared_ptr<EVP_PKEY>(key.release(), EVP_PKEY_free);
}

} // namespace

LocalCa::LocalCa(const QString &directory, std::shared_ptr<X509> certificate,
                 std::shared_ptr<EVP_PKEY> key)
    : m_directory(directory)
    , m_certificate(std::move(certificate))
    , m_key(std::move(key))
{
}

QString LocalCa::defaultDirectory()
{
    const QString configured = qEnvironmentVariable("PORTICO_CA_DIR");
    if (!configured.isEmpty())
        return configured;
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
        + QLatin1String("/portico/local-ca");
}

std::optional<LocalCa> LocalCa::create(const QString &directory, QString *error)
{
    const QDir dir(QDir::cleanPath(directory));
    const QString certificatePath = dir.filePath(QLatin1String(kCertificateFile));
    const QString keyPath = dir.filePath(QLatin1String(kKeyFile));
    for (const QString &path : {certificatePath, keyPath}) {
        if (QFileInfo::exists(path)) {
            *error = QStringLiteral("a CA already exists in %1 (%2 is there); it is left as it is")
                         .arg(dir.path(), path);
            return std::nullopt;
        }
    }
    PkeyPtr key = generateP256Key(error);
    if (!key)
        return std::nullopt;
    X509Ptr certificate = caCertificate(key.get(), error);
    if (!certificate || !makePrivateDirectory(dir.path(), error)
        || !writeFile(keyPath, privateKeyToPem(key.get()), kPrivateFile, error))
        return std::nullopt;
    if (!writeFile(certificatePath, certificateToPem(certificate.get()), kPublicFile, error)) {
        QFile::remove(keyPath); // a key without its certificate would block the next create
        return std::nullopt;
    }
    return LocalCa(dir.path(), shared(std::move(certificate)), shared(std::move(key)));
}

std::optional<LocalCa> LocalCa::load(const QString &directory, QString *error)
{
    const QDir dir(QDir::cleanPath(directory));
    const QString certificatePath = dir.filePath(QLatin1String(kCertificateFile));
    const QString keyPath = dir.filePath(QLatin1String(kKeyFile));
    const std::optional<QByteArray> certificatePem = readFile(certificatePath, error);
    if (!certificatePem)
        return std::nullopt;
    const std::optional<QByteArray> keyPem = readFile(keyPath, error);
    if (!keyPem)
        return std::nullopt;

    QString why;
    std::vector<X509Ptr> certificates = readCertificates(*certificatePem, &why);
    if (certificates.empty()) {
        *error = QStringLiteral("%1: %2").arg(certificatePath, why);
        return std::nullopt;
    }
    X509Ptr certificate = std::move(certificates.front());
    if (!(X509_get_extension_flags(certificate.get()) & EXFLAG_CA)) {
        *error = QStringLiteral("%1 is not a CA certificate").arg(certificatePath);
        return std::nullopt;
    }
    PkeyPtr key = readPrivateKey(*keyPem, &why);
    if (!key) {
        *error = QStringLiteral("%1: %2").arg(keyPath, why);
        return std::nullopt;
    }
    if (EVP_PKEY_eq(X509_get0_pubkey(certificate.get()), key.get()) != 1) {
        ERR_clear_error();
        *error = QStringLiteral("%1 is not the key of %2").arg(keyPath, certificatePath);
        return std::nullopt;
    }
    return LocalCa(dir.path(), shared(std::move(certificate)), shared(std::move(key)));
}

std::optional<LocalCa> LocalCa::loadOrCreate(const QString &directory, QString *error)
{
    const QDir dir(QDir::cleanPath(directory));
    if (!dir.exists(QLatin1String(kCertificateFile)) && !dir.exists(QLatin1String(kKeyFile)))
        return create(directory, error);
    return load(directory, error);
}

std::optional<IssuedCertificate> LocalCa::issue(const QStringList &names, QString *error,
                                                QDateTime notBefore, QDateTime notAfter) const
{
    const std::optional<QList<CertificateName>> parsed = parseNames(names, error);
    if (!parsed)
        return std::nullopt;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (!notBefore.isValid())
        notBefore = now.addSecs(-kClockSkewSeconds);
    if (!notAfter.isValid())
        notAfter = now.addDays(kLeafValidityDays);
    if (notAfter <= notBefore) {
        *error = QStringLiteral("the certificate would expire before it becomes valid");
        return std::nullopt;
    }

    PkeyPtr key = generateP256Key(error);
    if (!key)
        return std::nullopt;
    X509Ptr certificate = newCertificate(key.get(), notBefore, notAfter, error);
    if (!certificate)
        return std::nullopt;
    X509 *leaf = certificate.get();
    X509_NAME *subject = X509_get_subject_name(leaf);
    const QString &firstName = parsed->front().text;
    // The names that count are the alternative ones; the subject says where the certificate
    // comes from, and names the first host when it fits the common name's 64 characters.
    bool made = addNameEntry(subject, "O", QStringLiteral("Portico development certificate"), error)
        && addNameEntry(subject, "OU", userAtHost(), error)
        && (firstName.size() > kMaxCommonNameLength
            || addNameEntry(subject, "CN", firstName, error))
        && X509_set_issuer_name(leaf, X509_get_subject_name(m_certificate.get())) == 1;
    X509 *ca = m_certificate.get();
    made = made && addExtension(leaf, ca, NID_basic_constraints, "critical,CA:FALSE", error)
        && addExtension(leaf, ca, NID_key_usage, "critical,digitalSignature", error)
        && addExtension(leaf, ca, NID_ext_key_usage, "serverAuth,clientAuth", error)
        && addExtension(leaf, ca, NID_subject_key_identifier, "hash", error)
        && addExtension(leaf, ca, NID_authority_key_identifier, "keyid:always", error)
        && addAlternativeNames(leaf, *parsed, error) && sign(leaf, m_key.get(), error);
    if (!made)
        return std::nullopt;
    return IssuedCertificate{certificateToPem(leaf), privateKeyToPem(key.get())};
}

QByteArray LocalCa::certificatePem() const
{
    return certificateToPem(m_certificate.get());
}

CertificateInfo LocalCa::info() const
{
    return describe(m_certificate.get(), 1);
}

} // namespace portico
