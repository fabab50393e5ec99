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
    QObject::connect(&signalHandler, &SignalHandler::signalReceived, &app,
                     &QApplication::quit);

    MockServices mocks;
    const PreparedConfig prepared = prepareConfig(cli.options, mocks);
    for (const QString &w : prepared.warnings)
        printErrors({QStringLiteral("config warning: ") + w});
    if (!prepared.ok()) {
        printErrors(prepared.errors);
        QMessageBox::critical(nullptr, QStringLiteral("Portico"),
                              prepared.errors.join(u'\n'));
        return prepared.exitCode;
    }

    GatewayEngine engine;
    MainWindow window(&engine);
    window.setRequestedConfig(prepared.config);

    // start() binds and spawns the workers; it returns quickly, before the window shows.
    ConfigErrors startErrors;
    if (!engine.start(prepared.config, &startErrors)) {
        const StartFailure failure = describeStartFailure(prepared.config, startErrors);
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
