#include "CommandLine.h"

#include "config/Addresses.h"
#include "config/ConfigValidator.h"
#include "config/DeclarativeFormat.h"
#include "demo/DemoConfig.h"
#include "demo/MockServices.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSaveFile>

#include <cstdio>

namespace portico {

namespace {

void printLine(FILE *stream, const QString &line)
{
    std::fputs(qPrintable(line), stream);
    std::fputc('\n', stream);
    std::fflush(stream);
}

QString configErrorLine(const ConfigError &e)
{
    return QStringLiteral("config error: ") + e.toString();
}

// A HOST:PORT override is checked here so the message names the option, not the settings field.
bool checkAddressOption(const char *option, const QString &value, QStringList *errors)
{
    QString why;
    if (parseHostPort(value, &why))
        return true;
    errors->append(QStringLiteral("invalid %1 '%2': %3").arg(QLatin1String(option), value, why));
    return false;
}

} // namespace

CommandLineResult parseCommandLine(Program program, const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        program == Program::Daemon
            ? QStringLiteral("Portico API gateway, headless.\n"
                             "SIGHUP reloads the --config file; SIGTERM or SIGINT stop it once "
                             "in-flight requests are done.")
            : QStringLiteral("Portico API gateway with its desktop control room."));
    const QCommandLineOption configOpt(
        QStringLiteral("config"),
        QStringLiteral("Run the declarative configuration in <file> (YAML or JSON)."),
        QStringLiteral("file"));
    const QCommandLineOption dbOpt(
        QStringLiteral("db"),
        program == Program::Daemon
            ? QStringLiteral("Run from the SQLite store <file> (created empty if absent).")
            : QStringLiteral("Open the SQLite store <file> (created with the demo "
                             "configuration if absent) instead of the default one."),
        QStringLiteral("file"));
    const QCommandLineOption demoOpt(
        QStringLiteral("demo"),
        program == Program::Daemon
            ? QStringLiteral("Run the demo: built-in mock services behind a demo configuration.")
            : QStringLiteral("Run the demo configuration without a store."));
    const QCommandLineOption listenOpt(QStringLiteral("listen"),
                                       QStringLiteral("Serve the gateway on <host:port>."),
                                       QStringLiteral("host:port"));
    const QCommandLineOption tlsCertOpt(
        QStringLiteral("tls-cert"),
        QStringLiteral("Serve the gateway over TLS with the certificate (and chain) in <pem>; "
                       "needs --tls-key."),
        QStringLiteral("pem"));
    const QCommandLineOption tlsKeyOpt(QStringLiteral("tls-key"),
                                       QStringLiteral("The private key of --tls-cert, in <pem>."),
                                       QStringLiteral("pem"));
    const QCommandLineOption workersOpt(
        QStringLiteral("workers"), QStringLiteral("Use <n> worker threads (0 = one per core)."),
        QStringLiteral("n"));
    const QCommandLineOption adminOpt(QStringLiteral("admin"),
                                      QStringLiteral("Serve the Admin API on <host:port>."),
                                      QStringLiteral("host:port"));
    const QCommandLineOption importOpt(
        QStringLiteral("import"),
        QStringLiteral("Import <file> into the --db store (or over the --config file), then "
                       "exit. All or nothing."),
        QStringLiteral("file"));
    const QCommandLineOption exportOpt(
        QStringLiteral("export"),
        QStringLiteral("Export the --db store (or --config, --demo) to <file>, then exit."),
        QStringLiteral("file"));
    const QCommandLineOption formatOpt(
        QStringLiteral("format"),
        QStringLiteral("Format of --import/--export: native, kong, nginx (export) or openapi "
                       "(import). Default: native, YAML or JSON by the file's extension."),
        QStringLiteral("format"));
    const QCommandLineOption serviceOpt(
        QStringLiteral("service"),
        QStringLiteral("The service an --format openapi import routes to."),
        QStringLiteral("name"));
    const QCommandLineOption includeKeysOpt(
        QStringLiteral("include-keys"),
        QStringLiteral("A native --export includes the certificates' private keys (left out "
                       "otherwise; importing into the same store keeps its keys)."));
    const QCommandLineOption issueCertificateOpt(
        QStringLiteral("issue-certificate"),
        QStringLiteral("Have the local development CA (created on first use) issue a "
                       "certificate for <names> (comma-separated host names, *.wildcards, "
                       "addresses) into the --db store (or the --config file), then exit."),
        QStringLiteral("names"));
    const QCommandLineOption certificateNameOpt(
        QStringLiteral("certificate-name"),
        QStringLiteral("The name --issue-certificate stores it as (default: the first name); "
                       "one of that name is replaced."),
        QStringLiteral("name"));
    const QCommandLineOption exportCaOpt(
        QStringLiteral("export-ca"),
        QStringLiteral("Write the local development CA's certificate to <file> and print how "
                       "to trust it, then exit."),
        QStringLiteral("file"));
    parser.addOptions({configOpt, dbOpt, demoOpt, listenOpt, tlsCertOpt, tlsKeyOpt, workersOpt,
                       adminOpt, importOpt, exportOpt, formatOpt, serviceOpt, includeKeysOpt,
                       issueCertificateOpt, certificateNameOpt, exportCaOpt});
    const QCommandLineOption helpOpt = parser.addHelpOption();
    const QCommandLineOption versionOpt = parser.addVersionOption();

