// The route tester in the desktop app: opened from the route editor it tests the unsaved edit
// (nothing is applied), opened from the routes page it tests the stored configuration, and the
// verdict shows the matched route, the outcome, the decisions and the upstream request head.
// Against a running engine, whose rate-limit use the verdict reflects.

#include "ControlRoomFixture.h"
#include "RawHttpClient.h"
#include "TestBackend.h"
#include "dialogs/RouteEditorDialog.h"
#include "dialogs/RouteTesterDialog.h"
#include "pages/RoutesPage.h"
#include "views/VerdictView.h"

#include <QAction>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QTreeWidget>

using namespace portico;
using namespace portico::test;

namespace {

Config sampleConfig(const QString &backendUrl)
{
    Config c;
    c.settings.listen = QStringLiteral("127.0.0.1:0");
    c.settings.adminListen = QStringLiteral("127.0.0.1:0");
    c.settings.workers = 1;
    c.services = {ServiceConfig{QStringLiteral("users"), {{backendUrl, 100}}}};
    RouteConfig users;
    users.name = QStringLiteral("users");
    users.paths = {QStringLiteral("/users")};
    users.service = QStringLiteral("users");
    users.rateLimit.minute = 1;
    RouteConfig admin;
    admin.name = QStringLiteral("admin");
    admin.paths = {QStringLiteral("/admin")};
    admin.hosts = {QStringLiteral("admin.example.test")};
    admin.service = QStringLiteral("users");
    c.routes = {users, admin};
    return c;
}

// Runs the dialog's test and waits for its verdict.
bool runAndWait(RouteTesterDialog *dialog)
{
    QSignalSpy tested(dialog, &RouteTesterDialog::tested);
    dialog->findChild<QPushButton *>(QStringLiteral("runTest"))->click();
    return tested.wait(10'000);
}

QString decisionsText(const VerdictView *view)
{
    QStringList lines;
    for (int i = 0; i < view->decisions()->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *item = view->decisions()->topLevelItem(i);
        lines << item->text(0) + QStringLiteral(": ") + item->text(1);
    }
    return lines.join(u'\n');
}

} // namespace

class TestRouteTesterDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void testsTheUnsavedEditFromTheRouteEditor()
    {
        TestBackend backend;
        ControlRoomFixture fixture(sampleConfig(backend.url()));
        QVERIFY(fixture.start());
        const QString base = fixture.engine.listenerUrls().front();
        RoutesPage page(fixture.room());
        page.show();
        page.selectRoute(QStringLiteral("users"));
        page.findChild<QAction *>(QStringLiteral("editRoute"))->trigger();
        auto *editor = page.findChild<RouteEditorDialog *>();
        QVERIFY(editor);

        // An unsaved change: /users becomes /people.
        editor->findChild<QPlainTextEdit *>(QStringLiteral("routePaths"))
            ->setPlainText(QStringLiteral("/people"));
        auto *testButton = editor->findChild<QPushButton *>(QStringLiteral("testRoute"));
        QVERIFY(testButton);
        testButton->click();
        auto *tester = editor->findChild<RouteTesterDialog *>(QStringLiteral("routeTester"));
        QVERIFY(tester);
        QVERIFY(QTest::qWaitForWindowExposed(tester));
        auto *url = tester->findChild<QLineEdit *>(QStringLiteral("testUrl"));
        QCOMPARE(url->text(), base + QStringLiteral("/people")); // prefilled from the edit
        QVERIFY(tester->findChild<QLabel *>(QStringLiteral("testAgainst"))
                    ->text()
                    .contains(QStringLiteral("unsaved edit of route users")));

