// The plans page: the plan table model, the limits editor's validation, add and delete (a
// plan in use is refused, and why is shown), the consumers a plan covers, and an edited limit
// reaching the running gateway.

#include "ControlRoomFixture.h"
#include "PageTestConfig.h"
#include "models/PlanTableModel.h"
#include "pages/PlansPage.h"
#include "views/PlanEditor.h"

#include "RawHttpClient.h"
#include "TestBackend.h"

#include "config/ApiKeys.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStringListModel>
#include <QTableView>
#include <QTest>

using namespace portico;
using namespace portico::test;

namespace {

PlanConfig plan(const QString &name, qint64 second, qint64 minute, qint64 day = 0)
{
    PlanConfig p;
    p.name = name;
    p.limits.second = second;
    p.limits.minute = minute;
    p.limits.day = day;
    return p;
}

Config sampleConfig(const QString &backendUrl = QStringLiteral("http://127.0.0.1:1"))
{
    Config c = ordersBehindKeys(backendUrl, 1);
    c.plans = {plan(QStringLiteral("free"), 0, 100, 1000), plan(QStringLiteral("pro"), 50, 0),
               plan(QStringLiteral("unused"), 1, 0)};
    c.consumers = {consumer(QStringLiteral("zeta-app"), QStringLiteral("free")),
                   consumer(QStringLiteral("alpha-app"), QStringLiteral("free")),
                   consumer(QStringLiteral("beta-app"), QStringLiteral("pro"))};
    return c;
}

QString cell(const QAbstractItemModel &m, int row, int column)
{
    return m.data(m.index(row, column)).toString();
}

} // namespace

