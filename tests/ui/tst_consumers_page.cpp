// The consumers page: its item models, filtering 100,000 consumers, creating and editing
// consumers with validation, and real flows through a running engine and backend: a key
// issued in the dialog authenticates, a revoked key is refused, quota bars count requests.

#include "ControlRoomFixture.h"
#include "PageTestConfig.h"
#include "dialogs/ConsumerDialog.h"
#include "dialogs/NewKeyDialog.h"
#include "dialogs/RotateKeyDialog.h"
#include "models/ApiKeyTableModel.h"
#include "models/ConsumerTableModel.h"
#include "models/LimitUsageModel.h"
#include "pages/ConsumersPage.h"
#include "views/ConsumerKeysPanel.h"
#include "views/QuotaPanel.h"

#include "RawHttpClient.h"
#include "TestBackend.h"

#include "config/ApiKeys.h"
#include "config/KeyEdits.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QClipboard>
#include <QComboBox>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>

using namespace portico;
using namespace portico::test;

namespace {

// A gateway with one key-authenticated route to `backendUrl`, consumers on plan "free".
Config gatewayConfig(const QString &backendUrl)
{
    Config c = ordersBehindKeys(backendUrl, 2);
    c.routes[0].rateLimit.second = 50; // a route's own limit: a second quota bar
    PlanConfig free;
    free.name = QStringLiteral("free");
    free.limits.minute = 100;
    free.limits.day = 10'000;
    c.plans = {free};
    c.consumers = {consumer(QStringLiteral("mobile-app"), QStringLiteral("free")),
                   consumer(QStringLiteral("partner-portal"), QStringLiteral("free"),
                            {QStringLiteral("partners")})};
    return c;
}

QString cell(const QAbstractItemModel &m, int row, int column, int role = Qt::DisplayRole)
{
    return m.data(m.index(row, column), role).toString();
}

int statusWithKey(quint16 port, const QString &key)
{
    RawHttpClient client(port);
    return client.get("/orders/1", {{"X-API-Key", key.toLatin1()}}).status;
}

} // namespace