        url->setText(base + QStringLiteral("/people/7?full=1"));
        tester->findChild<QPlainTextEdit *>(QStringLiteral("testHeaders"))
            ->setPlainText(QStringLiteral("Accept: application/json\nCookie: sid=secret"));
        QVERIFY(runAndWait(tester));
        const RouteVerdict &verdict = tester->verdict();
        QCOMPARE(verdict.outcome, RouteVerdict::Outcome::Forwarded);
        QCOMPARE(verdict.route, QStringLiteral("users"));
        VerdictView *view = tester->view();
        const QString backendUrl = backend.url();
        QCOMPARE(view->outcomeText(),
                 QStringLiteral("Forwarded to users \u2192 %1/people/7?full=1").arg(backendUrl));
        QCOMPARE(view->routeText(), QStringLiteral("users"));
        QVERIFY2(decisionsText(view).startsWith(QStringLiteral("route: users\nrate limit: "
                                                               "route.minute 0/1 left")),
                 qPrintable(decisionsText(view)));
        QVERIFY2(view->headText().startsWith(QStringLiteral("GET /people/7?full=1 HTTP/1.1\n")),
                 qPrintable(view->headText()));
        QVERIFY(view->headText().contains(QStringLiteral("Cookie: [redacted]")));
        QVERIFY(!view->headText().contains(QStringLiteral("secret")));
        QVERIFY(view->headText().contains(QStringLiteral("X-Forwarded-For: 127.0.0.1")));

        // The old path no longer matches in the edit, and the verdict says so; a near miss
        // names the route it nearly matched.
        url->setText(base + QStringLiteral("/users/7"));
        QVERIFY(runAndWait(tester));
        QCOMPARE(tester->verdict().status, 404);
        QCOMPARE(view->routeText(), QStringLiteral("none: no route matches path /users/7"));
        url->setText(base + QStringLiteral("/peop"));
        QVERIFY(runAndWait(tester));
        QCOMPARE(view->routeText(),
                 QStringLiteral("none: no route matches path /peop; nearest: "
                                "users (/people)"));
        QVERIFY(view->outcomeText().startsWith(QStringLiteral("Refused: 404")));

        // Nothing was applied: the gateway still routes /users, and nothing went upstream.
        QCOMPARE(fixture.config->config().routes[0].paths, QStringList{QStringLiteral("/users")});
        QCOMPARE(backend.requestCount(), 0);
        tester->close();
        editor->reject();
    }

    void testsTheStoredConfigurationFromTheRoutesPage()
    {
        TestBackend backend;
        ControlRoomFixture fixture(sampleConfig(backend.url()));
        QVERIFY(fixture.start());
        const QString base = fixture.engine.listenerUrls().front();
        RoutesPage page(fixture.room());
        page.show();
        page.selectRoute(QStringLiteral("admin"));
        RouteTesterDialog *tester = page.testRequest();
        QVERIFY(tester);
        // A host route: its host on the gateway's port.
        const QString port = base.mid(base.lastIndexOf(u':'));
        QCOMPARE(tester->findChild<QLineEdit *>(QStringLiteral("testUrl"))->text(),
                 QStringLiteral("http://admin.example.test") + port + QStringLiteral("/admin"));
        QVERIFY(runAndWait(tester));
        QCOMPARE(tester->verdict().route, QStringLiteral("admin"));
        QCOMPARE(tester->verdict().outcome, RouteVerdict::Outcome::Forwarded);
        tester->close();

        // The limit of 1 a minute, used by a real request: the verdict says the next one is
        // refused, and the real one then is.
        RawHttpClient client(fixture.engine.listenPort());
        QCOMPARE(client.get("/users/1").status, 200);
        tester = page.testRequest();
        tester->findChild<QLineEdit *>(QStringLiteral("testUrl"))
            ->setText(base + QStringLiteral("/users/2"));
        QVERIFY(runAndWait(tester));
        QCOMPARE(tester->verdict().status, 429);
        QVERIFY(tester->view()->outcomeText().startsWith(
            QStringLiteral("Refused: 429 rate limit exceeded")));
        QVERIFY(tester->view()->headText().startsWith(
            QStringLiteral("HTTP/1.1 429 Too Many Requests\n")));
        QCOMPARE(client.get("/users/2").status, 429);

        // A line that is no field is pointed at, and nothing runs.
        tester->findChild<QPlainTextEdit *>(QStringLiteral("testHeaders"))
            ->setPlainText(QStringLiteral("Accept: */*\nnot a field"));
        tester->runTest();
        QVERIFY(!tester->isTesting());
        auto *headersError = tester->findChild<QLabel *>(QStringLiteral("headersError"));
        QCOMPARE(headersError->text(), QStringLiteral("Line 2: write a field as Name: value."));
        tester->close();
    }
};

QTEST_MAIN(TestRouteTesterDialog)
#include "tst_route_tester_dialog.moc"
