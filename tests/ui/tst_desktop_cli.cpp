// The desktop program's one-shot commands: --import and --export work as in porticod, and
// without --db they use the default store in the user's data directory.

#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QtTest>

namespace {

struct RunResult
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

const char kConfig[] = "format_version: 1\n"
                       "services: [{name: users, url: \"http://127.0.0.1:9\"}]\n"
                       "routes: [{name: users, paths: [/users], service: users}]\n"
                       "consumers: [{name: app, keys: [{key: desktop-secret-key}]}]\n";

} // namespace

class TestDesktopCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void importAndExport();
    void defaultStoreLivesInTheDataDirectory();
    void oneShotCommandsNeedNoDisplay();

private:
    RunResult run(const QStringList &args, bool display = true);
    QString write(const QString &name, const QByteArray &content);
    QByteArray read(const QString &name);

    QTemporaryDir m_dir;
    QString m_binary;
};

void TestDesktopCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_binary = qEnvironmentVariable("PORTICO_BINARY");
    QVERIFY2(QFile::exists(m_binary), "PORTICO_BINARY does not name the desktop program");
}

// display false: no X or Wayland display and no platform chosen, as over SSH.
RunResult TestDesktopCli::run(const QStringList &args, bool display)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (display) {
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    } else {
        for (const char *name : {"QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"})
            env.remove(QLatin1String(name));
    }
    // The default store goes where XDG says: keep it in this test's directory.
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
    process.setProcessEnvironment(env);
    process.start(m_binary, args);
    RunResult result;
    if (process.waitForFinished(30'000) && process.exitStatus() == QProcess::NormalExit)
        result.exitCode = process.exitCode();
    else
        process.kill();
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

void TestDesktopCli::oneShotCommandsNeedNoDisplay()
{
    const RunResult version = run({QStringLiteral("--version")}, false);
    QCOMPARE(version.exitCode, 0);
    QVERIFY2(version.out.startsWith("portico "), version.out + version.err);
    const RunResult help = run({QStringLiteral("--help")}, false);
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.out.contains("--export"));
    const QString config = write(QStringLiteral("headless.yaml"), kConfig);
    const RunResult exported = run({QStringLiteral("--config"), config, QStringLiteral("--export"),
                                    m_dir.filePath(QStringLiteral("headless-out.yaml"))},
                                   false);
    QVERIFY2(exported.exitCode == 0, exported.err);
    QVERIFY(read(QStringLiteral("headless-out.yaml")).contains("name: users"));
}

QString TestDesktopCli::write(const QString &name, const QByteArray &content)
{
    QFile file(m_dir.filePath(name));
    if (file.open(QIODevice::WriteOnly))
        file.write(content);
    return file.fileName();
}

QByteArray TestDesktopCli::read(const QString &name)
{
    QFile file(m_dir.filePath(name));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void TestDesktopCli::importAndExport()
{
    const QString source = write(QStringLiteral("in.yaml"), kConfig);
    const QString db = m_dir.filePath(QStringLiteral("desk.db"));
    RunResult r = run({QStringLiteral("--db"), db, QStringLiteral("--import"), source});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    r = run({QStringLiteral("--db"), db, QStringLiteral("--export"),
             m_dir.filePath(QStringLiteral("out.json"))});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QByteArray json = read(QStringLiteral("out.json"));
    QVERIFY(json.contains("\"paths\": [\n        \"/users\"\n      ]"));
    QVERIFY(!json.contains("desktop-secret-key"));

    r = run({QStringLiteral("--config"), source, QStringLiteral("--export"),
             m_dir.filePath(QStringLiteral("k.yaml")), QStringLiteral("--format"),
             QStringLiteral("kong")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(read(QStringLiteral("k.yaml")).contains("_format_version"));
    QVERIFY(r.err.contains("not carried over"));
}

void TestDesktopCli::defaultStoreLivesInTheDataDirectory()
{
    const QString out = m_dir.filePath(QStringLiteral("default.yaml"));
    RunResult r = run({QStringLiteral("--export"), out});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("no store at "), r.err.constData());

    r = run({QStringLiteral("--import"), write(QStringLiteral("d.yaml"), kConfig)});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QString expected = m_dir.filePath(QStringLiteral("data/Portico/portico/portico.db"));
    QVERIFY2(QFile::exists(expected), qPrintable(QString::fromUtf8(r.out)));
    r = run({QStringLiteral("--export"), out});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(read(QStringLiteral("default.yaml")).contains("name: users"));
}

QTEST_GUILESS_MAIN(TestDesktopCli)
#include "tst_desktop_cli.moc"
