// The services page: the service and target tables with live target health and figures (from
// the engine's traffic samples),
// the service editor, delete (refused while routes use the service) and the canary slider.

#include "ControlRoomFixture.h"
#include "RawHttpClient.h"
#include "TestBackend.h"
#include "TestCertificate.h"
#include "dialogs/ServiceEditorDialog.h"
#include "models/ServiceTableModel.h"
#include "models/TargetTableModel.h"
#include "pages/ServicesPage.h"
#include "views/CanarySplit.h"
#include "views/EmptyState.h"

#include "config/Snapshot.h"
#include "net/Deadline.h"
#include "net/GatewayEngine.h"
#include "proxy/TargetHealthReport.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTcpServer>
#include <QTest>

using namespace portico;
using namespace portico::test;

namespace {

Config configFor(const QString &stableUrl, const QString &canaryUrl)
{
    Config c;
    c.settings.listen = QStringLiteral("127.0.0.1:0");
    c.settings.adminListen = QStringLiteral("127.0.0.1:0");
    c.settings.workers = 1;
    c.settings.ejectAfterFailures = 1;
    c.settings.ejectDurationMs = 60'000;
    ServiceConfig payments{QStringLiteral("payments"), {{stableUrl, 90}, {canaryUrl, 10}}};
    ServiceConfig spare{QStringLiteral("spare"), {{stableUrl, 100}}};
    c.services = {payments, spare};
    RouteConfig route;
    route.name = QStringLiteral("payments");
    route.paths = {QStringLiteral("/payments")};
    route.service = QStringLiteral("payments");
    c.routes = {route};
    return c;
}

Config sampleConfig()
{
    return configFor(QStringLiteral("http://127.0.0.1:1"), QStringLiteral("http://127.0.0.1:2"));
}

QString cell(const QAbstractItemModel &m, int row, int column)
{
    return m.data(m.index(row, column)).toString();
}

std::vector<int> weightsOf(const Config &c, const QString &service)
{
    std::vector<int> out;
    for (const ServiceConfig &s : c.services) {
        if (s.name == service) {
            for (const TargetConfig &t : s.targets)
                out.push_back(t.weight);
        }
    }
    return out;
}

quint16 closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost);
    const quint16 port = server.serverPort();
    server.close();
    return port;
}

ServiceEditorDialog *openEditor(ServicesPage &page, const char *action)
{
    page.findChild<QAction *>(QLatin1String(action))->trigger();
    return page.findChild<ServiceEditorDialog *>();
}

QPushButton *okButton(QDialog *dialog)
{
    return dialog->findChild<QDialogButtonBox *>(QStringLiteral("buttons"))
        ->button(QDialogButtonBox::Ok);
}

void confirmDelete(QWidget &page)
{
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = page.findChild<QMessageBox *>(QStringLiteral("confirmDelete"))));
    box->findChild<QPushButton *>(QStringLiteral("confirmDeleteButton"))->click();
}

} // namespace

