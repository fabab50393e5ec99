// The Certificates page: the table (issuer, expiry, status, the default marked) and the banner
// of expiring and expired certificates, importing PEM files (a key of another certificate is
// refused in the dialog), creating one from the local CA (made on first use), editing hosts,
// making one the default, deleting, exporting the CA's certificate with how to trust it, and
// the HTTPS listener's settings, each change stored as one step of the configuration.

#include "ControlRoomFixture.h"
#include "MainWindow.h"
#include "PageTestConfig.h"
#include "dialogs/CertificateHostsDialog.h"
#include "dialogs/ImportCertificateDialog.h"
#include "dialogs/LocalCaCertificateDialog.h"
#include "dialogs/TrustInstructionsDialog.h"
#include "models/CertificateTableModel.h"
#include "pages/CertificatesPage.h"
#include "views/CertificateDetails.h"
#include "views/HttpsListenerPanel.h"

#include "certs/LocalCa.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QClipboard>
#include <QFile>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QCheckBox>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace portico;
using namespace portico::test;

namespace {

bool writeText(const QString &path, const QByteArray &text)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(text) == text.size();
}

QString cell(const QAbstractItemModel &m, int row, int column, int role = Qt::DisplayRole)
{
    return m.data(m.index(row, column), role).toString();
}

CertificateConfig stored(const QString &name, const IssuedCertificate &issued,
                         const QStringList &hosts = {})
{
    return CertificateConfig{name, hosts, QString::fromLatin1(issued.certificatePem),
                             QString::fromLatin1(issued.keyPem)};
}

template<typename T>
T *child(QObject *parent, const char *name)
{
    T *found = parent->findChild<T *>(QLatin1String(name));
    if (!found)
        qFatal("no child %s", name);
    return found;
}

} // namespace

