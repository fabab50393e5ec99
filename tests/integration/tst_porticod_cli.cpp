// porticod as a program: options, exit codes, error messages, serving, graceful SIGTERM and
// SIGHUP reloads. Drives the real binary ($PORTICOD_BINARY) against in-process backends.
#include "PorticodProcess.h"
#include "certs/LocalCa.h"
#include "config/DeclarativeFormat.h"
#include "TestCertificate.h"
#include "RawHttpClient.h"
#include "TestBackend.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <sys/types.h>

using namespace portico;
using namespace portico::test;

namespace {

constexpr int kExitTimeoutMs = 10'000;

// One service on `backendUrl` and one route per path prefix, each stripping its prefix so
// "/old/json" reaches the backend as "/json".
QByteArray configFor(const QString &backendUrl, const QStringList &prefixes)
{
    QString yaml = QStringLiteral("format_version: 1\n"
                                  "settings: {listen: \"127.0.0.1:0\", workers: 2,"
                                  " shutdown_timeout_ms: 5000}\n"
                                  "services:\n"
                                  "  - {name: backend, url: \"%1\"}\n"
                                  "routes:\n")
                       .arg(backendUrl);
    for (const QString &prefix : prefixes) {
        yaml += QStringLiteral("  - {name: %1, paths: [/%1], strip_path: true, service: backend}\n")
                    .arg(prefix);
    }
    return yaml.toUtf8();
}

bool sendSignal(const PorticodProcess &process, int signal)
{
    return process.pid() > 0 && ::kill(pid_t(process.pid()), signal) == 0;
}

// Status of one GET on a fresh connection; 0 when no complete response came back.
int statusOf(quint16 port, const QByteArray &path)
{
    RawHttpClient client(port);
    const RawResponse r = client.get(path);
    return r.ok ? r.status : 0;
}

} // namespace

class TestPorticodCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void versionAndHelp();
    void invalidConfigNamesEachField();
    void yamlSyntaxErrorHasLine();
    void busyPortExitsOne();
    void servesAndStopsGracefully();
    void reloadSwitchesRouting();
    void reloadWithErrorsKeepsOldConfig();
    void exampleConfigStarts();
    void adminApiCanBeOff();
    void tlsCertificateFromFiles();
    void localCaServesHttps();
    void exportLeavesPrivateKeysOut();
    void expiringCertificatesAreLogged();

private:
    QString writeConfig(const QString &name, const QByteArray &content);
    // Starts porticod on `configPath` and checks its "listening on" line.
    bool startDaemon(PorticodProcess &process, const QString &configPath);

    QTemporaryDir m_dir;
};

void TestPorticodCli::initTestCase()
{
    QVERIFY2(!PorticodProcess::binaryPath().isEmpty(), "PORTICOD_BINARY is not set");
    QVERIFY2(QFile::exists(PorticodProcess::binaryPath()), "PORTICOD_BINARY does not exist");
    QVERIFY(m_dir.isValid());
}

QString TestPorticodCli::writeConfig(const QString &name, const QByteArray &content)
{
    const QString path = m_dir.filePath(name);
    QFile file(path);
    // Rewritten in place, the way an operator edits the file before sending SIGHUP.
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || file.write(content) != content.size())
        return {};
    return path;
}

bool TestPorticodCli::startDaemon(PorticodProcess &process, const QString &configPath)
{
    if (!process.start({QStringLiteral("--config"), configPath, QStringLiteral("--listen"),
                        QStringLiteral("127.0.0.1:0")},
                       kExitTimeoutMs)) {
        qWarning("porticod did not start: %s", qPrintable(process.errorString()));
        return false;
    }
    // The exact line scripts rely on, with the port the kernel picked.
    static const QRegularExpression kLine(
        QStringLiteral(R"(^listening on http://127\.0\.0\.1:(\d+)$)"),
        QRegularExpression::MultilineOption);
    const QRegularExpressionMatch m = kLine.match(QString::fromUtf8(process.stdoutText()));
    if (!m.hasMatch() || m.captured(1).toUInt() != process.port() || process.port() == 0) {
        qWarning("unexpected stdout: %s", process.stdoutText().constData());
        return false;
    }
    return true;
}

