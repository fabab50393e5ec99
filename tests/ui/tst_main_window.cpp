// The desktop window: its pages, status bar, keyboard navigation and undo/redo over the
// store's history; the route table model and the traffic view.

#include "ControlRoomFixture.h"
#include "HistoryNavigator.h"
#include "MainWindow.h"
#include "RawHttpClient.h"
#include "dialogs/RouteTesterDialog.h"
#include "pages/DashboardPage.h"
#include "pages/TrafficPage.h"
#include "TrafficActions.h"
#include "models/RouteTableModel.h"
#include "models/TrafficTableModel.h"
#include "views/TrafficChartView.h"

#include "net/GatewayEngine.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QAction>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QLabel>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>

using namespace portico;

namespace {

Config sampleConfig()
{
    Config c;
    c.settings.listen = QStringLiteral("127.0.0.1:0"); // any port: tests run in parallel
    c.settings.adminListen = QStringLiteral("127.0.0.1:1");
    c.settings.workers = 1;

    ServiceConfig users;
    users.name = QStringLiteral("users");
    users.targets = {{QStringLiteral("http://127.0.0.1:1"), 100}};
    ServiceConfig payments;
    payments.name = QStringLiteral("payments");
    payments.targets = {{QStringLiteral("http://127.0.0.1:2"), 90},
                        {QStringLiteral("http://127.0.0.1:3"), 10}};
    c.services = {users, payments};

    RouteConfig r1;
    r1.name = QStringLiteral("users");
    r1.paths = {QStringLiteral("/users")};
    r1.methods = {QStringLiteral("GET"), QStringLiteral("POST")};
    r1.service = QStringLiteral("users");
    RouteConfig r2;
    r2.name = QStringLiteral("payments");
    r2.paths = {QStringLiteral("/payments"), QStringLiteral("=/pay")};
    r2.hosts = {QStringLiteral("api.example.test")};
    r2.service = QStringLiteral("payments");
    RouteConfig r3;
    r3.name = QStringLiteral("api-v1");
    r3.paths = {QStringLiteral("/api/v1")};
    r3.stripPath = true;
    r3.service = QStringLiteral("users");
    c.routes = {r1, r2, r3};
    return c;
}

QString cell(const QAbstractItemModel &m, int row, int column, int role = Qt::DisplayRole)
{
    return m.data(m.index(row, column), role).toString();
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void routeModelPassesModelTester()
    {
        RouteTableModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.columnCount(), int(RouteTableModel::ColumnCount));
        model.setConfig(sampleConfig());
        QCOMPARE(model.rowCount(), 3);
        model.setConfig(Config{});
        QCOMPARE(model.rowCount(), 0);
        model.setConfig(sampleConfig());
        QCOMPARE(model.rowCount(), 3);
    }

    void routeModelShowsRouteFields()
    {
        RouteTableModel model;
        Config config = sampleConfig();
        RouteConfig orphan;
        orphan.name = QStringLiteral("orphan");
        orphan.paths = {QStringLiteral("~^/x/[0-9]+$")};
        orphan.service = QStringLiteral("missing");
        orphan.enabled = false;
        config.routes.push_back(orphan);
        model.setConfig(config);
        QCOMPARE(model.rowCount(), 4);

        using C = RouteTableModel;
        QCOMPARE(model.headerData(C::Name, Qt::Horizontal).toString(), QStringLiteral("Route"));
        QCOMPARE(model.headerData(C::Targets, Qt::Horizontal).toString(),
                 QStringLiteral("Targets"));

        QCOMPARE(cell(model, 0, C::Name), QStringLiteral("users"));
        QCOMPARE(cell(model, 0, C::Methods), QStringLiteral("GET, POST"));
        QCOMPARE(cell(model, 0, C::Hosts), QStringLiteral("any"));
        QCOMPARE(cell(model, 0, C::Paths), QStringLiteral("/users"));
        QCOMPARE(cell(model, 0, C::Service), QStringLiteral("users"));
        QCOMPARE(cell(model, 0, C::Targets), QStringLiteral("http://127.0.0.1:1"));
        QCOMPARE(cell(model, 0, C::StripPath), QStringLiteral("no"));

        QCOMPARE(cell(model, 1, C::Methods), QStringLiteral("any"));
        QCOMPARE(cell(model, 1, C::Hosts), QStringLiteral("api.example.test"));
        QCOMPARE(cell(model, 1, C::Paths), QStringLiteral("/payments, =/pay"));
        QCOMPARE(cell(model, 1, C::Targets),
                 QStringLiteral("http://127.0.0.1:2 (weight 90, 90%), "
                                "http://127.0.0.1:3 (weight 10, 10%)"));
        QCOMPARE(cell(model, 1, C::Targets, Qt::ToolTipRole),
                 QStringLiteral("http://127.0.0.1:2 (weight 90, 90%)\n"
                                "http://127.0.0.1:3 (weight 10, 10%)"));

        QCOMPARE(cell(model, 2, C::StripPath), QStringLiteral("yes"));

        QCOMPARE(cell(model, 3, C::Name), QStringLiteral("orphan (disabled)"));
        QCOMPARE(cell(model, 3, C::Targets), QStringLiteral("(no such service)"));
        QVERIFY(model.data(model.index(3, C::Name), Qt::ForegroundRole).isValid());
        QVERIFY(!model.data(model.index(0, C::Name), Qt::ForegroundRole).isValid());

        QCOMPARE(model.routeAt(2)->name, QStringLiteral("api-v1"));
        QVERIFY(model.routeAt(4) == nullptr);
        QVERIFY(model.routeAt(-1) == nullptr);
    }

