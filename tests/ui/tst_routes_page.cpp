// The routes page: the route table with live figures, the filter, the actions (each one atomic
// edit) and the route editor's validation as you type, against a real engine and backend.

#include "ControlRoomFixture.h"
#include "RawHttpClient.h"
#include "TestBackend.h"
#include "dialogs/RouteEditorDialog.h"
#include "models/RouteTableModel.h"
#include "pages/RoutesPage.h"
#include "views/EmptyState.h"

#include "net/GatewayEngine.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>

using namespace portico;
using namespace portico::test;

namespace {

Config configFor(const QString &usersUrl, const QString &ordersUrl)
{
    Config c;
    c.settings.listen = QStringLiteral("127.0.0.1:0");
    c.settings.adminListen = QStringLiteral("127.0.0.1:0");
    c.settings.workers = 1;
    c.services = {ServiceConfig{QStringLiteral("users"), {{usersUrl, 100}}},
                  ServiceConfig{QStringLiteral("orders"), {{ordersUrl, 100}}}};
    RouteConfig users;
    users.name = QStringLiteral("users");
    users.paths = {QStringLiteral("/users")};
    users.service = QStringLiteral("users");
    RouteConfig admin;
    admin.name = QStringLiteral("admin");
    admin.paths = {QStringLiteral("/admin")};
    admin.hosts = {QStringLiteral("admin.example.test")};
    admin.service = QStringLiteral("users");
    c.routes = {users, admin};
    return c;
}

Config sampleConfig()
{
    return configFor(QStringLiteral("http://127.0.0.1:1"), QStringLiteral("http://127.0.0.1:2"));
}

int status(GatewayEngine &engine, const QByteArray &path)
{
    RawHttpClient client(engine.listenPort());
    return client.get(path).status;
}

QString cell(const QAbstractItemModel &m, int row, int column, int role = Qt::DisplayRole)
{
    return m.data(m.index(row, column), role).toString();
}

TrafficSample sampleTraffic(double rps, double errorRate, double p95)
{
    TrafficSample sample;
    RouteTraffic users;
    users.route = QStringLiteral("users");
    users.requests = 120;
    users.serverErrors = 7;
    users.requestsPerSecond = rps;
    users.errorRate = errorRate;
    users.latency.count = 30;
    users.latency.p95Ms = p95;
    sample.routes.push_back(users);
    return sample;
}

RouteEditorDialog *openEditor(RoutesPage &page, const char *action)
{
    page.findChild<QAction *>(QLatin1String(action))->trigger();
    RouteEditorDialog *dialog = page.findChild<RouteEditorDialog *>();
    if (dialog)
        Q_UNUSED(QTest::qWaitForWindowExposed(dialog));
    return dialog;
}

QPushButton *okButton(QDialog *dialog)
{
    return dialog->findChild<QDialogButtonBox *>(QStringLiteral("buttons"))
        ->button(QDialogButtonBox::Ok);
}

QLabel *errorLabel(QDialog *dialog, const char *name)
{
    return dialog->findChild<QLabel *>(QLatin1String(name));
}

// Clicks "Delete" in the confirmation the page opens (window-modal, not blocking).
void confirmDelete(QWidget &page)
{
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = page.findChild<QMessageBox *>(QStringLiteral("confirmDelete"))));
    box->findChild<QPushButton *>(QStringLiteral("confirmDeleteButton"))->click();
}

} // namespace