void TestPorticodCli::versionAndHelp()
{
    const ProgramRun version = runPorticod({QStringLiteral("--version")});
    QCOMPARE(version.exitCode, 0);
    QVERIFY2(version.out.startsWith("porticod "), version.out.constData());

    const ProgramRun help = runPorticod({QStringLiteral("--help")});
    QCOMPARE(help.exitCode, 0);
    for (const char *option :
         {"--config", "--demo", "--listen", "--workers", "--admin", "--tls-cert", "--tls-key"})
        QVERIFY2(help.out.contains(option), option);
    QVERIFY2(help.out.contains("SIGHUP"), help.out.constData());
}

void TestPorticodCli::invalidConfigNamesEachField()
{
    const QString path = writeConfig(QStringLiteral("invalid.yaml"), R"(format_version: 1
services:
  - name: users
    url: http://127.0.0.1:9
    timeout_ms: 100
routes:
  - name: users
    paths: [/users]
    service: users
  - name: broken
    paths: ["~^/x/([0-9]+$"]
    service: nowhere
)");
    QVERIFY(!path.isEmpty());
    const ProgramRun r = runPorticod({QStringLiteral("--config"), path, QStringLiteral("--listen"),
                                     QStringLiteral("127.0.0.1:0")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.out.isEmpty(), r.out.constData()); // never got as far as listening
    QVERIFY2(r.err.contains("portico: config error: services[0].timeout_ms: unknown field\n"),
             r.err.constData());
    QVERIFY2(r.err.contains("portico: config error: routes[1].paths[0]: invalid regex: "),
             r.err.constData());
    QVERIFY2(
        r.err.contains("portico: config error: routes[1].service: unknown service \"nowhere\"\n"),
        r.err.constData());
    QCOMPARE(r.err.count("config error:"), 3);
}

void TestPorticodCli::yamlSyntaxErrorHasLine()
{
    const QString path = writeConfig(QStringLiteral("syntax.yaml"),
                                     "format_version: 1\n"
                                     "settings:\n"
                                     "  listen: a: b\n"
                                     "routes: []\n");
    QVERIFY(!path.isEmpty());
    const ProgramRun r = runPorticod({QStringLiteral("--config"), path});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("portico: config error: syntax error at line 3, column "),
             r.err.constData());
}

void TestPorticodCli::busyPortExitsOne()
{
    QTcpServer occupier;
    QVERIFY(occupier.listen(QHostAddress::LocalHost, 0));
    const QString address = QStringLiteral("127.0.0.1:%1").arg(occupier.serverPort());
    const QString path =
        writeConfig(QStringLiteral("busy.yaml"),
                    configFor(QStringLiteral("http://127.0.0.1:9"), {QStringLiteral("api")}));
    QVERIFY(!path.isEmpty());
    const ProgramRun r =
        runPorticod({QStringLiteral("--config"), path, QStringLiteral("--listen"), address});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.startsWith("portico: cannot listen on " + address.toUtf8() + ": "),
             r.err.constData());
    QVERIFY2(r.err.contains("in use"), r.err.constData());
    QVERIFY2(!r.out.contains("listening on"), r.out.constData());
}

void TestPorticodCli::servesAndStopsGracefully()
{
    TestBackend backend(QStringLiteral("origin"));
    const QString path = writeConfig(QStringLiteral("serve.yaml"),
                                     configFor(backend.url(), {QStringLiteral("api")}));
    QVERIFY(!path.isEmpty());
    PorticodProcess daemon;
    QVERIFY(startDaemon(daemon, path));

    RawHttpClient client(daemon.port());
    const RawResponse first = client.get("/api/json");
    QVERIFY2(first.ok, qPrintable(first.error));
    QCOMPARE(first.status, 200);
    QCOMPARE(first.header("X-Backend"), QByteArray("origin"));
    QCOMPARE(first.json().value("path").toString(), QStringLiteral("/json"));

    // A slow request is in flight at the backend when SIGTERM arrives: it must still complete.
    backend.clear();
    RawHttpClient slow(daemon.port());
    QVERIFY(slow.send(RawHttpClient::buildRequest("GET", "/api/delay/500", daemon.port())));
    QVERIFY(backend.waitForRequests(1, 5000));
    QElapsedTimer sinceSignal;
    sinceSignal.start();
    QVERIFY(sendSignal(daemon, SIGTERM));
    const RawResponse late = slow.readResponse(5000);
    QVERIFY2(late.ok, qPrintable(late.error));
    QCOMPARE(late.status, 200);
    QCOMPARE(daemon.waitForExit(5000), 0);
    QVERIFY2(sinceSignal.elapsed() < 5000, "shutdown took too long");
    QVERIFY(daemon.stdoutText().contains("stopping (SIGTERM)"));
}

