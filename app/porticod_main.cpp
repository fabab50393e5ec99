// porticod: the gateway engine, headless.

#include "CommandLine.h"
#include "SignalHandler.h"

#include "config/Snapshot.h"
#include "demo/MockServices.h"
#include "net/GatewayEngine.h"

#include <QCoreApplication>

#include <csignal>
#include <cstdio>

using namespace portico;

namespace {

void printOut(const QString &line)
{
    std::fputs(qPrintable(line), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout); // scripts and tests wait for these lines
}

void printWarnings(const QStringList &warnings)
{
    for (const QString &w : warnings)
        printErrors({QStringLiteral("config warning: ") + w});
}

// SIGHUP: re-reads --config and swaps it in without dropping requests. A file that does not
// load or validate changes nothing; the errors are printed as at startup.
void reload(GatewayEngine &engine, const CommandLineOptions &options, const SettingsConfig &started,
            MockServices &mocks)
{
    if (options.configFile.isEmpty()) {
        printErrors({QStringLiteral("SIGHUP ignored: --demo has no configuration file to reload")});
        return;
    }
    const PreparedConfig prepared = prepareConfig(options, mocks);
    printWarnings(prepared.warnings);
    QStringList errors = prepared.errors;
    if (prepared.ok()) {
        for (const ConfigError &e : engine.apply(prepared.config))
            errors.append(QStringLiteral("config error: ") + e.toString());
    }
    const quint64 version = engine.snapshot()->version;
    if (!errors.isEmpty()) {
        printErrors(errors);
        printErrors(
            {QStringLiteral("reload failed; still running configuration version %1").arg(version)});
        return;
    }
    // The listener and the worker threads are only set up by a start.
    const SettingsConfig &s = prepared.config.settings;
    if (s.listen != started.listen)
        printWarnings({QStringLiteral("settings.listen changed to %1; takes effect after a "
                                      "restart (still listening on %2)")
                           .arg(s.listen, engine.listenerUrls().value(0))});
    if (s.workers != started.workers)
        printWarnings({QStringLiteral("settings.workers changed to %1; takes effect after a "
                                      "restart (still %2 workers)")
                           .arg(s.workers)
                           .arg(engine.workerCount())});
    printOut(QStringLiteral("reloaded configuration (version %1)").arg(version));
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Portico"));
    QCoreApplication::setApplicationName(QStringLiteral("porticod"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PORTICO_VERSION));

    const CommandLineResult cli = parseCommandLine(Program::Daemon, app.arguments());
    if (!cli.run)
        return cli.exitCode;

    // Installed before anything starts, so a signal during startup waits in the pipe instead
    // of killing the process half-way (SIGHUP's default action would end it too).
    SignalHandler signalHandler({SIGTERM, SIGINT, SIGHUP});

    MockServices mocks;
    const PreparedConfig prepared = prepareConfig(cli.options, mocks);
    printWarnings(prepared.warnings);
    if (!prepared.ok()) {
        printErrors(prepared.errors);
        return prepared.exitCode;
    }

    GatewayEngine engine;
    ConfigErrors startErrors;
    if (!engine.start(prepared.config, &startErrors)) {
        const StartFailure failure = describeStartFailure(prepared.config, startErrors);
        printErrors(failure.lines);
        return failure.exitCode;
    }

    const QStringList urls = engine.listenerUrls();
    for (const QString &url : urls)
        printOut(QStringLiteral("listening on ") + url);
    if (cli.options.demo && !urls.isEmpty())
        printOut(QStringLiteral("try: curl -s %1/users/1").arg(urls.constFirst()));

    bool stopping = false;
    QObject::connect(&signalHandler, &SignalHandler::signalReceived, &app, [&](int signal) {
        if (stopping)
            return;
        if (signal == SIGHUP) {
            reload(engine, cli.options, prepared.config.settings, mocks);
            return;
        }
        stopping = true;
        printOut(QStringLiteral("stopping (%1)")
                     .arg(signal == SIGINT ? QStringLiteral("SIGINT") : QStringLiteral("SIGTERM")));
        engine.stop(); // finishes in-flight requests, bounded by settings
        mocks.stop();
        QCoreApplication::quit();
    });

    const int rc = app.exec();
    engine.stop();
    mocks.stop();
    return rc;
}
