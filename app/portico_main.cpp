// portico: the desktop control room with the gateway engine inside.

#include "CommandLine.h"
#include "MainWindow.h"
#include "SignalHandler.h"

#include "demo/MockServices.h"
#include "net/GatewayEngine.h"

#include <QApplication>
#include <QIcon>
#include <QMessageBox>

#include <csignal>

using namespace portico;

int main(int argc, char *argv[])
{
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

    SignalHandler signalHandler({SIGTERM, SIGINT});
    QObject::connect(&signalHandler, &SignalHandler::signalReceived, &app, &QApplication::quit);

    MockServices mocks;
    const PreparedConfig prepared = prepareConfig(cli.options, mocks);
    for (const QString &w : prepared.warnings)
        printErrors({QStringLiteral("config warning: ") + w});
    if (!prepared.ok()) {
        printErrors(prepared.errors);
        QMessageBox::critical(nullptr, QStringLiteral("Portico"), prepared.errors.join(u'\n'));
        return prepared.exitCode;
    }

    GatewayEngine engine;
    MainWindow window(&engine);
    window.setRequestedConfig(prepared.config);

    // start() binds and spawns the workers; it returns quickly, before the window shows.
    ConfigErrors startErrors;
    bool started = engine.start(prepared.config, &startErrors);
    StartFailure failure;
    if (!started)
        failure = describeStartFailure(prepared.config, startErrors);
    // The desktop demo should come up even when 8080 is taken (say, by a porticod --demo):
    // without an explicit --listen it moves to a free port, which the status line shows.
    if (!started && failure.exitCode == 1 && cli.options.demo && cli.options.listen.isEmpty()) {
        Config moved = prepared.config;
        moved.settings.listen = QStringLiteral("127.0.0.1:0");
        startErrors.clear();
        started = engine.start(moved, &startErrors);
        if (started) {
            printErrors(
                {QStringLiteral("%1 is busy; the demo listens on %2 instead")
                     .arg(prepared.config.settings.listen, engine.listenerUrls().value(0))});
            window.setRequestedConfig(moved);
        }
    }
    if (!started) {
        printErrors(failure.lines);
        window.setStartError(failure.lines.join(QStringLiteral("; ")));
    }
    window.refresh();
    window.show();

    const int rc = app.exec();
    engine.stop();
    mocks.stop();
    return rc;
}