void TestPorticodCli::reloadSwitchesRouting()
{
    TestBackend backend(QStringLiteral("origin"));
    const QString path = writeConfig(QStringLiteral("reload.yaml"),
                                     configFor(backend.url(), {QStringLiteral("old")}));
    QVERIFY(!path.isEmpty());
    PorticodProcess daemon;
    QVERIFY(startDaemon(daemon, path));
    const quint16 port = daemon.port();
    QCOMPARE(statusOf(port, "/new/json"), 404);

    // A request in flight across the swap keeps the snapshot it started with.
    RawHttpClient slow(port);
    QVERIFY(slow.send(RawHttpClient::buildRequest("GET", "/old/delay/300", port)));

    QVERIFY(!writeConfig(QStringLiteral("reload.yaml"),
                         configFor(backend.url(), {QStringLiteral("old"), QStringLiteral("new")}))
                 .isEmpty());

    // Keep-alive traffic on the old route before, during and after the swap: none may fail.
    constexpr int kBeforeSignal = 10;
    constexpr int kAfterSwitch = 10;
    RawHttpClient keepAlive(port);
    int oldRequests = 0;
    int afterSwitch = -1; // counts once the new route answered
    const QDeadlineTimer deadline(10'000);
    while (afterSwitch < kAfterSwitch && !deadline.hasExpired()) {
        const RawResponse r = keepAlive.get("/old/json");
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.status, 200);
        if (++oldRequests == kBeforeSignal)
            QVERIFY(sendSignal(daemon, SIGHUP));
        if (afterSwitch >= 0) {
            ++afterSwitch;
        } else if (oldRequests >= kBeforeSignal) {
            const int status = statusOf(port, "/new/json");
            QVERIFY2(status == 404 || status == 200, qPrintable(QString::number(status)));
            if (status == 200)
                afterSwitch = 0;
        }
    }
    QVERIFY2(afterSwitch >= 0, "the new route never answered");
    QCOMPARE(afterSwitch, kAfterSwitch);
    QVERIFY(daemon.waitForOutput("reloaded configuration (revision 2)", 5000));

    const RawResponse late = slow.readResponse(5000);
    QVERIFY2(late.ok, qPrintable(late.error));
    QCOMPARE(late.status, 200);
    QCOMPARE(keepAlive.get("/old/json").status, 200); // same connection, new snapshot
    QCOMPARE(keepAlive.get("/new/json").status, 200);
    QVERIFY2(daemon.stderrText().isEmpty(), daemon.stderrText().constData());
    QCOMPARE(daemon.terminate(kExitTimeoutMs), 0);
}

void TestPorticodCli::reloadWithErrorsKeepsOldConfig()
{
    TestBackend backend(QStringLiteral("origin"));
    const QString path =
        writeConfig(QStringLiteral("keep.yaml"), configFor(backend.url(), {QStringLiteral("old")}));
    QVERIFY(!path.isEmpty());
    PorticodProcess daemon;
    QVERIFY(startDaemon(daemon, path));
    const quint16 port = daemon.port();

    // A new route next to one whose regex does not compile: all or nothing.
    QByteArray broken = configFor(backend.url(), {QStringLiteral("old"), QStringLiteral("new")});
    broken += "  - name: bad\n    paths: [\"~(\"]\n    service: backend\n";
    QVERIFY(!writeConfig(QStringLiteral("keep.yaml"), broken).isEmpty());
    QVERIFY(sendSignal(daemon, SIGHUP));
    QVERIFY(daemon.waitForOutput("reload failed", 5000));
    const QByteArray err = daemon.stderrText();
    QVERIFY2(err.contains("portico: config error: routes[2].paths[0]: invalid regex: "),
             err.constData());
    QVERIFY2(err.contains("still running revision 1"), err.constData());
    QVERIFY(daemon.isRunning());
    QCOMPARE(statusOf(port, "/old/json"), 200);
    QCOMPARE(statusOf(port, "/new/json"), 404);

    // A YAML syntax error is refused the same way.
    QVERIFY(!writeConfig(QStringLiteral("keep.yaml"), "format_version: 1\nroutes: [\n").isEmpty());
    QVERIFY(sendSignal(daemon, SIGHUP));
    QVERIFY(daemon.waitForOutput("syntax error at line", 5000));
    QCOMPARE(statusOf(port, "/old/json"), 200);

    // Fixed, it applies; the refused attempts did not use up a version.
    QVERIFY(!writeConfig(QStringLiteral("keep.yaml"),
                         configFor(backend.url(), {QStringLiteral("old"), QStringLiteral("new")}))
                 .isEmpty());
    QVERIFY(sendSignal(daemon, SIGHUP));
    QVERIFY(daemon.waitForOutput("reloaded configuration (revision 2)", 5000));
    QCOMPARE(statusOf(port, "/new/json"), 200);
    QCOMPARE(daemon.terminate(kExitTimeoutMs), 0);
}