    void windowShowsStoredRoutesWhileStopped()
    {
        ControlRoomFixture fixture(sampleConfig());
        MainWindow window(fixture.room());
        QCOMPARE(window.windowTitle(), QStringLiteral("Portico"));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        window.showPage(MainWindow::Page::Routes);
        auto *table = window.findChild<QTableView *>(QStringLiteral("routeTable"));
        QVERIFY(table);
        QCOMPARE(table->model()->rowCount(), 3);
        QCOMPARE(cell(*table->model(), 2, RouteTableModel::Name), QStringLiteral("api-v1"));
        QVERIFY(window.statusText().contains(QStringLiteral("Stopped")));
        QVERIFY(window.statusText().contains(QStringLiteral("config r1")));

        window.setStartError(QStringLiteral("cannot listen on 127.0.0.1:8080: address in use"));
        QVERIFY(window.statusText().contains(QStringLiteral("Not running")));
        QVERIFY(window.statusText().contains(QStringLiteral("address in use")));
        auto *dashboard = qobject_cast<DashboardPage *>(window.page(MainWindow::Page::Dashboard));
        QVERIFY(dashboard->stateText().contains(QStringLiteral("address in use")));
    }

    void windowFollowsTheRunningEngine()
    {
        ControlRoomFixture fixture(sampleConfig());
        MainWindow window(fixture.room());
        window.setStoreDescription(QStringLiteral("/tmp/x/portico.db"));
        window.show();
        auto *dashboard = qobject_cast<DashboardPage *>(window.page(MainWindow::Page::Dashboard));
        QVERIFY(dashboard);

        ConfigErrors errors;
        const bool started = fixture.start(&errors);
        for (const ConfigError &e : errors)
            qWarning() << e.toString();
        QVERIFY(started);
        // The window learns of it through queued signals; it never asks the engine to wait.
        QTRY_VERIFY(window.statusText().contains(QStringLiteral("Running")));
        QTRY_VERIFY(window.statusText().contains(QStringLiteral("req/s")));
        const QString url = fixture.engine.listenerUrls().value(0);
        QVERIFY(!url.isEmpty());
        QVERIFY(dashboard->stateText().contains(url));
        QVERIFY(dashboard->stateText().contains(QStringLiteral("store: /tmp/x/portico.db")));

        // Traffic samples reach the chart (redrawn at most once a second).
        QTRY_VERIFY_WITH_TIMEOUT(dashboard->trafficView()->pointCount() > 0, 5000);
        QCOMPARE(dashboard->trafficView()->figureText(QStringLiteral("total")),
                 QStringLiteral("0"));

        fixture.engine.stop();
        QTRY_VERIFY(window.statusText().contains(QStringLiteral("Stopped")));
    }

