#include "TransferCommand.h"

#include "GatewayRuntime.h"

#include "config/ConfigStore.h"
#include "config/ConfigTransfer.h"
#include "config/DeclarativeFormat.h"
#include "demo/DemoConfig.h"
#include "demo/MockServices.h"

#include <QFile>
#include <QFileInfo>


namespace portico {

namespace {

void printOpenFailure(const ConfigStore::OpenResult &opened)
{
    printErrors({opened.error});
    for (const ConfigError &e : opened.errors)
        printErrors({QStringLiteral("config error: ") + e.toString()});
}

void printReport(const QStringList &notCarried, const QStringList &notes,
                 const QStringList &warnings = {})
{
    for (const QString &line : warnings)
        printErrors({QStringLiteral("config warning: ") + line});
    for (const QString &line : notCarried)
        printErrors({QStringLiteral("not carried over: ") + line});
    for (const QString &line : notes)
        printErrors({QStringLiteral("note: ") + line});
}

struct Source
{
    Config config;
    QString description;
};

std::optional<Source> exportSource(Program program, const CommandLineOptions &options,
                                   MockServices &mocks, int *exitCode)
{
    if (!options.configFile.isEmpty()) {
        ConfigLoadResult loaded = loadDeclarativeFile(options.configFile);
        if (!loaded.ok()) {
            for (const ConfigError &e : loaded.errors)
                printErrors({QStringLiteral("config error: ") + e.toString()});
            *exitCode = 2;
            return std::nullopt;
        }
        return Source{std::move(loaded.config), options.configFile};
    }
    if (options.demo) {
        QString why;
        if (!mocks.start(&why)) {
            printErrors({QStringLiteral("cannot start the demo services: ") + why});
            *exitCode = 1;
            return std::nullopt;
        }
        return Source{makeDemoConfig(mocks), QStringLiteral("the demo")};
    }
    const QString path = options.dbFile.isEmpty() && program == Program::Desktop
        ? defaultStorePath()
        : options.dbFile;
    // Exporting never creates a store: a mistyped path is an error, not an empty export.
    if (!QFileInfo::exists(path)) {
        printErrors({QStringLiteral("no store at %1").arg(path)});
        *exitCode = 1;
        return std::nullopt;
    }
    ConfigStore::OpenResult opened = ConfigStore::open(path);
    if (!opened.store) {
        printOpenFailure(opened);
        *exitCode = 1;
        return std::nullopt;
    }
    return Source{opened.store->config(),
                  QStringLiteral("%1 (revision %2)").arg(path).arg(opened.store->revision())};
}

int runExport(Program program, const CommandLineOptions &options, MockServices &mocks)
{
    QString error;
    const std::optional<TransferFormat> format = transferFormat(
        options.format, options.exportFile, TransferDirection::Export, &error);
    if (!format) {
        printErrors({error});
        return 2;
    }
    int exitCode = 0;
    const std::optional<Source> source = exportSource(program, options, mocks, &exitCode);
    if (!source)
        return exitCode;
    const ExportOutcome outcome = exportConfig(
        source->config, *format, options.includeKeys ? PrivateKeys::Include : PrivateKeys::Omit);
    if (!writeFileAtomically(options.exportFile, outcome.text, &error)) {
        printErrors({error});
        return 1;
    }
    printReport(outcome.notCarried, outcome.notes);
    printOut(QStringLiteral("exported %1 to %2").arg(source->description, options.exportFile));
    return 0;
}

int runImport(const CommandLineOptions &options)
{
    QString error;
    const std::optional<TransferFormat> format = transferFormat(
        options.format, options.importFile, TransferDirection::Import, &error);
    if (!format) {
        printErrors({error});
        return 2;
    }
    if (*format == TransferFormat::OpenApi && options.service.isEmpty()) {
        printErrors({QStringLiteral("an OpenAPI import needs --service NAME: the service its "
                                    "routes go to")});
        return 2;
    }
    QFile file(options.importFile);
    if (!file.open(QIODevice::ReadOnly)) {
        printErrors({QStringLiteral("cannot read %1: %2").arg(options.importFile,
                                                               file.errorString())});
        return 1;
    }
    const QByteArray text = file.readAll();

    // Into a declarative file: read what it holds (for OpenAPI, which adds to it), write the
    // result in the file's own syntax.
    if (!options.configFile.isEmpty()) {
        Config current;
        if (QFileInfo::exists(options.configFile)) {
            ConfigLoadResult loaded = loadDeclarativeFile(options.configFile);
            if (!loaded.ok()) {
                for (const ConfigError &e : loaded.errors)
                    printErrors({QStringLiteral("config error: ") + e.toString()});
                return 2;
            }
            current = std::move(loaded.config);
        }
        const ImportOutcome outcome = importConfig(text, *format, current, options.service);
        if (!outcome.ok()) {
            for (const ConfigError &e : outcome.errors)
                printErrors({QStringLiteral("import error: ") + e.toString()});
            return 2;
        }
        printReport(outcome.notCarried, outcome.notes, outcome.warnings);
        const bool json = options.configFile.endsWith(QLatin1String(".json"), Qt::CaseInsensitive);
        // The file is the configuration itself, not an export: its keys stay in it.
        if (!writeFileAtomically(options.configFile,
                       json ? toDeclarativeJson(outcome.config, PrivateKeys::Include)
                            : toDeclarativeYaml(outcome.config, PrivateKeys::Include),
                       &error)) {
            printErrors({error});
            return 1;
        }
        printOut(QStringLiteral("imported %1 into %2").arg(options.importFile, options.configFile));
        return 0;
    }

    ConfigStore::OpenResult opened = ConfigStore::open(options.dbFile);
    if (!opened.store) {
        printOpenFailure(opened);
        return 1;
    }
    ConfigStore &store = *opened.store;
    const ImportOutcome outcome = importConfig(text, *format, store.config(), options.service);
    if (!outcome.ok()) {
        for (const ConfigError &e : outcome.errors)
            printErrors({QStringLiteral("import error: ") + e.toString()});
        printErrors({QStringLiteral("nothing was imported")});
        return 2;
    }
    printReport(outcome.notCarried, outcome.notes, outcome.warnings);
    const StoreResult result =
        store.replace(outcome.config, ConfigSource::Import,
                      QStringLiteral("import of %1").arg(QFileInfo(options.importFile).fileName()));
    if (!result.ok()) {
        for (const ConfigError &e : result.errors)
            printErrors({QStringLiteral("import error: ") + e.toString()});
        return result.status == StoreResult::Status::Invalid ? 2 : 1;
    }
    printOut(result.status == StoreResult::Status::Unchanged
                 ? QStringLiteral("%1 holds this configuration already (revision %2)")
                       .arg(options.dbFile)
                       .arg(result.revision)
                 : QStringLiteral("imported %1 into %2 (revision %3)")
                       .arg(options.importFile, options.dbFile)
                       .arg(result.revision));
    return 0;
}

} // namespace

int runTransfer(Program program, const CommandLineOptions &options, MockServices &mocks)
{
    if (!options.exportFile.isEmpty())
        return runExport(program, options, mocks);
    if (options.dbFile.isEmpty() && options.configFile.isEmpty()) {
        if (program != Program::Desktop) {
            printErrors({QStringLiteral("--import needs --db FILE or --config FILE")});
            return 2;
        }
        CommandLineOptions withDefault = options;
        withDefault.dbFile = defaultStorePath();
        return runImport(withDefault);
    }
    return runImport(options);
}

} // namespace portico