class TestServicesPage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void modelsPassTheTesterThroughResetsAndHealthUpdates()
    {
        ServiceTableModel services;
        QAbstractItemModelTester t1(&services,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
        TargetTableModel targets;
        QAbstractItemModelTester t2(&targets,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
        const Config config = sampleConfig();
        services.setConfig(config);
        targets.setService(&config.services[0]);
        QCOMPARE(services.rowCount(), 2);
        QCOMPARE(targets.rowCount(), 2);
        QCOMPARE(cell(services, 0, ServiceTableModel::Routes), QStringLiteral("payments"));
        QCOMPARE(cell(services, 1, ServiceTableModel::Routes), QStringLiteral("(none)"));
        QCOMPARE(cell(targets, 0, TargetTableModel::Share), QStringLiteral("90%"));
        QCOMPARE(cell(targets, 1, TargetTableModel::Share), QStringLiteral("10%"));
        QCOMPARE(cell(targets, 1, TargetTableModel::Health), QStringLiteral("\u2013"));

        QSignalSpy resets(&targets, &QAbstractItemModel::modelReset);
        QSignalSpy changes(&targets, &QAbstractItemModel::dataChanged);
        std::vector<TargetHealthState> health(3);
        health[0] = {QStringLiteral("payments"), config.services[0].targets[0].url, 0, 0, false, 0};
        health[1] = {QStringLiteral("payments"), config.services[0].targets[1].url, 3, 1, true,
                     4'200};
        health[2] = {QStringLiteral("spare"), config.services[1].targets[0].url, 0, 0, false, 0};
        targets.updateHealth(health, true);
        services.updateHealth(health, true);
        QCOMPARE(resets.count(), 0);
        QCOMPARE(changes.count(), 1);
        QCOMPARE(cell(targets, 0, TargetTableModel::Health), QStringLiteral("healthy"));
        QCOMPARE(cell(targets, 1, TargetTableModel::Health),
                 QStringLiteral("ejected (back in 5 s)"));
        QCOMPARE(cell(targets, 1, TargetTableModel::Failures), QStringLiteral("3"));
        QCOMPARE(cell(services, 0, ServiceTableModel::Health), QStringLiteral("1 of 2 ejected"));
        QCOMPARE(cell(services, 1, ServiceTableModel::Health), QStringLiteral("healthy"));
        targets.updateHealth(health, true); // unchanged: no repaint
        QCOMPARE(changes.count(), 1);
        targets.updateHealth({}, false); // engine stopped
        QCOMPARE(changes.count(), 2);
        QCOMPARE(cell(targets, 1, TargetTableModel::Health), QStringLiteral("\u2013"));

        services.setConfig(Config{});
        targets.setService(nullptr);
        QCOMPARE(services.rowCount(), 0);
        QCOMPARE(targets.rowCount(), 0);
        services.updateHealth(health, true);
        targets.updateHealth(health, true);
    }

    // A hand-made sample: targets matched by service and URL, only the live columns change.
    void targetTableShowsLiveTrafficFigures()
    {
        const Config config = sampleConfig();
        ControlRoomFixture fixture(config); // not started: only the hand-made samples come
        ServicesPage page(fixture.room());
        TargetTableModel &targets = *page.targetModel();
        QAbstractItemModelTester tester(&targets,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        page.selectService(QStringLiteral("payments"));
        QCOMPARE(targets.rowCount(), 2);
        QCOMPARE(cell(targets, 0, TargetTableModel::P95), QStringLiteral("\u2013"));
        QCOMPARE(targets.headerData(TargetTableModel::P95, Qt::Horizontal).toString(),
                 QStringLiteral("p95"));

        const QString stable = config.services[0].targets[0].url;
        TrafficSample sample;
        TargetTraffic busy;
        busy.service = QStringLiteral("payments");
        busy.url = stable;
        busy.requests = 120;
        busy.errors = 2;
        busy.requestsPerSecond = 40.0;
        busy.latency = {40, 1.5, 3.4, 7.0};
        TargetTraffic other = busy; // the same URL in another service
        other.service = QStringLiteral("spare");
        other.requestsPerSecond = 2.0;
        other.latency = {6, 11.0, 12.0, 13.0};
        sample.targets = {other, busy};

        QSignalSpy resets(&targets, &QAbstractItemModel::modelReset);
        QSignalSpy changes(&targets, &QAbstractItemModel::dataChanged);
        Q_EMIT fixture.engine.trafficUpdated(sample); // queued to the model
        QTRY_COMPARE(changes.count(), 1);
        QCOMPARE(resets.count(), 0);
        const QModelIndex from = changes[0][0].toModelIndex();
        const QModelIndex to = changes[0][1].toModelIndex();
        QCOMPARE(from.column(), int(TargetTableModel::RequestsPerSecond));
        QCOMPARE(to.column(), int(TargetTableModel::P95));
        QCOMPARE(from.row(), 0);
        QCOMPARE(to.row(), 1);
        QCOMPARE(cell(targets, 0, TargetTableModel::P95), QStringLiteral("3.4 ms"));
        QCOMPARE(cell(targets, 0, TargetTableModel::RequestsPerSecond), QStringLiteral("40"));
        QVERIFY(targets.data(targets.index(0, TargetTableModel::P95), Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("120 answers since start, 2 failed tries")));
        // The canary target is not in the sample.
        QCOMPARE(cell(targets, 1, TargetTableModel::P95), QStringLiteral("\u2013"));
        QCOMPARE(cell(targets, 1, TargetTableModel::RequestsPerSecond), QStringLiteral("0.0"));

        targets.updateTraffic(sample); // unchanged: no repaint
        QCOMPARE(changes.count(), 1);
        // Another service shows its own figures at once, from the latest sample.
        page.selectService(QStringLiteral("spare"));
        QCOMPARE(cell(targets, 0, TargetTableModel::P95), QStringLiteral("12 ms"));
        QCOMPARE(cell(targets, 0, TargetTableModel::RequestsPerSecond), QStringLiteral("2.0"));
        targets.updateTraffic(TrafficSample()); // figures gone (an engine restarted)
        QCOMPARE(changes.count(), 2);
        QCOMPARE(cell(targets, 0, TargetTableModel::P95), QStringLiteral("\u2013"));
    }

    void canaryWeightsShareTheRestInProportion()
    {
        using W = std::vector<int>;
        QCOMPARE(CanarySplit::weightsFor(W{90, 10}, 1, 25), (W{75, 25}));
        QCOMPARE(CanarySplit::weightsFor(W{900, 100}, 1, 0), (W{100, 0}));
        QCOMPARE(CanarySplit::weightsFor(W{50, 50, 10}, 2, 10), (W{45, 45, 10}));
        QCOMPARE(CanarySplit::weightsFor(W{2, 1, 10}, 2, 0), (W{67, 33, 0}));
        QCOMPARE(CanarySplit::weightsFor(W{0, 0, 0}, 0, 40), (W{40, 30, 30}));
        QCOMPARE(CanarySplit::weightsFor(W{70, 30}, 0, 100), (W{100, 0}));
    }

    void theSliderStoresTheWeightsWhenReleased()
    {
        TestBackend stable(QStringLiteral("stable"));
        TestBackend canary(QStringLiteral("canary"));
        ControlRoomFixture fixture(configFor(stable.url(), canary.url()));
        QVERIFY(fixture.start());
        ServicesPage page(fixture.room());
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.selectService(QStringLiteral("payments"));
        auto *slider = page.findChild<QSlider *>(QStringLiteral("canarySlider"));
        QVERIFY(slider->isVisible());
        QCOMPARE(slider->value(), 10);
        QCOMPARE(page.findChild<QLabel *>(QStringLiteral("canaryLabel"))->text(),
                 QStringLiteral("stable 90% \u00b7 canary 10%"));

        // Dragging previews; only letting go stores.
        slider->setSliderDown(true);
        slider->setValue(30);
        slider->setValue(50);
        QCOMPARE(fixture.config->revision(), 1);
        QCOMPARE(page.findChild<QLabel *>(QStringLiteral("canaryLabel"))->text(),
                 QStringLiteral("stable 50% \u00b7 canary 50%"));
        slider->setSliderDown(false);
        QCOMPARE(fixture.config->revision(), 2);
        QCOMPARE(weightsOf(fixture.config->config(), QStringLiteral("payments")),
                 (std::vector<int>{50, 50}));
        QCOMPARE(cell(*page.targetModel(), 1, TargetTableModel::Weight), QStringLiteral("50"));

        // The running engine splits by the new weights.
        for (int i = 0; i < 10; ++i) {
            RawHttpClient client(fixture.engine.listenPort());
            QCOMPARE(client.get("/payments").status, 200);
        }
        QCOMPARE(canary.requestCount(), 5);
        QCOMPARE(stable.requestCount(), 5);

        // Keys: stored once they pause.
        slider->setFocus();
        QTest::keyClick(slider, Qt::Key_PageDown);
        QCOMPARE(slider->value(), 40);
        QCOMPARE(fixture.config->revision(), 2);
        QTRY_COMPARE(fixture.config->revision(), 3);
        QCOMPARE(weightsOf(fixture.config->config(), QStringLiteral("payments")),
                 (std::vector<int>{60, 40}));
    }

    void targetHealthComesFromTheEngine()
    {
        TestBackend stable(QStringLiteral("stable"));
        const QString dead = QStringLiteral("http://127.0.0.1:%1").arg(closedPort());
        Config config = configFor(stable.url(), dead);
        config.services[0].targets[1].weight = 50;
        ControlRoomFixture fixture(config);
        QVERIFY(fixture.start());
        ServicesPage page(fixture.room());
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.selectService(QStringLiteral("payments"));
        page.refreshHealth();
        QCOMPARE(cell(*page.targetModel(), 1, TargetTableModel::Health), QStringLiteral("healthy"));

        // Each request that picks the dead target fails to connect and is retried on the other.
        for (int i = 0; i < 6; ++i) {
            RawHttpClient client(fixture.engine.listenPort());
            QCOMPARE(client.get("/payments").status, 200);
        }
        const std::vector<TargetHealthState> health =
            readTargetHealth(*fixture.engine.snapshot(), monotonicNowMs());
        QCOMPARE(health.size(), size_t(3));
        QVERIFY(health[1].ejected);
        QVERIFY(health[1].ejections >= 1);
        QVERIFY(!health[0].ejected);

        // The page reads it on its timer.
        QTRY_VERIFY(cell(*page.targetModel(), 1, TargetTableModel::Health)
                        .startsWith(QStringLiteral("ejected")));
        QCOMPARE(cell(*page.targetModel(), 0, TargetTableModel::Health), QStringLiteral("healthy"));
        QCOMPARE(cell(*page.model(), 0, ServiceTableModel::Health),
                 QStringLiteral("1 of 2 ejected"));
        fixture.engine.stop();
        page.refreshHealth();
        QCOMPARE(cell(*page.model(), 0, ServiceTableModel::Health), QStringLiteral("\u2013"));
    }

    void editorValidatesAndAddsAService()
    {
        TestBackend backend(QStringLiteral("new"));
        ControlRoomFixture fixture(sampleConfig());
        ServicesPage page(fixture.room());
        page.show();
        ServiceEditorDialog *dialog = openEditor(page, "addService");
        QVERIFY(dialog);
        QLabel *nameError = dialog->findChild<QLabel *>(QStringLiteral("nameError"));
        QLabel *targetsError = dialog->findChild<QLabel *>(QStringLiteral("targetsError"));
        QVERIFY(!okButton(dialog)->isEnabled());
        QCOMPARE(nameError->text(), QStringLiteral("missing"));

        QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("serviceName")),
                         QStringLiteral("spare")); // taken
        QTRY_VERIFY(nameError->text().contains(QStringLiteral("duplicate name")));
        dialog->findChild<QLineEdit *>(QStringLiteral("serviceName"))
            ->setText(QStringLiteral("inventory"));
        auto *targets = dialog->findChild<QTableWidget *>(QStringLiteral("serviceTargets"));
        targets->item(0, 0)->setText(QStringLiteral("ftp://127.0.0.1:21"));
        QTRY_VERIFY(targetsError->isVisibleTo(dialog));
        QVERIFY(targetsError->text().startsWith(QStringLiteral("Target 1, URL: ")));
        QVERIFY(!nameError->isVisibleTo(dialog));
        QVERIFY(!okButton(dialog)->isEnabled());

        targets->item(0, 0)->setText(backend.url());
        dialog->findChild<QSpinBox *>(QStringLiteral("serviceConnectTimeout"))->setValue(0);
        QTRY_VERIFY(dialog->findChild<QLabel *>(QStringLiteral("connectTimeoutError"))
                        ->text()
                        .contains(QStringLiteral("between 1 and")));
        QVERIFY(!targetsError->isVisibleTo(dialog));
        dialog->findChild<QSpinBox *>(QStringLiteral("serviceConnectTimeout"))->setValue(500);
        dialog->addTarget(backend.url() + QStringLiteral("/v2"), 0);
        QTRY_VERIFY(okButton(dialog)->isEnabled());
        okButton(dialog)->click();
        QTRY_VERIFY(!dialog->isVisible());

        const ServiceConfig &added = fixture.config->config().services.back();
        QCOMPARE(added.name, QStringLiteral("inventory"));
        QCOMPARE(added.connectTimeoutMs, 500);
        QCOMPARE(added.targets.size(), size_t(2));
        QCOMPARE(added.targets[1].weight, 0);
        QCOMPARE(page.selectedService(), QStringLiteral("inventory"));
    }

    void editorSetsHowHttpsTargetsAreVerified()
    {
        const test::TestCertificate ca = test::TestCertificate::selfSigned();
        Config config = sampleConfig();
        config.certificates.push_back({QStringLiteral("client"), {},
                                       QString::fromUtf8(ca.certificatePem),
                                       QString::fromUtf8(ca.keyPem)});
        ControlRoomFixture fixture(config);
        ServicesPage page(fixture.room());
        page.show();
        page.selectService(QStringLiteral("payments"));
        ServiceEditorDialog *dialog = openEditor(page, "editService");
        QVERIFY(dialog);
        dialog->findChild<QTableWidget *>(QStringLiteral("serviceTargets"))
            ->item(0, 0)
            ->setText(QStringLiteral("https://127.0.0.1:8443"));
        auto *verify = dialog->findChild<QCheckBox *>(QStringLiteral("serviceTlsVerify"));
        QVERIFY(verify->isChecked()); // verified unless the user says otherwise
        QCOMPARE(dialog->findChild<QLabel *>(QStringLiteral("serviceCaBundle"))->text(),
                 QStringLiteral("The system's CAs"));

        // A bundle that is no certificate is named under its field, and blocks OK.
        dialog->setCaBundle(QStringLiteral("not a certificate"));
        QLabel *bundleError = dialog->findChild<QLabel *>(QStringLiteral("ca_bundleError"));
        QTRY_VERIFY(bundleError->isVisibleTo(dialog));
        QVERIFY(!okButton(dialog)->isEnabled());
        dialog->setCaBundle(QString::fromUtf8(ca.certificatePem));
        QTRY_VERIFY(okButton(dialog)->isEnabled());
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("serviceCaBundle"))
                    ->text()
                    .startsWith(QStringLiteral("1 certificate")));

        dialog->findChild<QLineEdit *>(QStringLiteral("serviceTlsServerName"))
            ->setText(QStringLiteral("payments.internal"));
        auto *client = dialog->findChild<QComboBox *>(QStringLiteral("serviceClientCertificate"));
        QCOMPARE(client->count(), 2); // (none) and the configuration's one certificate
        client->setCurrentIndex(1);
        QTRY_VERIFY(okButton(dialog)->isEnabled());
        okButton(dialog)->click();
        QTRY_VERIFY(!dialog->isVisible());

        const ServiceConfig &edited = fixture.config->config().services[0];
        QCOMPARE(edited.targets[0].url, QStringLiteral("https://127.0.0.1:8443"));
        QVERIFY(edited.tlsVerify);
        QCOMPARE(edited.caBundle, QString::fromUtf8(ca.certificatePem));
        QCOMPARE(edited.tlsServerName, QStringLiteral("payments.internal"));
        QCOMPARE(edited.clientCertificate, QStringLiteral("client"));
    }

    void renamingAServiceTakesItsRoutesAlong()
    {
        TestBackend backend(QStringLiteral("b"));
        ControlRoomFixture fixture(configFor(backend.url(), backend.url()));
        QVERIFY(fixture.start());
        ServicesPage page(fixture.room());
        page.show();
        page.selectService(QStringLiteral("payments"));
        ServiceEditorDialog *dialog = openEditor(page, "editService");
        QVERIFY(dialog);
        dialog->findChild<QLineEdit *>(QStringLiteral("serviceName"))
            ->setText(QStringLiteral("billing"));
        QTRY_VERIFY(okButton(dialog)->isEnabled());
        okButton(dialog)->click();
        QTRY_VERIFY(!dialog->isVisible());
        const Config &c = fixture.config->config();
        QCOMPARE(c.services[0].name, QStringLiteral("billing")); // kept its place
        QCOMPARE(c.routes[0].service, QStringLiteral("billing"));
        QCOMPARE(fixture.config->revision(), 2);
        RawHttpClient client(fixture.engine.listenPort());
        QCOMPARE(client.get("/payments").status, 200);
    }

    void deleteIsRefusedWhileRoutesUseTheService()
    {
        ControlRoomFixture fixture(sampleConfig());
        ServicesPage page(fixture.room());
        page.show();
        page.selectService(QStringLiteral("payments"));
        page.findChild<QAction *>(QStringLiteral("deleteService"))->trigger();
        QMessageBox *box = nullptr;
        QTRY_VERIFY((box = page.findChild<QMessageBox *>(QStringLiteral("confirmDelete"))));
        QVERIFY(box->informativeText().contains(QStringLiteral("payments")));
        confirmDelete(page);
        QCOMPARE(fixture.config->config().services.size(), size_t(2));
        QCOMPARE(fixture.config->revision(), 1);
        QVERIFY(page.messageText().contains(
            QStringLiteral("routes payments still send to service payments")));

        QTRY_VERIFY(!page.findChild<QMessageBox *>(QStringLiteral("confirmDelete")));
        page.selectService(QStringLiteral("spare"));
        page.findChild<QAction *>(QStringLiteral("deleteService"))->trigger();
        confirmDelete(page);
        QCOMPARE(fixture.config->config().services.size(), size_t(1));
        QVERIFY(page.messageText().isEmpty());
        QCOMPARE(page.model()->rowCount(), 1);
    }

    void emptyStateOffersTheDemo()
    {
        Config empty;
        empty.settings.listen = QStringLiteral("127.0.0.1:0");
        empty.settings.adminListen = QStringLiteral("127.0.0.1:0");
        ControlRoomFixture fixture(empty);
        ServicesPage page(fixture.room());
        page.show();
        auto *state = page.findChild<EmptyState *>(QStringLiteral("servicesEmpty"));
        QVERIFY(state->isVisible());
        state->findChild<QPushButton *>(QStringLiteral("emptyLoadDemo"))->click();
        QCOMPARE(fixture.config->config().services.size(), size_t(3));
        QVERIFY(!state->isVisible());
        QCOMPARE(page.selectedService(), fixture.config->config().services.front().name);
    }
};

QTEST_MAIN(TestServicesPage)
#include "tst_services_page.moc"
