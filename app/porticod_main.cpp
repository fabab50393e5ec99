// porticod: the gateway engine, headless.

#include "CertificateCommand.h"
#include "CommandLine.h"
#include "GatewayRuntime.h"
#include "SignalHandler.h"
#include "TransferCommand.h"

#include "config/ConfigService.h"
#include "demo/MockServices.h"
#include "net/GatewayEngine.h"

#include <QCoreApplication>

#include <csignal>

using namespace portico;

namespace {

void printWarnings(const QStringList &warnings)
{
    for (const QString &w : warnings)
        printErrors({QStringLiteral("config warning: ") + w});
}

// SIGHUP: re-reads --config and swaps it in without dropping requests. A file that does not
// load or validate changes nothing; the errors are printed as at startup.
void reload(GatewayRuntime &runtime)
{
    bool ok = false;
    const QStringList lines = runtime.reloadConfigFile(&ok);
    const qint64 revision = runtime.configService()->revision();
    if (!ok) {
        printErrors(lines);
        printErrors({QStringLiteral("reload failed; still running revision %1").arg(revision)});
        return;
    }
    printErrors(lines); // warnings
    // The listener and the worker threads are only set up by a start.
    const SettingsConfig running = runtime.runningConfig().settings;
    const SettingsConfig &started = runtime.startedSettings();
    if (running.listen != started.listen)
        printWarnings({QStringLiteral("settings.listen changed to %1; takes effect after a "
                                      "restart (still listening on %2)")
                           .arg(running.listen, runtime.listenerUrls().value(0))});
    if (running.workers != started.workers)
        printWarnings({QStringLiteral("settings.workers changed to %1; takes effect after a "
                                      "restart (still %2 workers)")
                           .arg(running.workers)
                           .arg(runtime.engine().workerCount())});
    printOut(QStringLiteral("reloaded configuration (revision %1)").arg(revision));
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

    MockServices mocks;
    if (!cli.options.issueCertificate.isEmpty() || !cli.options.exportCa.isEmpty())
        return runCertificateCommand(Program::Daemon, cli.options);
    if (!cli.options.importFile.isEmpty() || !cli.options.exportFile.isEmpty())
        return runTransfer(Program::Daemon, cli.options, mocks);

    // Installed before anything starts, so a signal during startup waits in the pipe instead
    // of killing the process half-way (SIGHUP's default action would end it too).
    SignalHandler signalHandler({SIGTERM, SIGINT, SIGHUP});

    GatewayRuntime runtime(Program::Daemon, cli.options, mocks);
    QObject::connect(&runtime, &GatewayRuntime::certificateWarnings, &printWarnings);
    const bool started = runtime.start();
    printWarnings(runtime.warnings());
    if (!started) {
        printErrors(runtime.errors());
        return runtime.exitCode();
    }

    // The admin line comes first: whoever waits for "listening on" then has both.
    const QString admin = runtime.adminUrl();
    printOut(admin.isEmpty()
                 ? QStringLiteral("admin API off (store: %1)").arg(runtime.storeDescription())
                 : QStringLiteral("admin API on %1 (store: %2)")
                       .arg(admin, runtime.storeDescription()));
    const QStringList urls = runtime.listenerUrls();
    for (const QString &url : urls)
        printOut(QStringLiteral("listening on ") + url);
    if (cli.options.demo && !urls.isEmpty())
        printOut(QStringLiteral("try: curl -s %1/users/1").arg(urls.constFirst()));

    bool stopping = false;
    QObject::connect(&signalHandler, &SignalHandler::signalReceived, &app, [&](int signal) {
        if (stopping)
            return;
        if (signal == SIGHUP) {
            reload(runtime);
            return;
        }
        stopping = true;
        printOut(QStringLiteral("stopping (%1)")
                     .arg(signal == SIGINT ? QStringLiteral("SIGINT") : QStringLiteral("SIGTERM")));
        runtime.stop(); // finishes in-flight requests, bounded by settings
        mocks.stop();
        QCoreApplication::quit();
    });

    const int rc = app.exec();
    runtime.stop();
    mocks.stop();
    return rc;
}