    // "Test a request…" on the Traffic page puts the selected request in the route tester.
    void trafficRequestOpensInTheTester()
    {
        ControlRoomFixture fixture(sampleConfig());
        QVERIFY(fixture.start());
        MainWindow window(fixture.room());
        window.show();
        window.showPage(MainWindow::Page::Traffic);
        TrafficPage *traffic = window.trafficPage();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        test::RawHttpClient client(fixture.engine.listenPort());
        // The service is down (port 1): the gateway answers 502, the request is captured.
        QCOMPARE(client.get("/users/7?page=2", {{"X-Demo", "1"}}).status, 502);
        QTRY_COMPARE(traffic->liveModel()->rowCount(), 1);
        traffic->selectRow(0);
        QVERIFY(traffic->actions()->testRequest()->isEnabled());

        RouteTesterDialog *dialog = window.testTrafficRequest();
        QVERIFY(dialog);
        QSignalSpy tested(dialog, &RouteTesterDialog::tested);
        dialog->runTest();
        QTRY_COMPARE(tested.count(), 1);
        QCOMPARE(dialog->verdict().route, QStringLiteral("users"));
        QCOMPARE(dialog->verdict().outcome, RouteVerdict::Outcome::Forwarded);
        const QByteArray head = dialog->verdict().upstreamHead.headers.value("X-Demo");
        QCOMPARE(head, QByteArray("1")); // the captured header came along
        QCOMPARE(dialog->verdict().upstreamHead.target, QByteArray("/users/7?page=2"));
        dialog->close();
    }

    void pageIsRememberedByName()
    {
        ControlRoomFixture fixture;
        QSettings().setValue(QStringLiteral("MainWindow/page"), QStringLiteral("plans"));
        {
            MainWindow window(fixture.room());
            QCOMPARE(window.currentPage(), MainWindow::Page::Plans);
            window.showPage(MainWindow::Page::Traffic);
            window.close(); // saves the layout
        }
        QCOMPARE(QSettings().value(QStringLiteral("MainWindow/page")).toString(),
                 QStringLiteral("traffic"));
        // An index saved by an earlier version names no page: the window opens on the first.
        QSettings().setValue(QStringLiteral("MainWindow/page"), 2);
        MainWindow window(fixture.room());
        QCOMPARE(window.currentPage(), MainWindow::Page::Dashboard);
    }

    void iconsDrawFromSvg()
    {
        ControlRoomFixture fixture;
        MainWindow window(fixture.room()); // registers the icons' resources
        // Needs Qt's SVG icon plugin (libqt6svg6): without it every icon is blank.
        for (const char *name : {"dashboard", "traffic", "routes", "services", "consumers", "plans",
                                 "certificates", "settings", "star", "add", "key", "undo", "pause",
                                 "play", "follow", "clear", "replay", "send"}) {
            const QImage image = portIcon(name).pixmap(QSize(48, 48)).toImage();
            QVERIFY2(!image.isNull(), name);
            bool drawn = false;
            for (int y = 0; y < image.height() && !drawn; ++y) {
                for (int x = 0; x < image.width() && !drawn; ++x)
                    drawn = qAlpha(image.pixel(x, y)) > 0;
            }
            QVERIFY2(drawn, name);
        }
    }

    void pagesAreReachableByKeyboard()
    {
        ControlRoomFixture fixture(sampleConfig());
        MainWindow window(fixture.room());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.showPage(MainWindow::Page::Dashboard);
        QTest::keyClick(&window, Qt::Key_2, Qt::ControlModifier);
        QCOMPARE(window.currentPage(), MainWindow::Page::Traffic);
        QTest::keyClick(&window, Qt::Key_4, Qt::ControlModifier);
        QCOMPARE(window.currentPage(), MainWindow::Page::Services);
        QTest::keyClick(&window, Qt::Key_7, Qt::ControlModifier);
        QCOMPARE(window.currentPage(), MainWindow::Page::Certificates);
        QTest::keyClick(&window, Qt::Key_8, Qt::ControlModifier);
        QCOMPARE(window.currentPage(), MainWindow::Page::Settings);
        QTest::keyClick(&window, Qt::Key_1, Qt::ControlModifier);
        QCOMPARE(window.currentPage(), MainWindow::Page::Dashboard);
    }