    CommandLineResult result;
    auto usageError = [&](const QString &message) {
        printErrors(
            {message, QStringLiteral("try '%1 --help'").arg(QCoreApplication::applicationName())});
        result.exitCode = 2;
        return result;
    };

    if (!parser.parse(arguments))
        return usageError(parser.errorText());
    if (parser.isSet(helpOpt)) {
        printLine(stdout, parser.helpText());
        return result;
    }
    if (parser.isSet(versionOpt)) {
        printLine(stdout,
                  QCoreApplication::applicationName() + u' '
                      + QCoreApplication::applicationVersion());
        return result;
    }
    if (!parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("unexpected argument '%1'")
                              .arg(parser.positionalArguments().constFirst()));

    CommandLineOptions &o = result.options;
    o.configFile = parser.value(configOpt);
    o.dbFile = parser.value(dbOpt);
    o.demo = parser.isSet(demoOpt);
    o.importFile = parser.value(importOpt);
    o.exportFile = parser.value(exportOpt);
    o.format = parser.value(formatOpt);
    o.service = parser.value(serviceOpt);
    o.includeKeys = parser.isSet(includeKeysOpt);
    if (o.includeKeys && o.exportFile.isEmpty())
        return usageError(QStringLiteral("--include-keys goes with --export"));
    o.issueCertificate = parser.value(issueCertificateOpt);
    o.certificateName = parser.value(certificateNameOpt);
    o.exportCa = parser.value(exportCaOpt);
    if (!o.certificateName.isEmpty() && o.issueCertificate.isEmpty())
        return usageError(QStringLiteral("--certificate-name goes with --issue-certificate"));
    if (int(!o.issueCertificate.isEmpty()) + int(!o.exportCa.isEmpty())
            + int(!o.importFile.isEmpty() || !o.exportFile.isEmpty())
        > 1)
        return usageError(QStringLiteral("give only one of --issue-certificate, --export-ca, "
                                         "--import and --export"));
    if (parser.isSet(issueCertificateOpt) && o.issueCertificate.trimmed().isEmpty())
        return usageError(QStringLiteral("--issue-certificate needs at least one name"));
    o.listen = parser.value(listenOpt);
    o.tlsCert = parser.value(tlsCertOpt);
    o.tlsKey = parser.value(tlsKeyOpt);
    if (o.tlsCert.isEmpty() != o.tlsKey.isEmpty())
        return usageError(QStringLiteral("--tls-cert and --tls-key go together"));
    o.admin = parser.value(adminOpt);
    if (parser.isSet(workersOpt)) {
        bool ok = false;
        o.workers = parser.value(workersOpt).toInt(&ok);
        if (!ok || o.workers < 0 || o.workers > 256) // settings.workers range
            return usageError(QStringLiteral("invalid --workers '%1': expected 0..256")
                                  .arg(parser.value(workersOpt)));
    }
    if (int(o.demo) + int(!o.configFile.isEmpty()) + int(!o.dbFile.isEmpty()) > 1)
        return usageError(QStringLiteral("give only one of --config, --db and --demo"));
    if (!o.importFile.isEmpty() && !o.exportFile.isEmpty())
        return usageError(QStringLiteral("--import and --export cannot be combined"));
    if (!o.importFile.isEmpty() && o.demo)
        return usageError(QStringLiteral("--import needs --db or --config (the demo has no "
                                         "store)"));
    if (!o.format.isEmpty()
        && !QStringList{QStringLiteral("native"), QStringLiteral("kong"), QStringLiteral("nginx"),
                        QStringLiteral("openapi")}
                .contains(o.format))
        return usageError(QStringLiteral("invalid --format '%1': expected native, kong, nginx "
                                         "or openapi")
                              .arg(o.format));
    if (o.importFile.isEmpty() && o.exportFile.isEmpty() && !o.format.isEmpty())
        return usageError(QStringLiteral("--format goes with --import or --export"));
    if (!o.issueCertificate.isEmpty() && (o.demo || (o.configFile.isEmpty() && o.dbFile.isEmpty()
                                                     && program == Program::Daemon)))
        return usageError(QStringLiteral("--issue-certificate needs --db FILE or --config FILE: "
                                         "the store it goes into"));
    if (o.configFile.isEmpty() && o.dbFile.isEmpty() && !o.demo && o.exportCa.isEmpty()
        && program == Program::Daemon)
        return usageError(QStringLiteral("nothing to run: give --config FILE, --db FILE or "
                                         "--demo"));
    result.run = true;
    return result;
}

