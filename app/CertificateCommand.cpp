#include "CertificateCommand.h"

#include "GatewayRuntime.h"

#include "certs/LocalCa.h"
#include "config/CertificatePlacement.h"
#include "config/ConfigStore.h"
#include "config/ConfigValidator.h"
#include "config/DeclarativeFormat.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>

namespace portico {

namespace {

// The local CA, created when there is none yet (said on stdout, with where it lives).
std::optional<LocalCa> localCa(QString *error)
{
    const QString directory = LocalCa::defaultDirectory();
    const bool existed =
        QFileInfo::exists(QDir(directory).filePath(QLatin1String(LocalCa::kCertificateFile)));
    std::optional<LocalCa> ca = LocalCa::loadOrCreate(directory, error);
    if (ca && !existed)
        printOut(QStringLiteral("created the local development CA in %1; trust it with "
                                "--export-ca FILE")
                     .arg(directory));
    return ca;
}

// A file whose only fault is an HTTPS listener with nothing to serve yet: what issuing its
// first certificate cures, so the file may be read (every field of it was).
bool onlyLacksCertificates(const ConfigErrors &errors)
{
    return std::all_of(errors.begin(), errors.end(), [](const ConfigError &e) {
        return e.path == QLatin1String("settings.listen_tls")
            && e.message.startsWith(QLatin1String("no certificate to serve"));
    });
}

int printConfigErrors(const ConfigErrors &errors)
{
    for (const ConfigError &e : errors)
        printErrors({QStringLiteral("config error: ") + e.toString()});
    return 2;
}

int issueCertificate(Program program, const CommandLineOptions &options)
{
    QStringList names;
    for (const QString &name : options.issueCertificate.split(u',', Qt::SkipEmptyParts))
        names.append(name.trimmed());
    QString error;
    const std::optional<LocalCa> ca = localCa(&error);
    if (!ca) {
        printErrors({error});
        return 1;
    }
    const std::optional<IssuedCertificate> issued = ca->issue(names, &error);
    if (!issued) {
        printErrors({QStringLiteral("--issue-certificate: %1").arg(error)});
        return 2;
    }
    const CertificateConfig certificate{options.certificateName.isEmpty() ? names.value(0)
                                                                          : options.certificateName,
                                        {},
                                        QString::fromUtf8(issued->certificatePem),
                                        QString::fromUtf8(issued->keyPem)};
    QString where;

    if (!options.configFile.isEmpty()) {
        ConfigLoadResult loaded = loadDeclarativeFile(options.configFile);
        if (!loaded.ok() && !onlyLacksCertificates(loaded.errors))
            return printConfigErrors(loaded.errors);
        placeCertificate(loaded.config.certificates, certificate);
        const ConfigErrors errors = validateConfig(loaded.config);
        if (!errors.empty())
            return printConfigErrors(errors);
        const bool json = options.configFile.endsWith(QLatin1String(".json"), Qt::CaseInsensitive);
        // The file is the configuration itself: the key belongs in it.
        if (!writeFileAtomically(options.configFile,
                                 json ? toDeclarativeJson(loaded.config, PrivateKeys::Include)
                                      : toDeclarativeYaml(loaded.config, PrivateKeys::Include),
                                 &error)) {
            printErrors({error});
            return 1;
        }
        where = options.configFile;
    } else {
        const QString path = options.dbFile.isEmpty() && program == Program::Desktop
            ? defaultStorePath()
            : options.dbFile;
        ConfigStore::OpenResult opened = ConfigStore::open(path);
        if (!opened.store) {
            printErrors({opened.error});
            return 1;
        }
        Config config = opened.store->config();
        placeCertificate(config.certificates, certificate);
        const StoreResult result = opened.store->replace(
            config, ConfigSource::Admin,
            QStringLiteral("certificate \"%1\" issued by the local CA").arg(certificate.name));
        if (!result.ok()) {
            for (const ConfigError &e : result.errors)
                printErrors({QStringLiteral("config error: ") + e.toString()});
            return result.status == StoreResult::Status::Invalid ? 2 : 1;
        }
        where = path;
    }
    QString unreadable;
    const std::optional<CertificateInfo> info =
        inspectCertificate(issued->certificatePem, &unreadable);
    printOut(QStringLiteral("certificate \"%1\" for %2, valid until %3, stored in %4")
                 .arg(certificate.name, names.join(QStringLiteral(", ")),
                      info ? info->notAfter.date().toString(Qt::ISODate) : QString(), where));
    return 0;
}

int exportCa(const CommandLineOptions &options)
{
    QString error;
    const std::optional<LocalCa> ca = localCa(&error);
    if (!ca) {
        printErrors({error});
        return 1;
    }
    if (!writeFileAtomically(options.exportCa, ca->certificatePem(), &error)) {
        printErrors({error});
        return 1;
    }
    printOut(QStringLiteral("wrote the local CA's certificate to %1 (its key stays in %2)\n")
                 .arg(options.exportCa, ca->directory()));
    printOut(LocalCa::trustInstructions(QFileInfo(options.exportCa).absoluteFilePath()));
    return 0;
}

} // namespace

int runCertificateCommand(Program program, const CommandLineOptions &options)
{
    return options.exportCa.isEmpty() ? issueCertificate(program, options) : exportCa(options);
}

} // namespace portico
