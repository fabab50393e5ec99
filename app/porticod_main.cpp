// porticod: the gateway engine, headless.

#include "CommandLine.h"
#include "SignalHandler.h"

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

    // Installed before anything starts, so a SIGTERM during startup waits in the pipe
    // instead of killing the process half-way.
    SignalHandler signalHandler({SIGTERM, SIGINT});

    MockServices mocks;
    const PreparedConfig prepared = prepareConfig(cli.options, mocks);
    for (const QString &w : prepared.warnings)
        std::fprintf(stderr, "portico: config warning: %s\n", qPrintable(w));
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