void TestPorticodCli::exampleConfigStarts()
{
    // The shipped example must keep passing validation as the format evolves.
    const QString example = QFINDTESTDATA("../../examples/portico.yaml");
    QVERIFY2(!example.isEmpty(), "examples/portico.yaml not found");
    PorticodProcess daemon;
    QVERIFY(startDaemon(daemon, example));
    QVERIFY2(daemon.stderrText().isEmpty(), daemon.stderrText().constData());
    QCOMPARE(statusOf(daemon.port(), "/no-such-route"), 404);
    QCOMPARE(daemon.terminate(kExitTimeoutMs), 0);
}

void TestPorticodCli::adminApiCanBeOff()
{
    TestBackend backend;
    QByteArray yaml = configFor(backend.url(), {QStringLiteral("api")});
    yaml.replace("settings: {", "settings: {admin_listen: \"\", ");
    const QString path = writeConfig(QStringLiteral("no-admin.yaml"), yaml);
    PorticodProcess daemon;
    // An empty --admin overrides nothing: the file's empty admin_listen turns the API off.
    QVERIFY2(daemon.start({QStringLiteral("--config"), path, QStringLiteral("--listen"),
                           QStringLiteral("127.0.0.1:0"), QStringLiteral("--admin"), QString()},
                          kExitTimeoutMs),
             qPrintable(daemon.errorString()));
    QVERIFY2(daemon.stdoutText().contains("admin API off (store: in memory"),
             daemon.stdoutText().constData());
    QCOMPARE(daemon.adminPort(), quint16(0));
    QCOMPARE(statusOf(daemon.port(), "/api/json"), 200);
    QVERIFY(sendSignal(daemon, SIGTERM));
    QCOMPARE(daemon.waitForExit(kExitTimeoutMs), 0);
}

void TestPorticodCli::tlsCertificateFromFiles()
{
    const QString config =
        writeConfig(QStringLiteral("tls.yaml"),
                    configFor(QStringLiteral("http://127.0.0.1:9"), {QStringLiteral("api")}));
    const TestCertificate certificate = TestCertificate::selfSigned();
    const TestCertificate stranger = TestCertificate::selfSigned();
    const QString cert = writeConfig(QStringLiteral("cert.pem"), certificate.certificatePem);
    const QString key = writeConfig(QStringLiteral("key.pem"), certificate.keyPem);
    const QString strangerKey = writeConfig(QStringLiteral("stranger.pem"), stranger.keyPem);
    const QString listen = QStringLiteral("127.0.0.1:0");

    // One without the other is a usage error; a key of another certificate says so.
    const ProgramRun alone =
        runPorticod({"--config", config, "--listen", listen, "--tls-cert", cert});
    QCOMPARE(alone.exitCode, 2);
    QVERIFY2(alone.err.contains("--tls-cert and --tls-key go together"), alone.err.constData());
    const ProgramRun mismatched = runPorticod(
        {"--config", config, "--listen", listen, "--tls-cert", cert, "--tls-key", strangerKey});
    QCOMPARE(mismatched.exitCode, 2);
    QVERIFY2(mismatched.err.contains("the key does not belong to the certificate"),
             mismatched.err.constData());
    const ProgramRun missing = runPorticod(
        {"--config", config, "--listen", listen, "--tls-cert", cert, "--tls-key", key + ".gone"});
    QCOMPARE(missing.exitCode, 1);
    QVERIFY2(missing.err.contains("cannot read " + (key + ".gone").toUtf8()),
             missing.err.constData());

    PorticodProcess daemon;
    QVERIFY2(daemon.start({"--config", config, "--listen", listen, "--tls-cert", cert,
                           "--tls-key", key}),
             qPrintable(daemon.errorString()));
    QVERIFY2(daemon.stdoutText().contains("listening on https://127.0.0.1:"),
             daemon.stdoutText().constData());
    // It answers in TLS: a plain request gets the listener's 400, in plain text.
    QTcpSocket plain;
    plain.connectToHost(QHostAddress::LocalHost, daemon.port());
    QVERIFY(plain.waitForConnected(5000));
    plain.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    QVERIFY(plain.waitForReadyRead(5000));
    QVERIFY2(plain.readAll().startsWith("HTTP/1.1 400"), "no 400 on the TLS port");
    QCOMPARE(daemon.terminate(), 0);
}