class TestConsumersPage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void consumerModelPassesModelTesterAndUpdatesLiveRowsOnly()
    {
        ConsumerTableModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setFilterRole(ConsumerTableModel::FilterRole);
        proxy.setSortRole(ConsumerTableModel::SortRole);
        proxy.sort(ConsumerTableModel::RequestsPerSecond, Qt::DescendingOrder);
        QAbstractItemModelTester proxyTester(
            &proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);

        QList<ConsumerConfig> list = {consumer(QStringLiteral("a"), QStringLiteral("free")),
                                      consumer(QStringLiteral("b")),
                                      consumer(QStringLiteral("c"), {}, {QStringLiteral("x")})};
        list[0].keys.push_back(storedApiKey(generateApiKey(), QDateTime::currentDateTimeUtc()));
        ApiKeyConfig revoked = storedApiKey(generateApiKey(), QDateTime::currentDateTimeUtc());
        revoked.revoked = QDateTime::currentDateTimeUtc();
        list[0].keys.push_back(revoked);
        model.setConsumers(list);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(cell(model, 0, ConsumerTableModel::Plan), QStringLiteral("free"));
        QCOMPARE(cell(model, 1, ConsumerTableModel::Plan), QStringLiteral("—"));
        QCOMPARE(cell(model, 0, ConsumerTableModel::ActiveKeys), QStringLiteral("1 of 2"));
        QCOMPARE(cell(model, 2, ConsumerTableModel::Groups), QStringLiteral("x"));

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        TrafficSample sample;
        sample.consumers = {{QStringLiteral("b"), 40, 3, 12.5}};
        model.setTraffic(sample);
        QCOMPARE(changed.size(), 1); // only b's row
        QCOMPARE(changed[0][0].value<QModelIndex>().row(), 1);
        QCOMPARE(changed[0][0].value<QModelIndex>().column(),
                 int(ConsumerTableModel::RequestsPerSecond));
        QCOMPARE(cell(model, 1, ConsumerTableModel::RequestsPerSecond),
                 QLocale().toString(12.5, 'f', 0));
        QCOMPARE(cell(model, 1, ConsumerTableModel::RateLimited), QStringLiteral("3"));
        QCOMPARE(cell(proxy, 0, ConsumerTableModel::Name), QStringLiteral("b")); // busiest
        model.setTraffic(sample); // nothing moved: nothing repainted
        QCOMPARE(changed.size(), 1);
        model.setTraffic(TrafficSample()); // b's figures are gone (engine restarted)
        QCOMPARE(changed.size(), 2);
        QCOMPARE(cell(model, 1, ConsumerTableModel::RateLimited), QStringLiteral("0"));
        QCOMPARE(reset.size(), 0);

        proxy.setFilterFixedString(QStringLiteral("free"));
        QCOMPARE(proxy.rowCount(), 1);
        proxy.setFilterFixedString(QStringLiteral("x"));
        QCOMPARE(proxy.rowCount(), 1);
        model.setConsumers({});
        QCOMPARE(proxy.rowCount(), 0);
    }

    void keyAndUsageModelsPassModelTester()
    {
        ApiKeyTableModel keys;
        QAbstractItemModelTester keyTester(&keys,
                                           QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        ApiKeyConfig older = storedApiKey(generateApiKey(), now.addDays(-2));
        ApiKeyConfig newer = storedApiKey(generateApiKey(), now.addDays(-1));
        newer.expires = now.addSecs(-10);
        keys.setLastUsedSource(
            [&](const QString &id) { return id == older.id ? now.addSecs(-5) : QDateTime(); });
        keys.setKeys({older, newer});
        QCOMPARE(keys.rowCount(), 2);
        QCOMPARE(keys.keyAt(0)->id, newer.id); // newest first
        QCOMPARE(cell(keys, 0, ApiKeyTableModel::State), QStringLiteral("expired"));
        QCOMPARE(cell(keys, 1, ApiKeyTableModel::State), QStringLiteral("active"));
        QCOMPARE(cell(keys, 0, ApiKeyTableModel::LastUsed), QStringLiteral("never"));
        QCOMPARE(cell(keys, 1, ApiKeyTableModel::LastUsed), QStringLiteral("just now"));
        QSignalSpy reset(&keys, &QAbstractItemModel::modelReset);
        keys.setKeys({newer, older}); // the same keys: refreshed in place
        QCOMPARE(reset.size(), 0);
        older.revoked = now;
        keys.setKeys({older, newer});
        QCOMPARE(reset.size(), 1);
        QCOMPARE(cell(keys, 1, ApiKeyTableModel::State), QStringLiteral("revoked"));
        keys.setKeys({});
        QCOMPARE(keys.rowCount(), 0);

        LimitUsageModel usage;
        QAbstractItemModelTester usageTester(
            &usage, QAbstractItemModelTester::FailureReportingMode::QtTest);
        LimitUsage minute;
        minute.window = RateWindow::Minute;
        minute.limit = 100;
        minute.used = 37;
        minute.remaining = 63;
        minute.reset = now.addSecs(42);
        LimitUsage route;
        route.scope = LimitUsage::Scope::Route;
        route.route = QStringLiteral("orders");
        route.window = RateWindow::Second;
        route.limit = 5;
        usage.setUsage(QStringLiteral("free"), {minute, route}, now);
        QCOMPARE(usage.rowCount(), 2);
        QCOMPARE(cell(usage, 0, LimitUsageModel::Limit), QStringLiteral("Plan free · per minute"));
        QCOMPARE(cell(usage, 0, LimitUsageModel::Usage), QStringLiteral("37 / 100"));
        QCOMPARE(usage.data(usage.index(0, LimitUsageModel::Usage), LimitUsageModel::FractionRole)
                     .toDouble(),
                 0.37);
        QCOMPARE(cell(usage, 0, LimitUsageModel::Resets), QStringLiteral("in 42 s"));
        QCOMPARE(cell(usage, 1, LimitUsageModel::Resets), QStringLiteral("—"));
        QSignalSpy usageReset(&usage, &QAbstractItemModel::modelReset);
        QSignalSpy usageChanged(&usage, &QAbstractItemModel::dataChanged);
        minute.used = 38;
        usage.setUsage(QStringLiteral("free"), {minute, route}, now.addSecs(2));
        QCOMPARE(usageReset.size(), 0); // the bars move in place
        QCOMPARE(usageChanged.size(), 1);
        QCOMPARE(cell(usage, 0, LimitUsageModel::Usage), QStringLiteral("38 / 100"));
        QCOMPARE(cell(usage, 0, LimitUsageModel::Resets), QStringLiteral("in 40 s"));
        usage.setUsage(QStringLiteral("free"), {route}, now);
        QCOMPARE(usageReset.size(), 1);
        usage.clear();
        QCOMPARE(usage.rowCount(), 0);
        QCOMPARE(LimitUsageModel::countdown(3'725'000), QStringLiteral("in 1 h 2 min"));
    }

    void filtersAHundredThousandConsumers()
    {
        Config config;
        config.settings.listen = QStringLiteral("127.0.0.1:0");
        PlanConfig gold;
        gold.name = QStringLiteral("gold");
        gold.limits.minute = 10;
        config.plans = {gold};
        config.consumers.reserve(100'000);
        for (int i = 0; i < 100'000; ++i)
            config.consumers.append(consumer(QStringLiteral("app-%1").arg(i),
                                             i % 1000 == 0 ? QStringLiteral("gold") : QString()));
        ControlRoomFixture fixture(config);
        QElapsedTimer timer;
        timer.start();
        ConsumersPage page(fixture.room());
        QCOMPARE(page.model()->rowCount(), 100'000);
        page.setFilterText(QStringLiteral("gold"));
        QCOMPARE(page.proxy()->rowCount(), 100);
        page.setFilterText(QStringLiteral("app-99999"));
        QCOMPARE(page.proxy()->rowCount(), 1);
        QVERIFY(page.selectConsumer(QStringLiteral("app-5")));
        QCOMPARE(page.selectedName(), QStringLiteral("app-5"));
        QCOMPARE(page.proxy()->rowCount(), 100'000); // selecting a hidden one cleared the filter
        const qint64 elapsed = timer.elapsed();
        qInfo("100,000 consumers: page, two filters and a selection in %lld ms", elapsed);
        QVERIFY2(elapsed < 10'000, qPrintable(QString::number(elapsed)));
        // Live figures touch only the rows that moved.
        QSignalSpy changed(page.model(), &QAbstractItemModel::dataChanged);
        TrafficSample sample;
        sample.consumers = {{QStringLiteral("app-7"), 1, 0, 1.0}};
        page.model()->setTraffic(sample);
        QCOMPARE(changed.size(), 1);
    }

    void invalidConsumerNameBlocksApply()
    {
        ControlRoomFixture fixture(gatewayConfig(QStringLiteral("http://127.0.0.1:1")));
        ConsumersPage page(fixture.room());
        page.findChild<QAction *>(QStringLiteral("addConsumer"))->trigger();
        ConsumerDialog *dialog = page.consumerDialog();
        QVERIFY(dialog);
        auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("consumerName"));
        auto *apply = dialog->findChild<QPushButton *>(QStringLiteral("applyConsumer"));
        auto *message = dialog->findChild<QLabel *>(QStringLiteral("consumerNameMessage"));
        QVERIFY(name && apply && message);
        QVERIFY(!apply->isEnabled()); // empty name
        QVERIFY(message->text().contains(QStringLiteral("name is required")));

        QTest::keyClicks(name, QStringLiteral("bad name!"));
        QVERIFY(!apply->isEnabled());
        QVERIFY2(message->text().contains(QStringLiteral("only letters")),
                 qPrintable(message->text()));
        QVERIFY(!message->isHidden());

        name->setText(QStringLiteral("mobile-app"));
        QVERIFY(!apply->isEnabled());
        QVERIFY(message->text().contains(QStringLiteral("already named")));

        auto *groups = dialog->findChild<QLineEdit *>(QStringLiteral("consumerGroups"));
        auto *groupsMessage = dialog->findChild<QLabel *>(QStringLiteral("consumerGroupsMessage"));
        name->setText(QStringLiteral("billing-service"));
        groups->setText(QStringLiteral("staff, no way"));
        QVERIFY(!apply->isEnabled());
        QVERIFY(groupsMessage->text().contains(QStringLiteral("no way")));
        groups->setText(QStringLiteral("staff, internal"));
        auto *plan = dialog->findChild<QComboBox *>(QStringLiteral("consumerPlan"));
        plan->setCurrentIndex(plan->findData(QStringLiteral("free")));
        QVERIFY(apply->isEnabled());
        QVERIFY(message->isHidden());

        const qint64 before = fixture.config->revision();
        apply->click();
        QTRY_VERIFY(!page.consumerDialog()); // closed once stored
        QCOMPARE(fixture.config->revision(), before + 1);
        const ConsumerConfig &stored = fixture.config->config().consumers.back();
        QCOMPARE(stored.name, QStringLiteral("billing-service"));
        QCOMPARE(stored.plan, QStringLiteral("free"));
        QCOMPARE(stored.groups, QStringList({QStringLiteral("staff"), QStringLiteral("internal")}));
        QCOMPARE(page.selectedName(), QStringLiteral("billing-service"));
    }

    void editConflictIsShownAndNothingIsOverwritten()
    {
        ControlRoomFixture fixture(gatewayConfig(QStringLiteral("http://127.0.0.1:1")));
        ConsumersPage page(fixture.room());
        QVERIFY(page.selectConsumer(QStringLiteral("mobile-app")));
        page.editConsumer();
        ConsumerDialog *dialog = page.consumerDialog();
        QVERIFY(dialog);
        dialog->findChild<QLineEdit *>(QStringLiteral("consumerCustomId"))
            ->setText(QStringLiteral("from-gui"));
        // Meanwhile, another writer (the Admin API) changes the same consumer.
        QVERIFY(fixture.config
                    ->edit(ConfigSource::Admin, QStringLiteral("elsewhere"), 0,
                           [](Config &c) {
                               c.consumers[0].customId = QStringLiteral("from-admin");
                               return EditOutcome{};
                           })
                    .ok());
        dialog->findChild<QPushButton *>(QStringLiteral("applyConsumer"))->click();
        QVERIFY(page.consumerDialog() && dialog->isVisible()); // still open
        const QString shown =
            dialog->findChild<QLabel *>(QStringLiteral("consumerDialogMessage"))->text();
        QVERIFY2(shown.contains(QStringLiteral("changed elsewhere")), qPrintable(shown));
        QCOMPARE(fixture.config->config().consumers[0].customId, QStringLiteral("from-admin"));
        // Seen: applying again stores the user's version.
        dialog->findChild<QPushButton *>(QStringLiteral("applyConsumer"))->click();
        QTRY_VERIFY(!page.consumerDialog());
        QCOMPARE(fixture.config->config().consumers[0].customId, QStringLiteral("from-gui"));
    }

    void issuedKeyAuthenticatesAndRevokedKeyIsRefused()
    {
        TestBackend backend(QStringLiteral("orders"));
        ControlRoomFixture fixture(gatewayConfig(backend.url()));
        QVERIFY(fixture.start());
        const quint16 port = fixture.engine.listenPort();
        ConsumersPage page(fixture.room());
        QVERIFY(page.selectConsumer(QStringLiteral("mobile-app")));
        QCOMPARE(page.keys()->model()->rowCount(), 0);
        QCOMPARE(statusWithKey(port, QStringLiteral("pk_nothing")), 401);

        page.findChild<QAction *>(QStringLiteral("issueKey"))->trigger();
        NewKeyDialog *shown = page.keys()->newKeyDialog();
        QVERIFY(shown);
        QVERIFY(shown->isVisible());
        const QString key = shown->findChild<QLineEdit *>(QStringLiteral("newKeyText"))->text();
        QVERIFY(key.startsWith(QStringLiteral("pk_")));
        QVERIFY(shown->findChild<QLineEdit *>(QStringLiteral("newKeyText"))->isReadOnly());
        QVERIFY(shown->findChild<QLabel *>(QStringLiteral("newKeyWarningText"))
                    ->text()
                    .contains(QStringLiteral("will not be shown again")));
        shown->findChild<QPushButton *>(QStringLiteral("copyKey"))->click();
        QCOMPARE(QGuiApplication::clipboard()->text(), key);
        // The store holds the hash only; the table lists the new key, selected.
        const ConsumerConfig &stored = fixture.config->config().consumers[0];
        QCOMPARE(stored.keys.size(), size_t(1));
        QCOMPARE(stored.keys[0].hash, hashApiKey(key));
        QCOMPARE(page.keys()->model()->rowCount(), 1);
        QCOMPARE(cell(*page.keys()->model(), 0, ApiKeyTableModel::State), QStringLiteral("active"));
        QCOMPARE(cell(*page.model(), page.model()->rowOf(QStringLiteral("mobile-app")),
                      ConsumerTableModel::ActiveKeys),
                 QStringLiteral("1"));
        shown->findChild<QPushButton *>(QStringLiteral("closeNewKey"))->click();
        QTRY_VERIFY(!page.keys()->newKeyDialog());

        // The key works through the engine, up to the real backend.
        QCOMPARE(statusWithKey(port, key), 200);
        QCOMPARE(backend.requestCount(), 1);
        QCOMPARE(backend.lastRequest().headers.value("X-Consumer-Name"), QByteArray("mobile-app"));
        // Last use reaches the table (pending in the engine, not yet in the store).
        page.keys()->refreshKeys();
        QCOMPARE(cell(*page.keys()->model(), 0, ApiKeyTableModel::LastUsed),
                 QStringLiteral("just now"));

        // Revoke: asks first; cancelling changes nothing.
        QAction *revoke = page.findChild<QAction *>(QStringLiteral("revokeKey"));
        QVERIFY(revoke->isEnabled());
        revoke->trigger();
        QMessageBox *confirm = page.keys()->confirmation();
        QVERIFY(confirm);
        confirm->button(QMessageBox::Cancel)->click();
        QTRY_VERIFY(!page.keys()->confirmation());
        QCOMPARE(statusWithKey(port, key), 200);
        revoke->trigger();
        confirm = page.keys()->confirmation();
        QVERIFY(confirm);
        QAbstractButton *yes = destructiveButton(confirm);
        QVERIFY(yes);
        yes->click();
        QCOMPARE(statusWithKey(port, key), 401); // the next request
        QCOMPARE(backend.requestCount(), 2);
        QCOMPARE(cell(*page.keys()->model(), 0, ApiKeyTableModel::State),
                 QStringLiteral("revoked"));
        QVERIFY(!revoke->isEnabled()); // nothing more to do with a revoked key
    }

    void rotationKeepsTheOldKeyForTheGracePeriod()
    {
        TestBackend backend;
        ControlRoomFixture fixture(gatewayConfig(backend.url()));
        QVERIFY(fixture.start());
        const quint16 port = fixture.engine.listenPort();
        ConsumersPage page(fixture.room());
        QVERIFY(page.selectConsumer(QStringLiteral("partner-portal")));
        QVERIFY(page.keys()->issueKey());
        const QString first = page.keys()->newKeyDialog()->key();
        page.keys()->newKeyDialog()->close();

        page.findChild<QAction *>(QStringLiteral("rotateKey"))->trigger();
        RotateKeyDialog *ask = page.keys()->rotateDialog();
        QVERIFY(ask);
        QCOMPARE(ask->graceSeconds(), kDefaultRotationGraceS);
        ask->findChild<QPushButton *>(QStringLiteral("confirmRotate"))->click();
        QTRY_VERIFY(page.keys()->newKeyDialog());
        const QString second = page.keys()->newKeyDialog()->key();
        QVERIFY(second != first);
        QVERIFY(page.keys()
                    ->newKeyDialog()
                    ->findChild<QLabel *>(QStringLiteral("newKeyNote"))
                    ->text()
                    .contains(QStringLiteral("keeps working until")));
        page.keys()->newKeyDialog()->close();
        QCOMPARE(statusWithKey(port, first), 200); // within its grace period
        QCOMPARE(statusWithKey(port, second), 200);

        // Rotating the new key with no grace period: it stops at once.
        const QString secondId = apiKeyIdFromHash(hashApiKey(second));
        QVERIFY(page.keys()->rotateKey(secondId, 0));
        const QString third = page.keys()->newKeyDialog()->key();
        page.keys()->newKeyDialog()->close();
        QCOMPARE(statusWithKey(port, second), 401);
        QCOMPARE(statusWithKey(port, third), 200);
        QCOMPARE(page.keys()->model()->rowCount(), 3);
    }

    void quotaBarsShowTheUsedCount()
    {
        TestBackend backend;
        Config config = gatewayConfig(backend.url());
        const QString key = generateApiKey();
        config.consumers[0].keys = {storedApiKey(key, QDateTime::currentDateTimeUtc())};
        ControlRoomFixture fixture(config);
        ConsumersPage page(fixture.room());
        QVERIFY(page.selectConsumer(QStringLiteral("mobile-app")));
        QuotaPanel *quotas = page.quotas();
        // Stopped: said so, instead of bars.
        quotas->refresh();
        QVERIFY2(quotas->message().contains(QStringLiteral("not running")),
                 qPrintable(quotas->message()));

        QVERIFY(fixture.start());
        const quint16 port = fixture.engine.listenPort();
        for (int i = 0; i < 7; ++i)
            QCOMPARE(statusWithKey(port, key), 200);
        QSignalSpy refreshed(quotas, &QuotaPanel::refreshed);
        quotas->refresh();
        QVERIFY(refreshed.wait(5000));
        QVERIFY(quotas->message().isEmpty());
        LimitUsageModel *usage = quotas->model();
        QCOMPARE(usage->rowCount(), 3); // plan minute and day, the route's second
        QCOMPARE(cell(*usage, 0, LimitUsageModel::Limit),
                 QStringLiteral("Plan free · per minute"));
        QCOMPARE(cell(*usage, 0, LimitUsageModel::Usage), QStringLiteral("7 / 100"));
        QCOMPARE(cell(*usage, 0, LimitUsageModel::Remaining), QStringLiteral("93"));
        QCOMPARE(cell(*usage, 1, LimitUsageModel::Usage),
                 QStringLiteral("7 / %1").arg(QLocale().toString(10'000)));
        QCOMPARE(usage->limitAt(2)->route, QStringLiteral("orders"));

        // The bars move with the traffic, in place.
        QAbstractItemModelTester tester(usage,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy reset(usage, &QAbstractItemModel::modelReset);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(statusWithKey(port, key), 200);
        // The periodic refresh while the page is shown.
        page.show();
        QTRY_COMPARE_WITH_TIMEOUT(cell(*usage, 0, LimitUsageModel::Usage),
                                  QStringLiteral("10 / 100"), 5000);
        QCOMPARE(reset.size(), 0);

        // A consumer with no limits says so.
        QVERIFY(fixture.config
                    ->edit(ConfigSource::Gui, QStringLiteral("no plan"), 0,
                           [](Config &c) {
                               c.consumers[1].plan.clear();
                               c.routes[0].rateLimit = LimitsConfig();
                               return EditOutcome{};
                           })
                    .ok());
        QVERIFY(page.selectConsumer(QStringLiteral("partner-portal")));
        QTRY_VERIFY_WITH_TIMEOUT(quotas->message().contains(QStringLiteral("No limits apply")),
                                 5000);

        fixture.engine.stop();
        QVERIFY(page.selectConsumer(QStringLiteral("mobile-app")));
        QTRY_VERIFY(quotas->message().contains(QStringLiteral("not running")));
    }

    void deletingAConsumerAsksFirst()
    {
        ControlRoomFixture fixture(gatewayConfig(QStringLiteral("http://127.0.0.1:1")));
        ConsumersPage page(fixture.room());
        QVERIFY(page.selectConsumer(QStringLiteral("partner-portal")));
        page.findChild<QAction *>(QStringLiteral("deleteConsumer"))->trigger();
        QMessageBox *confirm = page.confirmation();
        QVERIFY(confirm);
        QCOMPARE(fixture.config->config().consumers.size(), 2);
        destructiveButton(confirm)->click();
        QCOMPARE(fixture.config->config().consumers.size(), 1);
        QCOMPARE(page.model()->rowCount(), 1);
        QVERIFY(page.selectedName().isEmpty());
        // Changes from elsewhere show up: the list follows the store.
        QVERIFY(fixture.config
                    ->edit(ConfigSource::Admin, QStringLiteral("add"), 0,
                           [](Config &c) {
                               c.consumers.append(consumer(QStringLiteral("from-admin")));
                               return EditOutcome{};
                           })
                    .ok());
        QCOMPARE(page.model()->rowCount(), 2);
        QVERIFY(page.removeConsumer(QStringLiteral("mobile-app")));
        QVERIFY(page.removeConsumer(QStringLiteral("from-admin")));
        QVERIFY(page.findChild<QWidget *>(QStringLiteral("consumersEmpty"))->isVisibleTo(&page));
    }
};

QTEST_MAIN(TestConsumersPage)
#include "tst_consumers_page.moc"