QStringList checkOverrides(const CommandLineOptions &options)
{
    QStringList errors;
    if (!options.listen.isEmpty())
        checkAddressOption("--listen", options.listen, &errors);
    if (!options.admin.isEmpty())
        checkAddressOption("--admin", options.admin, &errors);
    return errors;
}

void applyOverrides(const CommandLineOptions &options, Config &config)
{
    SettingsConfig &s = config.settings;
    if (!options.listen.isEmpty())
        s.listen = options.listen;
    if (!options.admin.isEmpty())
        s.adminListen = options.admin;
    if (options.workers >= 0)
        s.workers = options.workers;
}

PreparedConfig prepareConfig(const CommandLineOptions &options, MockServices &mocks)
{
    PreparedConfig prepared;
    auto fail = [&prepared](int exitCode) {
        prepared.exitCode = exitCode;
        return prepared;
    };

    // Overrides first: a typo in them is a usage error whatever the config says.
    prepared.errors = checkOverrides(options);
    if (!prepared.errors.isEmpty())
        return fail(2);

    if (options.demo) {
        QString why;
        if (!mocks.start(&why)) {
            prepared.errors.append(QStringLiteral("cannot start the demo services: ") + why);
            return fail(1);
        }
        prepared.config = makeDemoConfig(mocks);
    } else {
        ConfigLoadResult loaded = loadDeclarativeFile(options.configFile);
        prepared.warnings = loaded.warnings;
        if (!loaded.ok()) {
            for (const ConfigError &e : loaded.errors)
                prepared.errors.append(configErrorLine(e));
            return fail(2);
        }
        prepared.config = std::move(loaded.config);
    }

    applyOverrides(options, prepared.config);
    for (const ConfigError &e : validateConfig(prepared.config))
        prepared.errors.append(configErrorLine(e));
    return prepared.errors.isEmpty() ? prepared : fail(2);
}

StartFailure describeStartFailure(const Config &config, const ConfigErrors &errors)
{
    StartFailure failure;
    // The config was validated before start(), so an error against settings.listen can only
    // mean the address could not be bound (in use, not local, no permission).
    for (const ConfigError &e : errors) {
        if (e.path == QLatin1String("settings.listen")) {
            QString message = e.message;
            const QString prefix = QStringLiteral("cannot listen on ");
            if (!message.startsWith(prefix))
                message = prefix + config.settings.listen + QStringLiteral(": ") + message;
            failure.lines.append(message);
        } else {
            failure.lines.append(configErrorLine(e));
            failure.exitCode = 2;
        }
    }
    if (failure.lines.isEmpty())
        failure.lines.append(QStringLiteral("the gateway could not start"));
    return failure;
}

void printOut(const QString &line)
{
    printLine(stdout, line);
}

bool writeFileAtomically(const QString &path, const QByteArray &bytes, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

void printErrors(const QStringList &lines)
{
    for (const QString &line : lines)
        printLine(stderr, QStringLiteral("portico: ") + line);
}

} // namespace portico