void TestPorticodCli::localCaServesHttps()
{
    QTemporaryDir caDir;
    QVERIFY(caDir.isValid());
    qputenv("PORTICO_CA_DIR", caDir.filePath(QStringLiteral("ca")).toUtf8());
    TestBackend backend;
    // HTTPS configured before there is a certificate for it: issuing the first one cures that.
    const QString config = writeConfig(
        QStringLiteral("https.yaml"),
        configFor(backend.url(), {QStringLiteral("api")})
            .replace("workers: 2,", "workers: 2, listen_tls: \"127.0.0.1:0\","));

    const ProgramRun issued = runPorticod(
        {"--config", config, "--issue-certificate", "localhost, 127.0.0.1", "--certificate-name",
         "dev"});
    QVERIFY2(issued.exitCode == 0, issued.err.constData());
    QVERIFY2(issued.out.contains("created the local development CA in"), issued.out.constData());
    QVERIFY2(issued.out.contains("certificate \"dev\" for localhost, 127.0.0.1, valid until "),
             issued.out.constData());
    QFile file(config);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray written = file.readAll();
    QVERIFY(written.contains("  - name: dev\n"));
    QVERIFY(written.contains("BEGIN PRIVATE KEY")); // the file is the configuration: key kept

    // Issued again: the CA is reused and the certificate replaced, not added.
    const ProgramRun again =
        runPorticod({"--config", config, "--issue-certificate", "localhost", "--certificate-name",
                     "dev"});
    QVERIFY2(again.exitCode == 0, again.err.constData());
    QVERIFY(!again.out.contains("created the local development CA"));
    file.seek(0);
    QCOMPARE(file.readAll().count("- name: dev"), 1);

    const QString caFile = writeConfig(QStringLiteral("portico-ca.pem"), QByteArray());
    const ProgramRun exported = runPorticod({"--export-ca", caFile});
    QVERIFY2(exported.exitCode == 0, exported.err.constData());
    QVERIFY(exported.out.contains("update-ca-certificates"));
    QFile ca(caFile);
    QVERIFY(ca.open(QIODevice::ReadOnly));
    const QByteArray caPem = ca.readAll();
    QVERIFY(caPem.startsWith("-----BEGIN CERTIFICATE-----"));
    QVERIFY(!caPem.contains("PRIVATE KEY"));

    const ProgramRun badName =
        runPorticod({"--config", config, "--issue-certificate", "bad_name!"});
    QCOMPARE(badName.exitCode, 2);
    QVERIFY2(badName.err.contains("--issue-certificate: "), badName.err.constData());
    const ProgramRun noStore = runPorticod({"--issue-certificate", "localhost"});
    QCOMPARE(noStore.exitCode, 2);
    QVERIFY2(noStore.err.contains("needs --db FILE or --config FILE"), noStore.err.constData());
    qunsetenv("PORTICO_CA_DIR");

    // Served over HTTPS, trusted through the exported CA alone.
    PorticodProcess daemon;
    QVERIFY2(daemon.start({"--config", config}), qPrintable(daemon.errorString()));
    const QRegularExpressionMatch https =
        QRegularExpression(QStringLiteral(R"(listening on https://127\.0\.0\.1:(\d+))"))
            .match(QString::fromUtf8(daemon.stdoutText()));
    QVERIFY2(https.hasMatch(), daemon.stdoutText().constData());
    QSslSocket socket;
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates({QSslCertificate(caPem)});
    socket.setSslConfiguration(tls);
    socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), https.captured(1).toUShort(),
                                  QStringLiteral("localhost"));
    QVERIFY2(socket.waitForEncrypted(5000), qPrintable(socket.errorString()));
    socket.write("GET /api/json HTTP/1.1\r\nHost: localhost\r\n\r\n");
    QByteArray received;
    QDeadlineTimer deadline(5000);
    while (!received.contains("\r\n\r\n") && !deadline.hasExpired()) {
        socket.waitForReadyRead(100);
        received += socket.readAll();
    }
    QVERIFY2(received.startsWith("HTTP/1.1 200"), received.constData());
    QCOMPARE(daemon.terminate(), 0);
}

