// The Settings page: fields show what is stored, mistakes are named next to their field and
// block Apply, Apply changes what the running gateway does, and the Redis connection test asks
// a real Redis without holding up the window.

#include "ControlRoomFixture.h"
#include "pages/SettingsPage.h"
#include "views/FieldErrors.h"

#include "RedisTestServer.h"
#include "config/Snapshot.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTest>

using namespace portico;

namespace {

Config storedConfig()
{
    Config c;
    c.settings.listen = QStringLiteral("127.0.0.1:0");
    c.settings.adminListen = QStringLiteral("127.0.0.1:0");
    c.settings.workers = 1;
    return c;
}

template<typename W>
W *field(QWidget &page, const char *name)
{
    W *w = page.findChild<W *>(QLatin1String(name));
    if (!w)
        qFatal("no field %s", name);
    return w;
}

} // namespace

class TestSettingsPage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void fieldsShowTheStoredSettings()
    {
        Config c = storedConfig();
        c.settings.rateLimitHeaders = QStringLiteral("both");
        c.settings.quotaTimezone = QStringLiteral("Europe/Berlin");
        ControlRoomFixture fixture(c);
        SettingsPage page(fixture.room());
        QCOMPARE(field<QLineEdit>(page, "listen")->text(), QStringLiteral("127.0.0.1:0"));
        QVERIFY(field<QCheckBox>(page, "adminEnabled")->isChecked());
        QVERIFY(field<QRadioButton>(page, "storeLocal")->isChecked());
        QVERIFY(!field<QLineEdit>(page, "redisUrl")->isEnabled());
        QCOMPARE(field<QComboBox>(page, "headerStyle")->currentData().toString(),
                 QStringLiteral("both"));
        QCOMPARE(field<QComboBox>(page, "quotaTimezone")->currentText(),
                 QStringLiteral("Europe/Berlin"));
        QVERIFY(!field<QPushButton>(page, "apply")->isEnabled()); // nothing changed yet
        QVERIFY(page.editedSettings() == fixture.config->config().settings);
    }

    void aMistakeIsNamedNextToItsFieldAndBlocksApply()
    {
        ControlRoomFixture fixture(storedConfig());
        SettingsPage page(fixture.room());
        auto *apply = field<QPushButton>(page, "apply");
        field<QLineEdit>(page, "listen")->setText(QStringLiteral("localhost"));
        page.validateNow();
        QVERIFY(!apply->isEnabled());
        QVERIFY(page.fieldErrors()->messageFor(QStringLiteral("settings.listen"))
                    .contains(QStringLiteral("missing port")));
        QVERIFY(!page.apply());
        QCOMPARE(fixture.config->config().settings.listen, QStringLiteral("127.0.0.1:0"));
        QCOMPARE(fixture.config->revision(), 1);

        // A public Admin API address needs a token: the message sits by the token field.
        field<QLineEdit>(page, "listen")->setText(QStringLiteral("127.0.0.1:0"));
        field<QLineEdit>(page, "adminListen")->setText(QStringLiteral("0.0.0.0:9000"));
        page.validateNow();
        QVERIFY(!apply->isEnabled());
        QVERIFY(page.fieldErrors()->messageFor(QStringLiteral("settings.listen")).isEmpty());
        QVERIFY(page.fieldErrors()->messageFor(QStringLiteral("settings.admin_token"))
                    .contains(QStringLiteral("required")));
        field<QLineEdit>(page, "adminToken")->setText(QStringLiteral("s3cret"));
        page.validateNow();
        QVERIFY(apply->isEnabled());

        // The Redis URL is checked as typed.
        field<QRadioButton>(page, "storeRedis")->setChecked(true);
        field<QLineEdit>(page, "redisUrl")->setText(QStringLiteral("redis://u:p@127.0.0.1:1/0"));
        page.validateNow();
        QVERIFY(!apply->isEnabled());
        QVERIFY(page.fieldErrors()->messageFor(QStringLiteral("settings.rate_limit_store"))
                    .contains(QStringLiteral("passwords are not supported")));

        // Typing starts the check after a pause; Apply waits for it.
        field<QLineEdit>(page, "redisUrl")->setText(QStringLiteral("redis://127.0.0.1:1/0"));
        QVERIFY(!apply->isEnabled());
        QTRY_VERIFY(apply->isEnabled());
        page.revert();
        QVERIFY(field<QRadioButton>(page, "storeLocal")->isChecked());
        QVERIFY(!apply->isEnabled());
    }

    void applyReachesTheRunningGateway()
    {
        ControlRoomFixture fixture(storedConfig());
        QVERIFY(fixture.start());
        SettingsPage page(fixture.room());
        auto *headers = field<QComboBox>(page, "headerStyle");
        headers->setCurrentIndex(headers->findData(QStringLiteral("legacy")));
        field<QCheckBox>(page, "adminEnabled")->setChecked(false);
        QVERIFY(page.apply());
        const SettingsConfig stored = fixture.config->config().settings;
        QCOMPARE(stored.rateLimitHeaders, QStringLiteral("legacy"));
        QVERIFY(stored.adminListen.isEmpty()); // the Admin API is off from the next start
        QCOMPARE(fixture.config->revision(), 2);
        QCOMPARE(fixture.engine.snapshot()->config.settings.rateLimitHeaders,
                 QStringLiteral("legacy"));
        QCOMPARE(field<QLabel>(page, "notice")->text(), QStringLiteral("Applied."));

        // Turning it on again brings back an address.
        field<QCheckBox>(page, "adminEnabled")->setChecked(true);
        QCOMPARE(field<QLineEdit>(page, "adminListen")->text(), QStringLiteral("127.0.0.1:0"));
    }

    void changesElsewhereShowUnlessEditing()
    {
        ControlRoomFixture fixture(storedConfig());
        SettingsPage page(fixture.room());
        auto setWorkers = [&](int n) {
            return fixture.config->edit(ConfigSource::Admin, QStringLiteral("workers"), 0,
                                        [n](Config &c) {
                                            c.settings.workers = n;
                                            return EditOutcome{};
                                        });
        };
        QVERIFY(setWorkers(3).ok());
        QCOMPARE(page.editedSettings().workers, 3);

        // With an edit pending, the page keeps it and says what happened.
        field<QLineEdit>(page, "listen")->setText(QStringLiteral("127.0.0.1:18999"));
        page.validateNow();
        QVERIFY(setWorkers(4).ok());
        QCOMPARE(field<QLineEdit>(page, "listen")->text(), QStringLiteral("127.0.0.1:18999"));
        QVERIFY(field<QLabel>(page, "notice")->text().contains(QStringLiteral("elsewhere")));
        // Its Apply was made against the older revision: refused, not overwritten.
        QVERIFY(!page.apply());
        QCOMPARE(fixture.config->config().settings.listen, QStringLiteral("127.0.0.1:0"));
        page.revert();
        QCOMPARE(page.editedSettings().workers, 4);
    }

    void redisConnectionTest()
    {
        test::RedisTestServer redis;
        QVERIFY2(redis.start(), qPrintable(redis.errorString()));
        ControlRoomFixture fixture(storedConfig());
        SettingsPage page(fixture.room());
        QSignalSpy finished(&page, &SettingsPage::redisTestFinished);
        field<QRadioButton>(page, "storeRedis")->setChecked(true);
        field<QLineEdit>(page, "redisUrl")->setText(redis.url());
        page.testRedis();
        QVERIFY(finished.wait(10'000));
        QCOMPARE(finished.at(0).at(0).toBool(), true);
        QVERIFY(field<QLabel>(page, "redisResult")->text().contains(QStringLiteral("answered")));

        // A port where nothing listens: a clear failure, and the window was never blocked.
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const quint16 port = closed.serverPort();
        closed.close();
        field<QLineEdit>(page, "redisUrl")->setText(
            QStringLiteral("redis://127.0.0.1:%1/0").arg(port));
        page.testRedis();
        QVERIFY(finished.wait(10'000));
        QCOMPARE(finished.at(1).at(0).toBool(), false);
        QVERIFY(field<QLabel>(page, "redisResult")
                    ->text()
                    .contains(QStringLiteral("cannot connect")));

        field<QLineEdit>(page, "redisUrl")->setText(QStringLiteral("http://x"));
        page.testRedis();
        QCOMPARE(finished.size(), 3);
        QCOMPARE(finished.at(2).at(0).toBool(), false);
    }
};

QTEST_MAIN(TestSettingsPage)
#include "tst_settings_page.moc"
