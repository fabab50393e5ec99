#pragma once

#include "config/Config.h"

#include <QString>
#include <QStringList>

namespace portico {

class MockServices;

// Which program is parsing: they share options but differ in defaults.
enum class Program {
    Daemon,  // porticod: needs --config or --demo
    Desktop, // portico: runs the demo when no --config is given
};

struct CommandLineOptions
{
    QString configFile; // --config FILE (declarative YAML/JSON)
    QString dbFile;     // --db FILE (SQLite store); the desktop default is defaultStorePath()
    bool demo = false;  // --demo
    QString listen;     // --listen HOST:PORT; empty keeps the config's
    QString tlsCert;    // --tls-cert PEM: the listener speaks TLS with it (and --tls-key)
    QString tlsKey;     // --tls-key PEM
    QString admin;      // --admin HOST:PORT; empty keeps the config's
    int workers = -1;   // --workers N; -1 keeps the config's
    QString importFile; // --import FILE: into the --db store (or the --config file), then exit
    QString exportFile; // --export FILE: from the --db store (or --config, --demo), then exit
    QString format;     // --format native|kong|nginx|openapi; empty: from the file's extension
    QString service;    // --service NAME: the service an OpenAPI import routes to
    bool includeKeys = false; // --include-keys: a native --export carries private keys
    QString issueCertificate; // --issue-certificate NAMES: by the local CA, into the store
    QString certificateName;  // --certificate-name NAME: what it is stored as
    QString exportCa;         // --export-ca FILE: the local CA's certificate, then exit
};

struct CommandLineResult
{
    bool run = false; // false: exit now with exitCode (help, version, usage error)
    int exitCode = 0;
    CommandLineOptions options;
};

// Parses the arguments (arguments[0] is the program). Prints --help/--version to stdout and
// usage errors ("portico: ...") to stderr. Needs a Q(Core)Application for name and version.
CommandLineResult parseCommandLine(Program program, const QStringList &arguments);

// The configuration to run, or why there is none.
struct PreparedConfig
{
    Config config;
    QStringList errors;   // one line each, e.g. "config error: routes[3].paths[0]: invalid regex"
    QStringList warnings; // from loading the file
    int exitCode = 0;     // non-zero when errors is not empty: 2 bad config, 1 runtime failure
    bool ok() const { return errors.isEmpty(); }
};

// Loads --config, or starts `mocks` and builds the demo config for --demo, then applies the
// --listen/--admin/--workers overrides and validates the result. (--db stores are opened by
// StoreSetup.h.)
PreparedConfig prepareConfig(const CommandLineOptions &options, MockServices &mocks);

// --listen/--admin/--workers over a configuration: they change what runs, never what is stored.
void applyOverrides(const CommandLineOptions &options, Config &config);
// Checks the --listen/--admin values; errors are usage errors (exit code 2).
QStringList checkOverrides(const CommandLineOptions &options);

struct StartFailure
{
    QStringList lines;
    int exitCode = 1;
};

// After GatewayEngine::start() failed on a validated config: the lines to print and the exit
// code. A listen address that cannot be bound gives "cannot listen on HOST:PORT: ..." and 1;
// anything else is reported as a config error with 2.
StartFailure describeStartFailure(const Config &config, const ConfigErrors &errors);

// Prints each line as "portico: <line>" to stderr.
void printErrors(const QStringList &lines);
// Prints a line to stdout and flushes it: scripts and tests wait for these lines.
void printOut(const QString &line);

// Writes all or nothing: a failed write leaves any existing file as it was.
bool writeFileAtomically(const QString &path, const QByteArray &bytes, QString *error);

} // namespace portico