void TestPorticodCli::exportLeavesPrivateKeysOut()
{
    const TestCertificate certificate = TestCertificate::selfSigned();
    QByteArray yaml = configFor(QStringLiteral("http://127.0.0.1:9"), {QStringLiteral("api")});
    yaml += "certificates:\n  - name: local\n    certificate: |\n";
    for (const QByteArray &line : certificate.certificatePem.trimmed().split('\n'))
        yaml += "      " + line + "\n";
    yaml += "    key: |\n";
    for (const QByteArray &line : certificate.keyPem.trimmed().split('\n'))
        yaml += "      " + line + "\n";
    const QString config = writeConfig(QStringLiteral("keys.yaml"), yaml);

    const QString plain = writeConfig(QStringLiteral("export.yaml"), QByteArray());
    ProgramRun run = runPorticod({"--config", config, "--export", plain});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QFile exported(plain);
    QVERIFY(exported.open(QIODevice::ReadOnly));
    const QByteArray text = exported.readAll();
    QVERIFY(text.contains("BEGIN CERTIFICATE"));
    QVERIFY2(!text.contains("PRIVATE KEY"), text.constData());

    const QString withKeys = writeConfig(QStringLiteral("export-keys.yaml"), QByteArray());
    run = runPorticod({"--config", config, "--export", withKeys, "--include-keys"});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QFile keys(withKeys);
    QVERIFY(keys.open(QIODevice::ReadOnly));
    QVERIFY(keys.readAll().contains("BEGIN PRIVATE KEY"));

    run = runPorticod({"--config", config, "--include-keys"});
    QCOMPARE(run.exitCode, 2);
    QVERIFY(run.err.contains("--include-keys goes with --export"));
}

void TestPorticodCli::expiringCertificatesAreLogged()
{
    QTemporaryDir caDir;
    QString error;
    const std::optional<LocalCa> ca = LocalCa::create(caDir.path(), &error);
    QVERIFY2(ca, qPrintable(error));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const std::optional<IssuedCertificate> old =
        ca->issue({QStringLiteral("old.test")}, &error, now.addDays(-90), now.addDays(-3));
    QVERIFY2(old, qPrintable(error));
    const std::optional<IssuedCertificate> fresh = ca->issue({QStringLiteral("new.test")}, &error);
    QVERIFY2(fresh, qPrintable(error));
    Config config;
    config.settings.listen = QStringLiteral("127.0.0.1:0");
    config.settings.adminListen.clear();
    config.certificates = {
        {QStringLiteral("old"), {}, QString::fromUtf8(old->certificatePem),
         QString::fromUtf8(old->keyPem)},
        {QStringLiteral("new"), {}, QString::fromUtf8(fresh->certificatePem),
         QString::fromUtf8(fresh->keyPem)}};
    const QString path = writeConfig(QStringLiteral("expiring.yaml"),
                                     toDeclarativeYaml(config, PrivateKeys::Include));

    PorticodProcess daemon;
    QVERIFY2(daemon.start({"--config", path}), qPrintable(daemon.errorString()));
    QVERIFY2(daemon.waitForOutput("config warning: certificate \"old\" expired on "),
             daemon.stderrText().constData());
    QVERIFY(!daemon.stderrText().contains("certificate \"new\""));
    QCOMPARE(daemon.terminate(), 0);
}

QTEST_MAIN(TestPorticodCli)
#include "tst_porticod_cli.moc"