    void undoAndRedoWalkTheStoreHistory()
    {
        ControlRoomFixture fixture(sampleConfig());
        MainWindow window(fixture.room());
        HistoryNavigator *history = window.history();
        QVERIFY(!history->undoAction()->isEnabled());

        // An edit from anywhere (here: straight to the service, as the Admin API does).
        const StoreResult renamed = fixture.config->edit(
            ConfigSource::Admin, QStringLiteral("route users renamed"), 0, [](Config &c) {
                c.routes[0].name = QStringLiteral("people");
                return EditOutcome{};
            });
        QVERIFY(renamed.ok());
        QCOMPARE(fixture.config->revision(), 2);
        QVERIFY(history->undoAction()->isEnabled());
        QVERIFY(history->undoAction()->text().contains(QStringLiteral("route users renamed")));
        QVERIFY(window.statusText().contains(QStringLiteral("config r2")));

        history->undoAction()->trigger();
        QCOMPARE(fixture.config->config().routes[0].name, QStringLiteral("users"));
        QCOMPARE(fixture.config->revision(), 3); // a rollback is a new revision
        QVERIFY(history->redoAction()->isEnabled());

        history->redoAction()->trigger();
        QCOMPARE(fixture.config->config().routes[0].name, QStringLiteral("people"));
        QCOMPARE(fixture.config->revision(), 4);
        QVERIFY(window.statusText().contains(QStringLiteral("config r4")));

        // A new change after an undo drops the redo step, as in any editor.
        history->undoAction()->trigger();
        QVERIFY(fixture.config
                    ->edit(ConfigSource::Gui, QStringLiteral("route api-v1 deleted"), 0,
                           [](Config &c) {
                               c.routes.pop_back();
                               return EditOutcome{};
                           })
                    .ok());
        QVERIFY(!history->redoAction()->isEnabled());
        QCOMPARE(history->stack()->count(), 1);
        QVERIFY(history->undoAction()->text().contains(QStringLiteral("route api-v1 deleted")));
    }

    void changesFromAnotherProcessShowWithinASecond()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("portico.db"));
        ControlRoomFixture fixture(sampleConfig(), db);
        MainWindow window(fixture.room());
        window.showPage(MainWindow::Page::Routes);
        auto *table = window.findChild<QTableView *>(QStringLiteral("routeTable"));
        QVERIFY(table);
        QCOMPARE(table->model()->rowCount(), 3);

        // Another writer of the same file: what porticod --db or a second window would be.
        ConfigStore::OpenResult other = ConfigStore::open(db);
        QVERIFY2(other.store, qPrintable(other.error));
        QVERIFY(other.store
                    ->edit(ConfigSource::Admin, QStringLiteral("route added elsewhere"), 0,
                           [](Config &c) {
                               RouteConfig r = c.routes[0];
                               r.name = QStringLiteral("from-elsewhere");
                               r.paths = {QStringLiteral("/elsewhere")};
                               c.routes.push_back(r);
                               return EditOutcome{};
                           })
                    .ok());
        // The window's service looks for other writers once a second; the wait allows for a
        // busy machine (timings are not what this test asserts).
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 4, 5000);
        QVERIFY(window.statusText().contains(QStringLiteral("config r2")));
        QVERIFY(window.history()->undoAction()->text().contains(
            QStringLiteral("route added elsewhere")));
    }

    void trafficViewShowsFigures()
    {
        TrafficChartView view;
        QCOMPARE(view.pointCount(), 0);
        QCOMPARE(view.figureText(QStringLiteral("total")), QStringLiteral("–"));

        TrafficSample s;
        s.msecsSinceEpoch = QDateTime::currentMSecsSinceEpoch();
        s.requests = 1234;
        s.byStatusClass[4] = 7;
        s.byStatusClass[5] = 2;
        s.activeConnections = 3;
        s.requestsPerSecond = 12.5;
        view.addSample(s);
        // Old samples fall out of the five-minute window.
        TrafficSample old = s;
        old.msecsSinceEpoch -= 10 * 60 * 1000;
        TrafficSample later = s;
        later.msecsSinceEpoch += 250;
        view.addSample(later);

        QTRY_COMPARE_WITH_TIMEOUT(view.pointCount(), 2, 3000);
        const QLocale locale;
        QCOMPARE(view.figureText(QStringLiteral("total")), locale.toString(1234));
        QCOMPARE(view.figureText(QStringLiteral("rate")), locale.toString(12.5, 'f', 1));
        QCOMPARE(view.figureText(QStringLiteral("4xx")), QStringLiteral("7"));
        QCOMPARE(view.figureText(QStringLiteral("5xx")), QStringLiteral("2"));
        QCOMPARE(view.figureText(QStringLiteral("active")), QStringLiteral("3"));

        TrafficSample muchLater = s;
        muchLater.msecsSinceEpoch += 6 * 60 * 1000;
        view.addSample(muchLater);
        QTRY_COMPARE_WITH_TIMEOUT(view.pointCount(), 1, 3000);

        view.clear();
        QCOMPARE(view.pointCount(), 0);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