class TestCertificatesPage : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_caDir;
    std::optional<LocalCa> m_ca;

    IssuedCertificate issue(const QStringList &names, QDateTime notBefore = {},
                            QDateTime notAfter = {})
    {
        QString error;
        std::optional<IssuedCertificate> issued = m_ca->issue(names, &error, notBefore, notAfter);
        if (!issued)
            qFatal("cannot issue: %s", qPrintable(error));
        return *issued;
    }

    // "web" for localhost (valid), "soon" for soon.test (expires in 5 days, hosts set), and
    // "old" for old.test (expired 3 days ago), in that order.
    Config threeCertificates()
    {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        Config c = ordersBehindKeys(QStringLiteral("http://127.0.0.1:1"), 1);
        c.certificates = {
            stored(QStringLiteral("web"), issue({QStringLiteral("localhost")})),
            stored(QStringLiteral("soon"),
                   issue({QStringLiteral("soon.test")}, now.addDays(-60),
                         now.addDays(5).addSecs(3600)),
                   {QStringLiteral("soon.test"), QStringLiteral("*.soon.test")}),
            stored(QStringLiteral("old"),
                   issue({QStringLiteral("old.test")}, now.addDays(-400), now.addDays(-3)))};
        return c;
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        // A CA of the test's own: never the user's.
        m_caDir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_caDir->isValid());
        qputenv("PORTICO_CA_DIR", m_caDir->path().toLocal8Bit());
        QString error;
        m_ca = LocalCa::loadOrCreate(m_caDir->path(), &error);
        QVERIFY2(m_ca, qPrintable(error));
    }

    void cleanup()
    {
        qunsetenv("PORTICO_CA_DIR");
        m_ca.reset();
        m_caDir.reset();
    }

    void tableShowsIssuerExpiryAndStatus()
    {
        const Config config = threeCertificates();
        CertificateTableModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setConfig(config, QDateTime::currentDateTimeUtc());
        QCOMPARE(model.rowCount(), 3);
        using C = CertificateTableModel;
        const QString caName = m_ca->info().subject;
        QCOMPARE(cell(model, 0, C::Name), QStringLiteral("web (default)"));
        QVERIFY(model.data(model.index(0, C::Name), Qt::DecorationRole).isValid());
        QCOMPARE(cell(model, 1, C::Name), QStringLiteral("soon"));
        QCOMPARE(cell(model, 0, C::Issuer), caName);
        QVERIFY2(cell(model, 0, C::Expires).contains(QStringLiteral("in 82")),
                 qPrintable(cell(model, 0, C::Expires)));
        QCOMPARE(cell(model, 0, C::Status), QStringLiteral("✔ valid"));
        QCOMPARE(cell(model, 1, C::Status), QStringLiteral("⚠ expiring soon"));
        QVERIFY(cell(model, 1, C::Expires).endsWith(QStringLiteral("in 5 days")));
        QCOMPARE(cell(model, 2, C::Status), QStringLiteral("✘ expired"));
        QVERIFY(cell(model, 2, C::Expires).endsWith(QStringLiteral("3 days ago")));
        QCOMPARE(model.data(model.index(2, C::Status), C::StateRole).toInt(),
                 int(CertificateStatus::State::Expired));
        // Hosts when set; else the certificate's own names, greyed.
        QCOMPARE(cell(model, 1, C::ServedNames), QStringLiteral("soon.test, *.soon.test"));
        QVERIFY(!model.data(model.index(1, C::ServedNames), Qt::ForegroundRole).isValid());
        QCOMPARE(cell(model, 0, C::ServedNames), QStringLiteral("localhost"));
        QVERIFY(model.data(model.index(0, C::ServedNames), Qt::ForegroundRole).isValid());
        // The status has its own colour for each state.
        const auto colour = [&](int row) {
            return model.data(model.index(row, C::Status), Qt::ForegroundRole)
                .value<QBrush>()
                .color();
        };
        QVERIFY(colour(0) != colour(1) && colour(1) != colour(2) && colour(0) != colour(2));

        ControlRoomFixture fixture(config);
        CertificatesPage page(fixture.room());
        const QString warnings = page.warningsText();
        QVERIFY2(warnings.contains(QStringLiteral("certificate \"old\" expired on")),
                 qPrintable(warnings));
        QVERIFY(warnings.contains(QStringLiteral("certificate \"soon\" expires in 5 days")));
        QVERIFY(!warnings.contains(QStringLiteral("\"web\"")));
        QCOMPARE(page.selectedName(), QStringLiteral("web"));
        const QString details = page.details()->text();
        QVERIFY2(details.contains(QStringLiteral("Issuer: ") + caName), qPrintable(details));
        QVERIFY(details.contains(QStringLiteral("Private key: stored (never shown")));
        QVERIFY(!details.contains(QStringLiteral("PRIVATE KEY")));

        // Valid ones only: no banner.
        ControlRoomFixture fine(Config{});
        CertificatesPage empty(fine.room());
        QVERIFY(empty.warningsText().isEmpty());
        QVERIFY(!child<QAction>(&empty, "deleteCertificate")->isEnabled());
    }

    void importingPemFilesStoresTheCertificateAndKey()
    {
        QTemporaryDir files;
        const IssuedCertificate issued = issue({QStringLiteral("api.test")});
        const QString certificatePath = files.filePath(QStringLiteral("api.crt"));
        const QString keyPath = files.filePath(QStringLiteral("api.key"));
        QVERIFY(writeText(certificatePath, issued.certificatePem));
        QVERIFY(writeText(keyPath, issued.keyPem));

        ControlRoomFixture fixture(threeCertificates());
        CertificatesPage page(fixture.room());
        ImportCertificateDialog *dialog = page.importPem();
        QVERIFY(dialog->isVisible());
        auto *import = child<QPushButton>(dialog, "importCertificate");
        QVERIFY(!import->isEnabled()); // a name and a file first
        child<QLineEdit>(dialog, "certificateName")->setText(QStringLiteral("api"));
        child<QLineEdit>(dialog, "certificateFile")->setText(certificatePath);
        QVERIFY(child<QLabel>(dialog, "certificatePreview")
                    ->text()
                    .contains(QStringLiteral("For api.test")));
        child<QLineEdit>(dialog, "keyFile")->setText(keyPath);
        child<QLineEdit>(dialog, "certificateHosts")
            ->setText(QStringLiteral("api.test, *.api.test"));
        QVERIFY(import->isEnabled());
        QTest::mouseClick(import, Qt::LeftButton);
        QTRY_VERIFY(!dialog->isVisible());

        const std::vector<CertificateConfig> &certificates = fixture.config->config().certificates;
        QCOMPARE(certificates.size(), size_t(4));
        QCOMPARE(certificates[3].name, QStringLiteral("api"));
        QCOMPARE(certificates[3].key.toLatin1().trimmed(), issued.keyPem.trimmed());
        QCOMPARE(certificates[3].certificate.toLatin1().trimmed(), issued.certificatePem.trimmed());
        QCOMPARE(certificates[3].hosts,
                 QStringList({QStringLiteral("api.test"), QStringLiteral("*.api.test")}));
        QCOMPARE(page.model()->rowCount(), 4);
        QCOMPARE(page.selectedName(), QStringLiteral("api"));
        QCOMPARE(fixture.config->store().history(1).front().summary,
                 QStringLiteral("certificate api imported"));

        // One file holding both, and the name of a stored certificate: a renewal that keeps
        // its hosts.
        const IssuedCertificate renewed = issue({QStringLiteral("api.test")});
        const QString both = files.filePath(QStringLiteral("both.pem"));
        QVERIFY(writeText(both, renewed.keyPem + renewed.certificatePem));
        dialog = page.importPem();
        child<QLineEdit>(dialog, "certificateName")->setText(QStringLiteral("api"));
        QVERIFY(!child<QLabel>(dialog, "certificateRenews")->isHidden());
        child<QLineEdit>(dialog, "certificateFile")->setText(both);
        dialog->importNow();
        QTRY_VERIFY(!dialog->isVisible());
        QCOMPARE(fixture.config->config().certificates.size(), size_t(4));
        QCOMPARE(fixture.config->config().certificates[3].key.toLatin1().trimmed(),
                 renewed.keyPem.trimmed());
        QCOMPARE(fixture.config->config().certificates[3].hosts.size(), 2);
    }

    void aKeyOfAnotherCertificateIsRefused()
    {
        QTemporaryDir files;
        const IssuedCertificate issued = issue({QStringLiteral("api.test")});
        const IssuedCertificate other = issue({QStringLiteral("api.test")});
        const QString certificatePath = files.filePath(QStringLiteral("api.crt"));
        const QString keyPath = files.filePath(QStringLiteral("other.key"));
        QVERIFY(writeText(certificatePath, issued.certificatePem));
        QVERIFY(writeText(keyPath, other.keyPem));

        ControlRoomFixture fixture(threeCertificates());
        CertificatesPage page(fixture.room());
        ImportCertificateDialog *dialog = page.importPem();
        child<QLineEdit>(dialog, "certificateName")->setText(QStringLiteral("api"));
        child<QLineEdit>(dialog, "certificateFile")->setText(certificatePath);
        child<QLineEdit>(dialog, "keyFile")->setText(keyPath);
        QTest::mouseClick(child<QPushButton>(dialog, "importCertificate"), Qt::LeftButton);
        auto *keyMessage = child<QLabel>(dialog, "keyFileMessage");
        QVERIFY2(keyMessage->text().contains(QStringLiteral("does not belong")),
                 qPrintable(keyMessage->text()));
        QVERIFY(!keyMessage->isHidden());
        QVERIFY(dialog->isVisible());
        QCOMPARE(fixture.config->config().certificates.size(), size_t(3));
        QCOMPARE(fixture.config->revision(), 1);

        // No key at all, and a host another certificate serves: said under their fields.
        child<QLineEdit>(dialog, "keyFile")->clear();
        dialog->importNow();
        QVERIFY2(keyMessage->text().contains(QStringLiteral("holds no PEM private key")),
                 qPrintable(keyMessage->text()));
        child<QLineEdit>(dialog, "keyFile")->setText(certificatePath + QStringLiteral(".none"));
        dialog->importNow();
        QVERIFY(keyMessage->text().contains(QStringLiteral("cannot read")));
        QVERIFY(writeText(keyPath, issued.keyPem));
        child<QLineEdit>(dialog, "keyFile")->setText(keyPath);
        child<QLineEdit>(dialog, "certificateHosts")->setText(QStringLiteral("soon.test"));
        dialog->importNow();
        const QString hostsMessage = child<QLabel>(dialog, "certificateHostsMessage")->text();
        QVERIFY2(hostsMessage.contains(QStringLiteral(
                     "\"soon.test\": \"soon.test\" is also served by certificate soon")),
                 qPrintable(hostsMessage));
        QCOMPARE(fixture.config->revision(), 1);
    }

    void createFromTheLocalCaMakesTheCaOnFirstUse()
    {
        // A directory with no CA yet: the dialog says it will be made, and makes it.
        QTemporaryDir fresh;
        const QString caDir = fresh.filePath(QStringLiteral("ca"));
        qputenv("PORTICO_CA_DIR", caDir.toLocal8Bit());
        ControlRoomFixture fixture(threeCertificates());
        CertificatesPage page(fixture.room());
        LocalCaCertificateDialog *dialog = page.createFromLocalCa();
        QVERIFY(child<QLabel>(dialog, "localCaLocation")
                    ->text()
                    .contains(QStringLiteral("does not exist yet")));
        auto *names = child<QLineEdit>(dialog, "caNames");
        QCOMPARE(names->text(), QStringLiteral("localhost, 127.0.0.1, ::1"));
        names->setText(names->text() + QStringLiteral(", *.app.test"));
        QTest::mouseClick(child<QPushButton>(dialog, "createCertificate"), Qt::LeftButton);
        QTRY_VERIFY(!dialog->isVisible());

        QString error;
        const std::optional<LocalCa> ca = LocalCa::load(caDir, &error);
        QVERIFY2(ca, qPrintable(error));
        const CertificateConfig &created = fixture.config->config().certificates.back();
        QCOMPARE(created.name, QStringLiteral("localhost")); // the first name
        QVERIFY(created.key.contains(QStringLiteral("PRIVATE KEY")));
        const std::optional<CertificateInfo> info =
            inspectCertificate(created.certificate.toLatin1(), &error);
        QVERIFY(info);
        QCOMPARE(info->issuer, ca->info().subject);
        QVERIFY(info->dnsNames.contains(QStringLiteral("*.app.test")));
        QVERIFY(info->ipAddresses.contains(QStringLiteral("::1")));
        QVERIFY(
            keyMatchesCertificate(created.certificate.toLatin1(), created.key.toLatin1(), &error));
        const int row = page.model()->rowOf(QStringLiteral("localhost"));
        QCOMPARE(cell(*page.model(), row, CertificateTableModel::Issuer), ca->info().subject);

        // A name the CA cannot issue for is said under the names.
        dialog = page.createFromLocalCa();
        names = child<QLineEdit>(dialog, "caNames");
        names->setText(QStringLiteral("bad name!"));
        child<QLineEdit>(dialog, "caCertificateName")->setText(QStringLiteral("bad"));
        dialog->createNow();
        QVERIFY(dialog->isVisible());
        QVERIFY(!child<QLabel>(dialog, "caNamesMessage")->text().isEmpty());
        QCOMPARE(fixture.config->config().certificates.size(), size_t(4));
    }

    void makeDefaultMovesItFirstAndDeleteRemovesIt()
    {
        ControlRoomFixture fixture(threeCertificates());
        CertificatesPage page(fixture.room());
        QVERIFY(!child<QAction>(&page, "makeDefaultCertificate")->isEnabled()); // web is first
        QVERIFY(page.selectCertificate(QStringLiteral("old")));
        QVERIFY(child<QAction>(&page, "makeDefaultCertificate")->isEnabled());
        child<QAction>(&page, "makeDefaultCertificate")->trigger();
        const auto names = [&] {
            QStringList out;
            for (const CertificateConfig &c : fixture.config->config().certificates)
                out.append(c.name);
            return out;
        };
        QCOMPARE(names(), QStringList({"old", "web", "soon"}));
        QCOMPARE(cell(*page.model(), 0, CertificateTableModel::Name),
                 QStringLiteral("old (default)"));
        QCOMPARE(page.selectedName(), QStringLiteral("old"));
        QCOMPARE(fixture.config->store().history(1).front().summary,
                 QStringLiteral("certificate old made default"));

        // Delete asks first; Cancel keeps it.
        child<QAction>(&page, "deleteCertificate")->trigger();
        QVERIFY(page.confirmation());
        QVERIFY(page.confirmation()->informativeText().contains(
            QStringLiteral("web becomes the default")));
        page.confirmation()->button(QMessageBox::Cancel)->click();
        QCOMPARE(names().size(), 3);
        QTRY_VERIFY(!page.confirmation());
        child<QAction>(&page, "deleteCertificate")->trigger();
        destructiveButton(page.confirmation())->click();
        QCOMPARE(names(), QStringList({"web", "soon"}));
        QCOMPARE(page.model()->rowCount(), 2);
        QVERIFY(!page.warningsText().contains(QStringLiteral("\"old\"")));

        // The only certificate of an HTTPS listener cannot go: the page says why.
        QVERIFY(fixture.config
                    ->edit(ConfigSource::Gui, QStringLiteral("https on"), 0,
                           [](Config &c) {
                               c.settings.listenTls = QStringLiteral("127.0.0.1:0");
                               c.certificates.pop_back();
                               return EditOutcome{};
                           })
                    .ok());
        QVERIFY(!page.removeCertificate(QStringLiteral("web")));
        QVERIFY2(page.messageText().contains(QStringLiteral("no certificate to serve")),
                 qPrintable(page.messageText()));
        QCOMPARE(names(), QStringList({"web"}));
    }

    void editHostsIsCheckedAgainstTheOthers()
    {
        ControlRoomFixture fixture(threeCertificates());
        CertificatesPage page(fixture.room());
        QVERIFY(page.selectCertificate(QStringLiteral("web")));
        CertificateHostsDialog *dialog = page.editHosts();
        QVERIFY(dialog);
        auto *hosts = child<QLineEdit>(dialog, "certificateHosts");
        auto *save = child<QPushButton>(dialog, "saveCertificateHosts");
        QVERIFY(hosts->placeholderText().contains(QStringLiteral("localhost")));
        hosts->setText(QStringLiteral("web.test, soon.test"));
        QVERIFY(!save->isEnabled());
        QVERIFY(child<QLabel>(dialog, "certificateHostsMessage")
                    ->text()
                    .contains(QStringLiteral("\"soon.test\": \"soon.test\" is also served by")));
        hosts->setText(QStringLiteral("web.test 127.0.0.1"));
        QVERIFY(child<QLabel>(dialog, "certificateHostsMessage")
                    ->text()
                    .contains(QStringLiteral("an address is not a server name")));
        hosts->setText(QStringLiteral("web.test, *.web.test"));
        QVERIFY(save->isEnabled());
        QTest::mouseClick(save, Qt::LeftButton);
        QTRY_VERIFY(!dialog->isVisible());
        QCOMPARE(fixture.config->config().certificates[0].hosts,
                 QStringList({QStringLiteral("web.test"), QStringLiteral("*.web.test")}));
        QCOMPARE(cell(*page.model(), 0, CertificateTableModel::ServedNames),
                 QStringLiteral("web.test, *.web.test"));
    }

    void exportsTheCaCertificateAndHowToTrustIt()
    {
        QTemporaryDir out;
        ControlRoomFixture fixture(threeCertificates());
        CertificatesPage page(fixture.room());
        const QString path = out.filePath(QStringLiteral("portico-ca.pem"));
        TrustInstructionsDialog *dialog = page.exportCaCertificateTo(path);
        QVERIFY(dialog);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), m_ca->certificatePem());
        auto *text = child<QPlainTextEdit>(dialog, "trustInstructions");
        QVERIFY(text->isReadOnly());
        QCOMPARE(text->toPlainText(), LocalCa::trustInstructions(path));
        child<QPushButton>(dialog, "copyTrustInstructions")->click();
        QCOMPARE(QGuiApplication::clipboard()->text(), LocalCa::trustInstructions(path));
        dialog->close();

        // Nowhere to write: said on the page, no dialog.
        QVERIFY(!page.exportCaCertificateTo(out.filePath(QStringLiteral("missing/ca.pem"))));
        QVERIFY(page.messageText().startsWith(QStringLiteral("Cannot write")));

        // Copy certificate PEM: the chain, never the key.
        QVERIFY(page.selectCertificate(QStringLiteral("soon")));
        child<QAction>(&page, "copyCertificatePem")->trigger();
        const QString copied = QGuiApplication::clipboard()->text();
        QCOMPARE(copied, fixture.config->config().certificates[1].certificate);
        QVERIFY(!copied.contains(QStringLiteral("PRIVATE KEY")));
    }

    void httpsListenerSettingsAreCheckedAndStored()
    {
        Config none = ordersBehindKeys(QStringLiteral("http://127.0.0.1:1"), 1);
        ControlRoomFixture fixture(none);
        CertificatesPage page(fixture.room());
        HttpsListenerPanel *panel = page.httpsPanel();
        auto *listen = child<QLineEdit>(panel, "listenTls");
        auto *apply = child<QPushButton>(panel, "applyHttps");
        QVERIFY(!apply->isEnabled());
        // No certificate yet: the address cannot be served.
        listen->setText(QStringLiteral("127.0.0.1:8443"));
        panel->validateNow();
        QVERIFY2(
            panel->fieldErrors()
                ->messageFor(QStringLiteral("settings.listen_tls"))
                .contains(QStringLiteral("no certificate to serve")),
            qPrintable(panel->fieldErrors()->messageFor(QStringLiteral("settings.listen_tls"))));
        QVERIFY(!apply->isEnabled());
        QVERIFY(!panel->apply());

        // Redirecting needs the address.
        listen->clear();
        child<QCheckBox>(panel, "redirectHttp")->setChecked(true);
        panel->validateNow();
        QVERIFY(panel->fieldErrors()
                    ->messageFor(QStringLiteral("settings.redirect_http"))
                    .contains(QStringLiteral("needs settings.listen_tls")));

        // With a certificate (added elsewhere), it goes through as one change.
        QVERIFY(fixture.config
                    ->edit(ConfigSource::Gui, QStringLiteral("certificate added"), 0,
                           [&](Config &c) {
                               c.certificates.push_back(
                                   stored(QStringLiteral("web"), issue({"localhost"})));
                               return EditOutcome{};
                           })
                    .ok());
        QVERIFY(child<QCheckBox>(panel, "redirectHttp")->isChecked()); // the edit stays
        listen->setText(QStringLiteral("127.0.0.1:8443"));
        child<QSpinBox>(panel, "hstsMaxAge")->setValue(31'536'000);
        child<QSpinBox>(panel, "certificateWarningDays")->setValue(14);
        panel->validateNow();
        QVERIFY(apply->isEnabled());
        QVERIFY(panel->apply());
        const SettingsConfig &s = fixture.config->config().settings;
        QCOMPARE(s.listenTls, QStringLiteral("127.0.0.1:8443"));
        QVERIFY(s.redirectHttp);
        QCOMPARE(s.hstsMaxAgeS, 31'536'000);
        QCOMPARE(s.certificateWarningDays, 14);
        QCOMPARE(fixture.config->store().history(1).front().summary,
                 QStringLiteral("HTTPS settings updated"));
        QVERIFY(!apply->isEnabled());
    }

    void theWindowHasTheCertificatesPage()
    {
        ControlRoomFixture fixture(threeCertificates());
        MainWindow window(fixture.room());
        window.showPage(MainWindow::Page::Certificates);
        QWidget *page = window.page(MainWindow::Page::Certificates);
        QCOMPARE(page->objectName(), QStringLiteral("page-certificates"));
        QVERIFY(qobject_cast<CertificatesPage *>(page));
        QCOMPARE(window.page(MainWindow::Page::Settings)->objectName(),
                 QStringLiteral("page-settings"));
    }
};

QTEST_MAIN(TestCertificatesPage)
#include "tst_certificates_page.moc"
