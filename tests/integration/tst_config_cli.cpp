// porticod with a store: --db, --import, --export (native formats here; the foreign ones have
// their own tests), the Admin API of a running daemon writing to its file, and a second process
// writing the same file while the daemon runs.

#include "PorticodProcess.h"
#include "RawHttpClient.h"
#include "TestBackend.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace portico;
using namespace portico::test;

namespace {

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QByteArray configFor(const QString &backendUrl, const QByteArray &path)
{
    return "format_version: 1\n"
           "settings: {listen: \"127.0.0.1:0\", workers: 1}\n"
           "services:\n"
           "  - {name: backend, url: \""
        + backendUrl.toUtf8()
        + "\"}\n"
          "routes:\n"
          "  - {name: main, paths: ["
        + path
        + "], service: backend}\n"
          "consumers:\n"
          "  - name: app\n"
          "    keys: [{key: app-secret-key-1}]\n";
}

int statusOf(quint16 port, const QByteArray &path)
{
    RawHttpClient client(port);
    const RawResponse r = client.get(path);
    return r.ok ? r.status : 0;
}

} // namespace

class TestConfigCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void exportImportExportIsByteIdentical();
    void invalidImportChangesNothing();
    void formatsAndUsageErrors();
    void foreignFormats();
    void daemonServesItsStoreAndAdminEditsPersist();
    void anotherWriterReachesARunningDaemon();

private:
    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString write(const QString &name, const QByteArray &content);

    QTemporaryDir m_dir;
    TestBackend m_backend;
};

void TestConfigCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFile::exists(PorticodProcess::binaryPath()), "PORTICOD_BINARY does not exist");
}

QString TestConfigCli::write(const QString &name, const QByteArray &content)
{
    QFile file(path(name));
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(content);
    return file.fileName();
}

void TestConfigCli::exportImportExportIsByteIdentical()
{
    const QString source = write(QStringLiteral("source.yaml"),
                                 configFor(m_backend.url(), "/users"));
    const QString db = path(QStringLiteral("a.db"));
    ProgramRun imported = runPorticod({"--db", db, "--import", source});
    QVERIFY2(imported.exitCode == 0, imported.err.constData());
    QVERIFY(imported.out.contains("(revision 2)")); // 1 is the empty store it was created as

    for (const char *suffix : {".yaml", ".json"}) {
        const QString first = path(QStringLiteral("first") + QLatin1String(suffix));
        const QString second = path(QStringLiteral("second") + QLatin1String(suffix));
        const QString otherDb = path(QStringLiteral("b") + QLatin1String(suffix) + ".db");
        QCOMPARE(runPorticod({"--db", db, "--export", first}).exitCode, 0);
        const ProgramRun again = runPorticod({"--db", otherDb, "--import", first});
        QVERIFY2(again.exitCode == 0, again.err.constData());
        QCOMPARE(runPorticod({"--db", otherDb, "--export", second}).exitCode, 0);
        QVERIFY(!readAll(first).isEmpty());
        QCOMPARE(readAll(second), readAll(first));
        // The plaintext key went in; only its hash comes out.
        QVERIFY(!readAll(first).contains("app-secret-key-1"));
        QVERIFY(readAll(first).contains("sha256:"));
    }
    // --config works as the source as well, and importing the same thing twice changes nothing.
    QCOMPARE(runPorticod({"--config", source, "--export", path("from-config.yaml")}).exitCode, 0);
    const ProgramRun same = runPorticod({"--db", db, "--import", path("first.yaml")});
    QCOMPARE(same.exitCode, 0);
    QVERIFY2(same.out.contains("already"), same.out.constData());
}

void TestConfigCli::invalidImportChangesNothing()
{
    const QString db = path(QStringLiteral("c.db"));
    QCOMPARE(runPorticod({"--db", db, "--import",
                          write("ok.yaml", configFor(m_backend.url(), "/ok"))})
                 .exitCode,
             0);
    QCOMPARE(runPorticod({"--db", db, "--export", path("before.yaml")}).exitCode, 0);

    QByteArray broken = configFor(m_backend.url(), "\"~^/x(\"");
    broken.replace("workers: 1", "workers: many");
    const ProgramRun refused = runPorticod({"--db", db, "--import", write("bad.yaml", broken)});
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(refused.err.contains("settings.workers: expected an integer"), refused.err);
    QVERIFY2(refused.err.contains("routes[0].paths[0]: invalid regex"), refused.err);
    QVERIFY(refused.err.contains("nothing was imported"));

    QCOMPARE(runPorticod({"--db", db, "--export", path("after.yaml")}).exitCode, 0);
    QCOMPARE(readAll(path("after.yaml")), readAll(path("before.yaml")));

    // Exporting never creates a store.
    const ProgramRun missing =
        runPorticod({"--db", path("nope.db"), "--export", path("x.yaml")});
    QCOMPARE(missing.exitCode, 1);
    QVERIFY(missing.err.contains("no store at"));
    QVERIFY(!QFile::exists(path("nope.db")));
}

