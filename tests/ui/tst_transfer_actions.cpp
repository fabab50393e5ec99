// File ▸ Import and Export: the work runs on a thread of its own and reports back; an import
// stores everything or nothing (into a store file through a connection of its own, or into an
// in-memory store from the GUI thread), can be cancelled before it writes, and an export says
// what its format could not carry, and leaves certificates' private keys out unless asked.

#include "ControlRoomFixture.h"
#include "TransferActions.h"

#include "certs/LocalCa.h"
#include "config/DeclarativeFormat.h"

#include <QCheckBox>
#include <QFile>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace portico;

namespace {

Config twoRoutes()
{
    Config c;
    c.settings.listen = QStringLiteral("127.0.0.1:0");
    c.settings.adminListen = QString();
    c.services.push_back({QStringLiteral("users"), {{QStringLiteral("http://127.0.0.1:1"), 100}}});
    for (const char *name : {"a", "b"}) {
        RouteConfig r;
        r.name = QString::fromLatin1(name);
        r.paths = {QStringLiteral("/") + r.name};
        r.service = QStringLiteral("users");
        c.routes.push_back(r);
    }
    return c;
}

bool writeText(const QString &path, const QByteArray &text)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(text) == text.size();
}

ImportReport waitForImport(QSignalSpy &spy)
{
    if (!spy.wait(30'000))
        qFatal("the import did not finish");
    return spy.takeFirst().at(0).value<ImportReport>();
}

} // namespace

class TestTransferActions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void exportThenImportRoundTrips()
    {
        QTemporaryDir dir;
        ControlRoomFixture fixture(twoRoutes());
        QWidget window;
        TransferActions transfer(fixture.room(), &window);
        QSignalSpy exported(&transfer, &TransferActions::exportFinished);
        const QString path = dir.filePath(QStringLiteral("portico.yaml"));
        transfer.exportFile(path, TransferFormat::NativeYaml);
        QVERIFY(transfer.isBusy());
        QVERIFY(exported.wait(10'000));
        QCOMPARE(exported.at(0).at(0).toBool(), true);
        QVERIFY(!transfer.isBusy());
        QVERIFY(QFile::exists(path));

        // Change the configuration, then bring the export back.
        QVERIFY(fixture.config
                    ->edit(ConfigSource::Gui, QStringLiteral("route b deleted"), 0,
                           [](Config &c) {
                               c.routes.pop_back();
                               return EditOutcome{};
                           })
                    .ok());
        QSignalSpy imported(&transfer, &TransferActions::importFinished);
        transfer.importFile(path, TransferFormat::NativeYaml);
        const ImportReport report = waitForImport(imported);
        QVERIFY(report.stored);
        QVERIFY(report.errors.empty());
        QVERIFY(report.summary.contains(QStringLiteral("2 routes, 1 service, 0 consumers")));
        QCOMPARE(fixture.config->config().routes.size(), size_t(2));
        QCOMPARE(fixture.config->revision(), 3);
        QCOMPARE(fixture.config->store().history(1).front().source, ConfigSource::Import);
    }

    void foreignExportReportsWhatDidNotCarryOver()
    {
        QTemporaryDir dir;
        ControlRoomFixture fixture(twoRoutes());
        QWidget window;
        TransferActions transfer(fixture.room(), &window);
        QSignalSpy exported(&transfer, &TransferActions::exportFinished);
        transfer.exportFile(dir.filePath(QStringLiteral("nginx.conf")), TransferFormat::Nginx);
        QVERIFY(exported.wait(10'000));
        QCOMPARE(exported.at(0).at(0).toBool(), true);
        const QStringList notCarried = exported.at(0).at(2).toStringList();
        QVERIFY2(notCarried.join(u'\n').contains(QStringLiteral("settings.listen")),
                 qPrintable(notCarried.join(u'\n')));

        // A file that cannot be written: a failure that says why, nothing half-written.
        transfer.exportFile(dir.filePath(QStringLiteral("missing/dir/x.yaml")),
                            TransferFormat::NativeYaml);
        QVERIFY(exported.wait(10'000));
        QCOMPARE(exported.at(1).at(0).toBool(), false);
        QVERIFY(exported.at(1).at(1).toString().startsWith(QStringLiteral("Cannot write")));
    }

    void anInvalidFileChangesNothing()
    {
        QTemporaryDir dir;
        ControlRoomFixture fixture(twoRoutes());
        QWidget window;
        TransferActions transfer(fixture.room(), &window);
        const QString path = dir.filePath(QStringLiteral("bad.yaml"));
        QVERIFY(writeText(path, "format_version: 1\nroutes:\n  - { name: x, paths: [nope] }\n"));
        QSignalSpy imported(&transfer, &TransferActions::importFinished);
        transfer.importFile(path, TransferFormat::NativeYaml);
        const ImportReport report = waitForImport(imported);
        QVERIFY(!report.stored);
        QVERIFY(!report.errors.empty());
        QVERIFY(report.errors.front().path.startsWith(QStringLiteral("routes[0]")));
        QCOMPARE(fixture.config->revision(), 1);
        QCOMPARE(fixture.config->config().routes.size(), size_t(2));

        transfer.importFile(dir.filePath(QStringLiteral("absent.yaml")), TransferFormat::Kong);
        const ImportReport missing = waitForImport(imported);
        QVERIFY(missing.errors.front().message.startsWith(QStringLiteral("cannot read")));
    }

    void aStoreFileIsWrittenOffTheGuiThread()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("portico.db"));
        ControlRoomFixture fixture(twoRoutes(), db);
        QWidget window;
        TransferActions transfer(fixture.room(), &window);
        Config next = twoRoutes();
        next.routes[0].name = QStringLiteral("renamed");
        const QString path = dir.filePath(QStringLiteral("next.json"));
        QVERIFY(writeText(path, toDeclarativeJson(next)));
        QSignalSpy imported(&transfer, &TransferActions::importFinished);
        QSignalSpy changed(fixture.config.get(), &ConfigService::configChanged);
        transfer.importFile(path, TransferFormat::NativeJson);
        const ImportReport report = waitForImport(imported);
        QVERIFY(report.stored);
        // Written by the import's own connection, picked up by the window's service at once.
        QCOMPARE(changed.size(), 1);
        QCOMPARE(fixture.config->config().routes[0].name, QStringLiteral("renamed"));
    }

    void anImportCanBeCancelledBeforeItWrites()
    {
        QTemporaryDir dir;
        ControlRoomFixture fixture(twoRoutes());
        QWidget window;
        TransferActions transfer(fixture.room(), &window);
        // Large enough that reading and checking it takes a while.
        Config big = twoRoutes();
        for (int i = 0; i < 20'000; ++i) {
            ConsumerConfig c;
            c.name = QStringLiteral("consumer-%1").arg(i);
            big.consumers.append(c);
        }
        const QString path = dir.filePath(QStringLiteral("big.yaml"));
        QVERIFY(writeText(path, toDeclarativeYaml(big)));
        QSignalSpy imported(&transfer, &TransferActions::importFinished);
        transfer.importFile(path, TransferFormat::NativeYaml);
        transfer.cancel();
        const ImportReport report = waitForImport(imported);
        QVERIFY(report.cancelled);
        QVERIFY(!report.stored);
        QCOMPARE(fixture.config->revision(), 1);
        QCOMPARE(fixture.config->config().consumers.size(), 0);
    }

    void privateKeysAreExportedOnlyWhenAskedFor()
    {
        QTemporaryDir dir;
        QTemporaryDir caDir;
        QString error;
        const std::optional<LocalCa> ca = LocalCa::loadOrCreate(caDir.path(), &error);
        QVERIFY2(ca, qPrintable(error));
        const std::optional<IssuedCertificate> issued =
            ca->issue({QStringLiteral("localhost")}, &error);
        QVERIFY2(issued, qPrintable(error));
        Config config = twoRoutes();
        config.certificates.push_back({QStringLiteral("local"),
                                       {},
                                       QString::fromLatin1(issued->certificatePem),
                                       QString::fromLatin1(issued->keyPem)});
        ControlRoomFixture fixture(config);
        QWidget window;
        TransferActions transfer(fixture.room(), &window);
        QSignalSpy exported(&transfer, &TransferActions::exportFinished);
        const auto exportedText = [&](const QString &name) {
            QFile file(dir.filePath(name));
            return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
        };

        // Asked, unchecked by default: the key stays out.
        QMessageBox *box = transfer.exportAskingForKeys(dir.filePath(QStringLiteral("a.yaml")),
                                                        TransferFormat::NativeYaml);
        QVERIFY(box);
        auto *include = box->findChild<QCheckBox *>(QStringLiteral("includePrivateKeys"));
        QVERIFY(include);
        QVERIFY(!include->isChecked());
        box->findChild<QPushButton *>(QStringLiteral("exportKeysQuestionExport"))->click();
        QVERIFY(exported.wait(10'000));
        QVERIFY(exportedText(QStringLiteral("a.yaml")).contains("BEGIN CERTIFICATE"));
        QVERIFY(!exportedText(QStringLiteral("a.yaml")).contains("PRIVATE KEY"));

        // Checked: the key is in the file, and it imports anywhere.
        box = transfer.exportAskingForKeys(dir.filePath(QStringLiteral("b.json")),
                                           TransferFormat::NativeJson);
        QVERIFY(box);
        box->findChild<QCheckBox *>(QStringLiteral("includePrivateKeys"))->setChecked(true);
        box->findChild<QPushButton *>(QStringLiteral("exportKeysQuestionExport"))->click();
        QVERIFY(exported.wait(10'000));
        QVERIFY(exported.last().at(1).toString().contains(QStringLiteral("private keys included")));
        QVERIFY(exportedText(QStringLiteral("b.json")).contains("PRIVATE KEY"));

        // Cancel: nothing written.
        box = transfer.exportAskingForKeys(dir.filePath(QStringLiteral("c.yaml")),
                                           TransferFormat::NativeYaml);
        box->button(QMessageBox::Cancel)->click();
        QTest::qWait(50);
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("c.yaml"))));

        // A foreign format has no keys to offer, and the call exports at once.
        QVERIFY(!transfer.exportAskingForKeys(dir.filePath(QStringLiteral("n.conf")),
                                              TransferFormat::Nginx));
        QVERIFY(exported.wait(10'000));
        QCOMPARE(exported.size(), 3);
    }
};

QTEST_MAIN(TestTransferActions)
#include "tst_transfer_actions.moc"