class TestRoutesPage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void modelTakesLiveFiguresWithoutReset()
    {
        RouteTableModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setFilterRole(RouteTableModel::SearchRole);
        proxy.setSortRole(RouteTableModel::SortRole);
        QAbstractItemModelTester proxyTester(
            &proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setConfig(sampleConfig());
        proxy.sort(RouteTableModel::HitsPerSecond, Qt::DescendingOrder);

        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
        QCOMPARE(cell(model, 0, RouteTableModel::HitsPerSecond), QStringLiteral("0"));
        model.updateTraffic(sampleTraffic(12.4, 0.25, 33.4));
        QCOMPARE(resets.count(), 0);
        QCOMPARE(changes.count(), 1);
        QCOMPARE(changes.front().at(0).toModelIndex().column(),
                 int(RouteTableModel::HitsPerSecond));
        QCOMPARE(changes.front().at(1).toModelIndex().column(), int(RouteTableModel::P95));
        QCOMPARE(cell(model, 0, RouteTableModel::HitsPerSecond), QStringLiteral("12"));
        QCOMPARE(cell(model, 0, RouteTableModel::ErrorRate), QStringLiteral("25.0%"));
        QCOMPARE(cell(model, 0, RouteTableModel::P95), QStringLiteral("33 ms"));
        QVERIFY(model.data(model.index(0, RouteTableModel::ErrorRate), Qt::ForegroundRole)
                    .isValid());
        QVERIFY(cell(model, 0, RouteTableModel::HitsPerSecond, Qt::ToolTipRole)
                    .contains(QStringLiteral("120 requests")));
        // A route without traffic: nothing to say.
        QCOMPARE(cell(model, 1, RouteTableModel::ErrorRate), QStringLiteral("\u2013"));
        QCOMPARE(cell(model, 1, RouteTableModel::P95), QStringLiteral("\u2013"));

        // The same figures again: no repaint.
        model.updateTraffic(sampleTraffic(12.4, 0.25, 33.4));
        QCOMPARE(changes.count(), 1);
        model.updateTraffic(sampleTraffic(2.5, 0.0, 4.2));
        QCOMPARE(changes.count(), 2);
        QCOMPARE(cell(model, 0, RouteTableModel::HitsPerSecond), QStringLiteral("2.5"));
        QCOMPARE(cell(model, 0, RouteTableModel::ErrorRate), QStringLiteral("0%"));
        QCOMPARE(cell(model, 0, RouteTableModel::P95), QStringLiteral("4.2 ms"));
        // Sorted by hits/s, the busy route comes first.
        QCOMPARE(cell(proxy, 0, RouteTableModel::Name), QStringLiteral("users"));

        // Live figures survive a reload (matched by name).
        model.setConfig(sampleConfig());
        QCOMPARE(cell(model, 0, RouteTableModel::HitsPerSecond), QStringLiteral("2.5"));
        model.setConfig(Config{});
        model.updateTraffic(sampleTraffic(1, 0, 1)); // no rows: nothing to change
        QCOMPARE(model.rowCount(), 0);
    }

    void pageShowsLiveFiguresAndKeepsSelection()
    {
        ControlRoomFixture fixture(sampleConfig());
        RoutesPage page(fixture.room());
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        auto *table = page.findChild<QTableView *>(QStringLiteral("routeTable"));
        page.selectRoute(QStringLiteral("admin"));
        QCOMPARE(page.selectedRoutes(), QStringList{QStringLiteral("admin")});

        QSignalSpy resets(table->model(), &QAbstractItemModel::modelReset);
        // The engine's signal, as its sampler emits it (queued to the page).
        Q_EMIT fixture.engine.trafficUpdated(sampleTraffic(40, 0.5, 120));
        QTRY_COMPARE(cell(*table->model(), 0, RouteTableModel::HitsPerSecond),
                     QStringLiteral("40"));
        QCOMPARE(cell(*table->model(), 0, RouteTableModel::ErrorRate), QStringLiteral("50.0%"));
        QCOMPARE(cell(*table->model(), 0, RouteTableModel::P95), QStringLiteral("120 ms"));
        QCOMPARE(resets.count(), 0);
        QCOMPARE(page.selectedRoutes(), QStringList{QStringLiteral("admin")});
    }

    void filterFindsNamesPathsHostsAndServices()
    {
        ControlRoomFixture fixture(sampleConfig());
        RoutesPage page(fixture.room());
        page.show();
        auto *filter = page.findChild<QLineEdit *>(QStringLiteral("routeFilter"));
        auto *table = page.findChild<QTableView *>(QStringLiteral("routeTable"));
        auto *empty = page.findChild<EmptyState *>(QStringLiteral("routesEmpty"));
        QCOMPARE(table->model()->rowCount(), 2);

        QTest::keyClicks(filter, QStringLiteral("ADMIN.example"));
        QCOMPARE(table->model()->rowCount(), 1);
        QCOMPARE(cell(*table->model(), 0, RouteTableModel::Name), QStringLiteral("admin"));
        filter->setText(QStringLiteral("/users"));
        QCOMPARE(table->model()->rowCount(), 1);
        filter->setText(QStringLiteral("users")); // name of one, service of both
        QCOMPARE(table->model()->rowCount(), 2);
        QVERIFY(table->isVisible());

        filter->setText(QStringLiteral("nothing-like-it"));
        QCOMPARE(table->model()->rowCount(), 0);
        QVERIFY(empty->isVisible());
        QVERIFY(empty->title().contains(QStringLiteral("nothing-like-it")));
        empty->findChild<QPushButton *>(QStringLiteral("emptyClearFilter"))->click();
        QCOMPARE(filter->text(), QString());
        QCOMPARE(table->model()->rowCount(), 2);
        QVERIFY(table->isVisible());
    }

    void routeCreatedInTheEditorReachesItsService()
    {
        TestBackend usersBackend(QStringLiteral("users"));
        TestBackend ordersBackend(QStringLiteral("orders"));
        ControlRoomFixture fixture(configFor(usersBackend.url(), ordersBackend.url()));
        ConfigErrors errors;
        QVERIFY(fixture.start(&errors));
        RoutesPage page(fixture.room());
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QCOMPARE(status(fixture.engine, "/orders/7"), 404);

        RouteEditorDialog *dialog = openEditor(page, "addRoute");
        QVERIFY(dialog);
        QVERIFY(!okButton(dialog)->isEnabled()); // nothing typed yet: no name, no path
        QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("routeName")),
                         QStringLiteral("orders"));
        QTest::keyClicks(dialog->findChild<QPlainTextEdit *>(QStringLiteral("routePaths")),
                         QStringLiteral("/orders"));
        auto *service = dialog->findChild<QComboBox *>(QStringLiteral("routeService"));
        service->setCurrentIndex(service->findText(QStringLiteral("orders")));
        dialog->findChild<QCheckBox *>(QStringLiteral("method_GET"))->setChecked(true);
        QTRY_VERIFY(okButton(dialog)->isEnabled());
        QTest::mouseClick(okButton(dialog), Qt::LeftButton);
        QTRY_VERIFY(!dialog->isVisible());

        const Config &stored = fixture.config->config();
        QCOMPARE(stored.routes.size(), size_t(3));
        QCOMPARE(stored.routes.back().name, QStringLiteral("orders"));
        QCOMPARE(stored.routes.back().methods, QStringList{QStringLiteral("GET")});
        QCOMPARE(fixture.config->store().history(1).front().summary,
                 QStringLiteral("route orders added"));
        QCOMPARE(page.selectedRoutes(), QStringList{QStringLiteral("orders")});

        RawHttpClient client(fixture.engine.listenPort());
        const RawResponse response = client.get("/orders/7");
        QCOMPARE(response.status, 200);
        QCOMPARE(response.header("X-Backend"), QByteArray("orders"));
        QCOMPARE(ordersBackend.lastRequest().path, QByteArray("/orders/7"));
        // Only GET was ticked.
        QCOMPARE(client.request("POST", "/orders", "{}").status, 404);
    }

    void invalidFieldsBlockOkAndAreNamedNextToTheField()
    {
        ControlRoomFixture fixture(sampleConfig());
        RoutesPage page(fixture.room());
        page.show();
        page.selectRoute(QStringLiteral("users"));
        RouteEditorDialog *dialog = openEditor(page, "editRoute");
        QVERIFY(dialog);
        QVERIFY(okButton(dialog)->isEnabled());
        QLabel *pathsError = errorLabel(dialog, "pathsError");
        QLabel *nameError = errorLabel(dialog, "nameError");
        QVERIFY(!pathsError->isVisibleTo(dialog));

        auto *paths = dialog->findChild<QPlainTextEdit *>(QStringLiteral("routePaths"));
        paths->setPlainText(QStringLiteral("/users\nprofiles"));
        QTRY_VERIFY(!okButton(dialog)->isEnabled());
        QVERIFY(pathsError->isVisibleTo(dialog));
        QVERIFY2(pathsError->text().startsWith(
                     QStringLiteral("\u201cprofiles\u201d: must start with \"/\"")),
                 qPrintable(pathsError->text()));

        auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("routeName"));
        name->clear();
        QTRY_VERIFY(nameError->isVisibleTo(dialog));
        QCOMPARE(nameError->text(), QStringLiteral("missing"));
        name->setText(QStringLiteral("admin")); // taken by the other route
        QTRY_VERIFY(nameError->text().contains(QStringLiteral("duplicate name \"admin\"")));

        // OK refuses while anything is wrong, and nothing is stored.
        dialog->accept();
        QVERIFY(dialog->isVisible());
        QCOMPARE(fixture.config->revision(), 1);

        auto *second = dialog->findChild<QSpinBox *>(QStringLiteral("limit_second"));
        QCOMPARE(second->text(), QStringLiteral("no limit"));
        auto *keyHeader = dialog->findChild<QLineEdit *>(QStringLiteral("routeKeyHeader"));
        dialog->findChild<QCheckBox *>(QStringLiteral("authKey"))->setChecked(true);
        keyHeader->setText(QStringLiteral("Host"));
        QTRY_VERIFY(errorLabel(dialog, "keyHeaderError")->text().contains(
            QStringLiteral("reserved")));

        name->setText(QStringLiteral("people"));
        paths->setPlainText(QStringLiteral("/people"));
        keyHeader->setText(QStringLiteral("X-Key"));
        second->setValue(5);
        QTRY_VERIFY(okButton(dialog)->isEnabled());
        QVERIFY(!nameError->isVisibleTo(dialog));
        QVERIFY(!pathsError->isVisibleTo(dialog));
        okButton(dialog)->click();
        QTRY_VERIFY(!dialog->isVisible());
        const RouteConfig &route = fixture.config->config().routes.front();
        QCOMPARE(route.name, QStringLiteral("people"));
        QCOMPARE(route.keyHeader, QStringLiteral("X-Key"));
        QCOMPARE(route.rateLimit.second, 5);
        QCOMPARE(route.auth, QStringList{QStringLiteral("key")});
        QCOMPARE(fixture.config->store().history(1).front().summary,
                 QStringLiteral("route users renamed to people"));
    }

    void aConflictingChangeIsReportedNotOverwritten()
    {
        ControlRoomFixture fixture(sampleConfig());
        RoutesPage page(fixture.room());
        page.show();
        page.selectRoute(QStringLiteral("users"));
        RouteEditorDialog *dialog = openEditor(page, "editRoute");
        QVERIFY(dialog);
        dialog->findChild<QCheckBox *>(QStringLiteral("routeStripPath"))->setChecked(true);

        // Meanwhile, someone else (the Admin API) changes the same route.
        QVERIFY(fixture.config
                    ->edit(ConfigSource::Admin, QStringLiteral("route users updated"), 0,
                           [](Config &c) {
                               c.routes[0].hosts = {QStringLiteral("api.example.test")};
                               return EditOutcome{};
                           })
                    .ok());
        okButton(dialog)->click();
        QVERIFY(dialog->isVisible());
        QVERIFY(dialog->notice().contains(QStringLiteral("changed elsewhere")));
        QCOMPARE(fixture.config->config().routes[0].hosts,
                 QStringList{QStringLiteral("api.example.test")});
        QCOMPARE(fixture.config->config().routes[0].stripPath, false);
        QTest::qWait(300); // the debounced check must not hide the notice
        QVERIFY(dialog->notice().contains(QStringLiteral("changed elsewhere")));

        // A second OK, knowingly, applies it over the new version.
        okButton(dialog)->click();
        QTRY_VERIFY(!dialog->isVisible());
        QCOMPARE(fixture.config->config().routes[0].stripPath, true);
    }

    void duplicateDisableAndDeleteAreOneEditEach()
    {
        TestBackend backend(QStringLiteral("users"));
        ControlRoomFixture fixture(configFor(backend.url(), backend.url()));
        QVERIFY(fixture.start());
        RoutesPage page(fixture.room());
        page.show();
        QVERIFY(QTest::qWaitForWindowActive(&page));
        auto *table = page.findChild<QTableView *>(QStringLiteral("routeTable"));
        QCOMPARE(status(fixture.engine, "/users/1"), 200);

        page.selectRoute(QStringLiteral("users"));
        table->setFocus();
        QTest::keyClick(table, Qt::Key_D, Qt::ControlModifier);
        QCOMPARE(fixture.config->revision(), 2);
        const Config &c = fixture.config->config();
        QCOMPARE(c.routes.size(), size_t(3));
        QCOMPARE(c.routes[1].name, QStringLiteral("users-copy"));
        QCOMPARE(c.routes[1].paths, c.routes[0].paths);
        QCOMPARE(page.selectedRoutes(), QStringList{QStringLiteral("users-copy")});

        // Delete asks first; Cancel keeps it.
        QTest::keyClick(table, Qt::Key_Delete);
        QMessageBox *box = nullptr;
        QTRY_VERIFY((box = page.findChild<QMessageBox *>(QStringLiteral("confirmDelete"))));
        box->button(QMessageBox::Cancel)->click();
        QCOMPARE(fixture.config->config().routes.size(), size_t(3));
        QTRY_VERIFY(!page.findChild<QMessageBox *>(QStringLiteral("confirmDelete")));
        page.findChild<QAction *>(QStringLiteral("deleteRoute"))->trigger();
        confirmDelete(page);
        QCOMPARE(fixture.config->config().routes.size(), size_t(2));
        QCOMPARE(fixture.config->revision(), 3);

        page.selectRoute(QStringLiteral("users"));
        auto *toggle = page.findChild<QAction *>(QStringLiteral("toggleRoute"));
        QCOMPARE(toggle->text().remove(u'&'), QStringLiteral("Disable"));
        toggle->trigger();
        QCOMPARE(fixture.config->config().routes[0].enabled, false);
        QCOMPARE(status(fixture.engine, "/users/1"), 404);
        QCOMPARE(toggle->text().remove(u'&'), QStringLiteral("Enable"));
        QVERIFY(cell(*table->model(), 0, RouteTableModel::Name).contains(
            QStringLiteral("disabled")));
        QCOMPARE(fixture.config->store().history(1).front().summary,
                 QStringLiteral("route users disabled"));
        toggle->trigger();
        QCOMPARE(status(fixture.engine, "/users/1"), 200);
    }

    void emptyStateOffersToAddARouteOrLoadTheDemo()
    {
        Config empty;
        empty.settings.listen = QStringLiteral("127.0.0.1:0");
        empty.settings.adminListen = QStringLiteral("127.0.0.1:0");
        ControlRoomFixture fixture(empty);
        RoutesPage page(fixture.room());
        page.show();
        auto *state = page.findChild<EmptyState *>(QStringLiteral("routesEmpty"));
        QVERIFY(state->isVisible());
        QCOMPARE(state->title(), QStringLiteral("No routes yet"));
        QVERIFY(state->findChild<QPushButton *>(QStringLiteral("emptyAddRoute"))->isVisible());

        state->findChild<QPushButton *>(QStringLiteral("emptyLoadDemo"))->click();
        QVERIFY(page.messageText().isEmpty());
        QCOMPARE(fixture.config->config().routes.size(), size_t(4));
        QVERIFY(!state->isVisible());
        QVERIFY(page.findChild<QTableView *>(QStringLiteral("routeTable"))->isVisible());
    }

    void changesFromElsewhereReloadTheTable()
    {
        ControlRoomFixture fixture(sampleConfig());
        RoutesPage page(fixture.room());
        page.show();
        page.selectRoute(QStringLiteral("admin"));
        QVERIFY(fixture.config
                    ->edit(ConfigSource::Admin, QStringLiteral("route added"), 0,
                           [](Config &c) {
                               RouteConfig r = c.routes[0];
                               r.name = QStringLiteral("aaa");
                               c.routes.insert(c.routes.begin(), r);
                               return EditOutcome{};
                           })
                    .ok());
        QCOMPARE(page.model()->rowCount(), 3);
        QCOMPARE(page.selectedRoutes(), QStringList{QStringLiteral("admin")});
    }
};

QTEST_MAIN(TestRoutesPage)
#include "tst_routes_page.moc"