void TestConfigCli::formatsAndUsageErrors()
{
    const QString source = write("fmt.yaml", configFor(m_backend.url(), "/f"));
    ProgramRun r = runPorticod({"--config", source, "--export", path("out.txt")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("cannot tell the format"), r.err);
    r = runPorticod({"--config", source, "--export", path("out.txt"), "--format", "native"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(readAll(path("out.txt")).startsWith("format_version: 1\n"));
    r = runPorticod({"--config", source, "--export", path("x.json"), "--format", "openapi"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("can be imported, not exported"), r.err);
    r = runPorticod({"--db", path("d.db"), "--import", source, "--format", "nginx"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(!QFile::exists(path("d.db")));
    r = runPorticod({"--db", path("d.db"), "--import", source, "--format", "xml"});
    QCOMPARE(r.exitCode, 2);
    r = runPorticod({"--config", source, "--db", path("d.db")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("only one of --config, --db and --demo"), r.err);
    r = runPorticod({"--import", source});
    QCOMPARE(r.exitCode, 2);
}

void TestConfigCli::foreignFormats()
{
    const QString kong = QFINDTESTDATA("../data/foreign/kong.yaml");
    const QString petstore = QFINDTESTDATA("../data/foreign/petstore.yaml");
    QVERIFY(!kong.isEmpty() && !petstore.isEmpty());
    const QString db = path(QStringLiteral("foreign.db"));

    // Kong in: keys hashed, and what Kong had that Portico cannot carry is reported.
    const ProgramRun fromKong = runPorticod({"--db", db, "--import", kong, "--format", "kong"});
    QVERIFY2(fromKong.exitCode == 0, fromKong.err.constData());
    QVERIFY2(fromKong.err.contains("portico: not carried over: "), fromKong.err.constData());
    QCOMPARE(runPorticod({"--db", db, "--export", path("k.yaml")}).exitCode, 0);
    QVERIFY(readAll(path("k.yaml")).contains("sha256:"));

    // OpenAPI adds routes for the service it is given.
    ProgramRun r = runPorticod({"--db", db, "--import", petstore, "--format", "openapi"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("--service"), r.err.constData());
    r = runPorticod(
        {"--db", db, "--import", petstore, "--format", "openapi", "--service", "petstore"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(runPorticod({"--db", db, "--export", path("p.json")}).exitCode, 0);
    QVERIFY(readAll(path("p.json")).contains("\"service\": \"petstore\""));

    // Kong and nginx out.
    r = runPorticod({"--db", db, "--export", path("kong-out.yaml"), "--format", "kong"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(readAll(path("kong-out.yaml")).startsWith("_format_version: \"3.0\""));
    QVERIFY2(r.err.contains("not carried over: "), r.err.constData()); // keys, at least
    r = runPorticod({"--db", db, "--export", path("nginx.conf"), "--format", "nginx"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(readAll(path("nginx.conf")).contains("upstream "));
}

void TestConfigCli::daemonServesItsStoreAndAdminEditsPersist()
{
    const QString db = path(QStringLiteral("run.db"));
    QCOMPARE(runPorticod({"--db", db, "--import",
                          write("run.yaml", configFor(m_backend.url(), "/users"))})
                 .exitCode,
             0);
    {
        PorticodProcess daemon;
        QVERIFY2(daemon.start({"--db", db}), qPrintable(daemon.errorString()));
        QVERIFY(daemon.adminPort() != 0);
        QVERIFY(daemon.stdoutText().contains(db.toUtf8()));
        QCOMPARE(statusOf(daemon.port(), "/users/1"), 200);
        QCOMPARE(statusOf(daemon.port(), "/orders/1"), 404);

        RawHttpClient admin(daemon.adminPort());
        const RawResponse added = admin.request(
            "POST", "/routes", R"({"name": "orders", "paths": ["/orders"], "service": "backend"})",
            {{"Content-Type", "application/json"}});
        QCOMPARE(added.status, 201);
        QCOMPARE(statusOf(daemon.port(), "/orders/1"), 200);
        QCOMPARE(daemon.terminate(), 0);
    }
    // The edit is in the file: a new daemon serves it.
    PorticodProcess again;
    QVERIFY2(again.start({"--db", db}), qPrintable(again.errorString()));
    QCOMPARE(statusOf(again.port(), "/orders/1"), 200);
    QCOMPARE(again.terminate(), 0);
}

void TestConfigCli::anotherWriterReachesARunningDaemon()
{
    const QString db = path(QStringLiteral("shared.db"));
    QCOMPARE(runPorticod({"--db", db, "--import",
                          write("shared.yaml", configFor(m_backend.url(), "/before"))})
                 .exitCode,
             0);
    PorticodProcess daemon;
    QVERIFY2(daemon.start({"--db", db}), qPrintable(daemon.errorString()));
    QCOMPARE(statusOf(daemon.port(), "/before/1"), 200);

    // A second process imports into the same file while the daemon runs.
    const ProgramRun imported = runPorticod(
        {"--db", db, "--import", write("next.yaml", configFor(m_backend.url(), "/after"))});
    QVERIFY2(imported.exitCode == 0, imported.err.constData());

    // The daemon notices within about a second (it checks the file's data version).
    const QDeadlineTimer deadline(5000);
    while (statusOf(daemon.port(), "/after/1") != 200 && !deadline.hasExpired())
        QTest::qWait(50);
    QCOMPARE(statusOf(daemon.port(), "/after/1"), 200);
    QCOMPARE(statusOf(daemon.port(), "/before/1"), 404);

    // And its Admin API reads the new revision: no edit of its own can overwrite the import.
    RawHttpClient admin(daemon.adminPort());
    const RawResponse route = admin.get("/routes/main");
    QVERIFY(route.body.contains("/after"));
    QCOMPARE(daemon.terminate(), 0);
}

QTEST_GUILESS_MAIN(TestConfigCli)
#include "tst_config_cli.moc"
