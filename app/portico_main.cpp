// portico: the desktop control room with the gateway engine inside.

#include "CertificateCommand.h"
#include "CommandLine.h"
#include "GatewayRuntime.h"
#include "GuiLatencyProbe.h"
#include "MainWindow.h"
#include "SignalHandler.h"
#include "TransferCommand.h"

#include "demo/MockServices.h"
#include "net/GatewayEngine.h"

#include <QApplication>
#include <QIcon>
#include <QMessageBox>

#include <csignal>
#include <memory>

using namespace portico;

namespace {

// --help, --version, --import and --export print or write and exit: they need no window, so they
// work without a display too (over SSH, in scripts).
bool needsNoWindow(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        const QByteArrayView arg(argv[i]);
        for (const char *option : {"-h", "--help", "--help-all", "-v", "--version", "--import",
                                   "--export"}) {
            if (arg == option || arg.startsWith(QByteArray(option) + '='))
                return true;
        }
    }
    return false;
}

} // namespace

int main(int argc, char *argv[])
{
    if (needsNoWindow(argc, argv) && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    Q_INIT_RESOURCE(resources); // portico_resources is a static library
    QApplication::setOrganizationName(QStringLiteral("Portico"));
    QApplication::setApplicationName(QStringLiteral("portico"));
    QApplication::setApplicationDisplayName(QStringLiteral("Portico"));
    QApplication::setApplicationVersion(QStringLiteral(PORTICO_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/portico.png")));

    const CommandLineResult cli = parseCommandLine(Program::Desktop, app.arguments());
    if (!cli.run)
        return cli.exitCode;

    MockServices mocks;
    if (!cli.options.issueCertificate.isEmpty() || !cli.options.exportCa.isEmpty())
        return runCertificateCommand(Program::Desktop, cli.options);
    if (!cli.options.importFile.isEmpty() || !cli.options.exportFile.isEmpty())
        return runTransfer(Program::Desktop, cli.options, mocks);

    SignalHandler signalHandler({SIGTERM, SIGINT});
    QObject::connect(&signalHandler, &SignalHandler::signalReceived, &app, &QApplication::quit);

    GatewayRuntime runtime(Program::Desktop, cli.options, mocks);
    const bool started = runtime.start();
    for (const QString &w : runtime.warnings())
        printErrors({QStringLiteral("config warning: ") + w});
    if (!started && runtime.configService() == nullptr) {
        // Nothing to show: the store could not be opened or its configuration is invalid.
        printErrors(runtime.errors());
        QMessageBox::critical(nullptr, QStringLiteral("Portico"), runtime.errors().join(u'\n'));
        return runtime.exitCode();
    }

    ControlRoom room{&runtime.engine(), runtime.configService(), runtime.adminUrl()};
    MainWindow window(room);
    window.setStoreDescription(runtime.storeDescription());
    if (!started) {
        printErrors(runtime.errors());
        window.setStartError(runtime.errors().join(QStringLiteral("; ")));
    }
    window.show();
    // Benchmarks measure how responsive the window stays under load (tests/bench).
    std::unique_ptr<GuiLatencyProbe> probe;
    if (const QString path = qEnvironmentVariable("PORTICO_GUI_PROBE"); !path.isEmpty())
        probe = std::make_unique<GuiLatencyProbe>(&runtime.engine(), path);

    const int rc = app.exec();
    probe.reset(); // writes its figures
    runtime.stop();
    mocks.stop();
    return rc;
}