class TestPlansPage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void planModelPassesModelTester()
    {
        PlanTableModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        Config config = sampleConfig();
        model.setConfig(config);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(cell(model, 0, PlanTableModel::Name), QStringLiteral("free"));
        QCOMPARE(cell(model, 0, PlanTableModel::Second), QStringLiteral("—"));
        QCOMPARE(cell(model, 0, PlanTableModel::Minute), QStringLiteral("100"));
        QCOMPARE(cell(model, 0, PlanTableModel::Day), QLocale().toString(1000));
        QCOMPARE(cell(model, 0, PlanTableModel::Consumers), QStringLiteral("2"));
        QCOMPARE(cell(model, 2, PlanTableModel::Consumers), QStringLiteral("0"));

        // Same plans, new figures: updated in place.
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        config.plans[1].limits.hour = 2000;
        config.consumers[0].plan = QStringLiteral("pro");
        model.setConfig(config);
        QCOMPARE(reset.size(), 0);
        QCOMPARE(cell(model, 1, PlanTableModel::Hour), QLocale().toString(2000));
        QCOMPARE(cell(model, 1, PlanTableModel::Consumers), QStringLiteral("2"));
        config.plans.pop_back();
        model.setConfig(config);
        QCOMPARE(reset.size(), 1);
        QCOMPARE(model.rowCount(), 2);
        model.setConfig(Config());
        QCOMPARE(model.rowCount(), 0);
    }

    void showsTheConsumersAPlanCovers()
    {
        ControlRoomFixture fixture(sampleConfig());
        PlansPage page(fixture.room());
        QVERIFY(page.selectPlan(QStringLiteral("free")));
        QCOMPARE(page.consumersModel()->stringList(),
                 QStringList({QStringLiteral("alpha-app"), QStringLiteral("zeta-app")}));
        QVERIFY(page.findChild<QLabel *>(QStringLiteral("planConsumersTitle"))
                    ->text()
                    .contains(QStringLiteral("2 consumers")));
        QVERIFY(page.selectPlan(QStringLiteral("unused")));
        QVERIFY(page.consumersModel()->stringList().isEmpty());
        // The editor shows the selected plan, "no limit" for empty windows.
        PlanEditor *editor = page.editor();
        QCOMPARE(editor->nameEdit()->text(), QStringLiteral("unused"));
        QCOMPARE(editor->limitBox("minute")->text(), QStringLiteral("no limit"));
        QCOMPARE(editor->limitBox("second")->value(), 1.0);
        QVERIFY(!editor->applyButton()->isEnabled()); // nothing changed yet
    }

    void invalidFieldsBlockApply()
    {
        ControlRoomFixture fixture(sampleConfig());
        PlansPage page(fixture.room());
        QVERIFY(page.selectPlan(QStringLiteral("pro")));
        PlanEditor *editor = page.editor();
        QPushButton *apply = editor->applyButton();
        auto *nameMessage = editor->findChild<QLabel *>(QStringLiteral("planNameMessage"));
        editor->nameEdit()->setText(QStringLiteral("pro plan"));
        QVERIFY(!apply->isEnabled());
        QVERIFY2(nameMessage->text().contains(QStringLiteral("only letters")),
                 qPrintable(nameMessage->text()));
        editor->nameEdit()->setText(QStringLiteral("free"));
        QVERIFY(!apply->isEnabled());
        QVERIFY(nameMessage->text().contains(QStringLiteral("already named")));
        editor->nameEdit()->clear();
        QVERIFY(nameMessage->text().contains(QStringLiteral("required")));
        editor->nameEdit()->setText(QStringLiteral("pro"));
        QVERIFY(nameMessage->isHidden());
        QVERIFY(!apply->isEnabled()); // back to the stored plan: nothing to apply
        editor->setLimit("hour", 3000);
        QVERIFY(apply->isEnabled());
        QTest::mouseClick(apply, Qt::LeftButton);
        QCOMPARE(fixture.config->config().plans[1].limits.hour, 3000);
        QCOMPARE(cell(*page.model(), 1, PlanTableModel::Hour), QLocale().toString(3000));
        QVERIFY(!apply->isEnabled());
    }

    void addRenameAndDeletePlans()
    {
        ControlRoomFixture fixture(sampleConfig());
        PlansPage page(fixture.room());
        page.findChild<QAction *>(QStringLiteral("addPlan"))->trigger();
        PlanEditor *editor = page.editor();
        QVERIFY(editor->isNew());
        QVERIFY(!editor->applyButton()->isEnabled()); // a name is needed
        editor->nameEdit()->setText(QStringLiteral("enterprise"));
        editor->setLimit("second", 1000);
        editor->setLimit("month", 50'000'000);
        QVERIFY(editor->applyButton()->isEnabled());
        editor->applyButton()->click();
        QCOMPARE(fixture.config->config().plans.size(), size_t(4));
        QCOMPARE(fixture.config->config().plans[3].limits.month, 50'000'000);
        QCOMPARE(page.selectedName(), QStringLiteral("enterprise"));

        // Renaming a plan moves its consumers with it.
        QVERIFY(page.selectPlan(QStringLiteral("free")));
        editor->nameEdit()->setText(QStringLiteral("starter"));
        editor->applyButton()->click();
        QCOMPARE(fixture.config->config().plans[0].name, QStringLiteral("starter"));
        QCOMPARE(fixture.config->config().consumers[0].plan, QStringLiteral("starter"));
        QCOMPARE(page.selectedName(), QStringLiteral("starter"));

        // A plan in use cannot go: the page shows what validation says, naming the consumers.
        page.findChild<QAction *>(QStringLiteral("deletePlan"))->trigger();
        QMessageBox *confirm = page.confirmation();
        QVERIFY(confirm);
        QVERIFY(confirm->informativeText().contains(QStringLiteral("2 consumers")));
        destructiveButton(confirm)->click();
        QCOMPARE(fixture.config->config().plans.size(), size_t(4));
        const QString shown = page.messageText();
        QVERIFY2(shown.contains(QStringLiteral("unknown plan \"starter\"")), qPrintable(shown));
        QVERIFY2(shown.contains(QStringLiteral("zeta-app")), qPrintable(shown));
        QVERIFY(!page.findChild<QLabel *>(QStringLiteral("plansMessage"))->isHidden());

        // One no consumer uses goes, after the confirmation.
        QVERIFY(page.selectPlan(QStringLiteral("unused")));
        page.findChild<QAction *>(QStringLiteral("deletePlan"))->trigger();
        confirm = page.confirmation();
        QVERIFY(confirm);
        confirm->button(QMessageBox::Cancel)->click();
        QCOMPARE(fixture.config->config().plans.size(), size_t(4));
        QTRY_VERIFY(!page.confirmation());
        page.findChild<QAction *>(QStringLiteral("deletePlan"))->trigger();
        destructiveButton(page.confirmation())->click();
        QCOMPARE(fixture.config->config().plans.size(), size_t(3));
        QCOMPARE(page.model()->rowCount(), 3);
        QVERIFY(page.messageText().isEmpty());
    }

    void editedLimitIsWhatTheGatewayApplies()
    {
        TestBackend backend;
        Config config = sampleConfig(backend.url());
        const QString key = generateApiKey();
        config.consumers[0].keys = {storedApiKey(key, QDateTime::currentDateTimeUtc())};
        ControlRoomFixture fixture(config);
        QVERIFY(fixture.start());
        RawHttpClient client(fixture.engine.listenPort());
        const RawHeaders withKey{{"X-API-Key", key.toLatin1()}};
        RawResponse r = client.get("/orders", withKey);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("RateLimit-Policy"),
                 QByteArray(R"("plan.minute";q=100;w=60, "plan.day";q=1000;w=86400)"));

        PlansPage page(fixture.room());
        QVERIFY(page.selectPlan(QStringLiteral("free")));
        page.editor()->setLimit("minute", 3);
        page.editor()->setLimit("day", 0); // "no limit"
        QCOMPARE(page.editor()->limitBox("day")->text(), QStringLiteral("no limit"));
        page.editor()->applyButton()->click();
        QCOMPARE(fixture.config->config().plans[0].limits.minute, 3);

        r = client.get("/orders", withKey); // the next request, same connection
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("RateLimit-Policy"), QByteArray(R"("plan.minute";q=3;w=60)"));
        QCOMPARE(client.get("/orders", withKey).status, 200); // the third in the minute
        QCOMPARE(client.get("/orders", withKey).status, 429);
        QCOMPARE(backend.requestCount(), 3);
    }

    void emptyStateOffersToAddAPlan()
    {
        Config config = sampleConfig();
        config.plans.clear();
        config.consumers.clear();
        ControlRoomFixture fixture(config);
        PlansPage page(fixture.room());
        QVERIFY(page.findChild<QWidget *>(QStringLiteral("plansEmpty"))->isVisibleTo(&page));
        QVERIFY(!page.editor()->isEnabled());
    }
};

QTEST_MAIN(TestPlansPage)
#include "tst_plans_page.moc"
