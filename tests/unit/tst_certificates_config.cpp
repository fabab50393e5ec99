// Certificates in the configuration: the declarative format (PEM as YAML blocks, the private key
// left out of exports unless asked for, and taken back from the store on re-import), the store,
// validation (each error names its field) and the expiry warnings.
#include "certs/CertificateStatus.h"
#include "certs/LocalCa.h"
#include "config/ConfigStore.h"
#include "config/ConfigValidator.h"
#include "config/DeclarativeFormat.h"
#include "config/TreeValue.h"

#include <QTemporaryDir>
#include <QTest>

using namespace portico;

namespace {

QString describe(const ConfigErrors &errors)
{
    QStringList lines;
    for (const ConfigError &e : errors)
        lines.append(e.toString());
    return lines.join(QStringLiteral("; "));
}

bool hasError(const ConfigErrors &errors, const QString &path, const QString &messagePart)
{
    return std::any_of(errors.begin(), errors.end(), [&](const ConfigError &e) {
        return e.path == path && e.message.contains(messagePart);
    });
}

} // namespace

class TestCertificatesConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void yamlWritesPemAsBlocks();
    void exportLeavesKeysOutUnlessAsked();
    void reimportKeepsStoredKeys();
    void storeKeepsCertificates();
    void validationNamesTheField_data();
    void validationNamesTheField();
    void expiryWarnings();

private:
    CertificateConfig issue(const QString &name, const QStringList &names,
                            const QDateTime &notBefore = {}, const QDateTime &notAfter = {});
    Config configWithCertificates();

    QTemporaryDir m_dir;
    std::optional<LocalCa> m_ca;
};

void TestCertificatesConfig::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QString error;
    m_ca = LocalCa::create(m_dir.filePath(QStringLiteral("ca")), &error);
    QVERIFY2(m_ca, qPrintable(error));
}

CertificateConfig TestCertificatesConfig::issue(const QString &name, const QStringList &names,
                                                const QDateTime &notBefore,
                                                const QDateTime &notAfter)
{
    QString error;
    const std::optional<IssuedCertificate> made = m_ca->issue(names, &error, notBefore, notAfter);
    if (!made)
        qFatal("cannot issue: %s", qPrintable(error));
    return {name, {}, QString::fromUtf8(made->certificatePem), QString::fromUtf8(made->keyPem)};
}

Config TestCertificatesConfig::configWithCertificates()
{
    Config config;
    config.settings.listen = QStringLiteral("127.0.0.1:8080");
    config.settings.listenTls = QStringLiteral("127.0.0.1:8443");
    config.settings.redirectHttp = true;
    config.settings.hstsMaxAgeS = 3600;
    config.settings.certificateWarningDays = 14;
    config.certificates = {issue(QStringLiteral("local"), {QStringLiteral("localhost")}),
                           issue(QStringLiteral("apps"), {QStringLiteral("*.apps.test")})};
    config.certificates[1].hosts = {QStringLiteral("*.apps.test"), QStringLiteral("apps.test")};
    return config;
}

void TestCertificatesConfig::yamlWritesPemAsBlocks()
{
    const Config config = configWithCertificates();
    const QByteArray yaml = toDeclarativeYaml(config, PrivateKeys::Include);
    // A literal block, one PEM line per YAML line; not one quoted line full of "\n".
    QVERIFY2(yaml.contains("    certificate: |\n      -----BEGIN CERTIFICATE-----\n"),
             yaml.constData());
    QVERIFY(yaml.contains("    key: |\n      -----BEGIN PRIVATE KEY-----\n"));
    QVERIFY(!yaml.contains("\\n"));
    const ConfigLoadResult loaded = parseDeclarative(yaml);
    QVERIFY2(loaded.ok(), qPrintable(describe(loaded.errors)));
    QVERIFY(loaded.config == config);
    QCOMPARE(toDeclarativeYaml(loaded.config, PrivateKeys::Include), yaml);

    // JSON carries the same.
    const ConfigLoadResult fromJson =
        parseDeclarative(toDeclarativeJson(config, PrivateKeys::Include));
    QVERIFY2(fromJson.ok(), qPrintable(describe(fromJson.errors)));
    QVERIFY(fromJson.config == config);
}

void TestCertificatesConfig::exportLeavesKeysOutUnlessAsked()
{
    const Config config = configWithCertificates();
    for (const QByteArray &text : {toDeclarativeYaml(config), toDeclarativeJson(config)}) {
        QVERIFY(text.contains("BEGIN CERTIFICATE"));
        QVERIFY2(!text.contains("PRIVATE KEY"), text.constData());
    }
    QVERIFY(toDeclarativeYaml(config, PrivateKeys::Include).contains("PRIVATE KEY"));
}

void TestCertificatesConfig::reimportKeepsStoredKeys()
{
    const Config stored = configWithCertificates();
    const QByteArray exported = toDeclarativeYaml(stored);

    // Into the store it came from: every key comes back, nothing is lost.
    const ConfigLoadResult back = parseDeclarative(exported, &stored);
    QVERIFY2(back.ok(), qPrintable(describe(back.errors)));
    QVERIFY(back.config == stored);

    // Anywhere else the keys are missing, and the error says why.
    const ConfigLoadResult elsewhere = parseDeclarative(exported, nullptr);
    QVERIFY(hasError(elsewhere.errors, QStringLiteral("certificates[0].key"),
                     QStringLiteral("exports leave private keys out")));

    // A certificate that changed keeps no old key: the stored key is not its key.
    Config changed = stored;
    changed.certificates[0].certificate =
        issue(QStringLiteral("local"), {QStringLiteral("localhost")}).certificate;
    changed.certificates[0].key.clear();
    const ConfigLoadResult replaced = parseDeclarative(toDeclarativeYaml(changed), &stored);
    QVERIFY(hasError(replaced.errors, QStringLiteral("certificates[0].key"),
                     QStringLiteral("missing")));
}

void TestCertificatesConfig::storeKeepsCertificates()
{
    const QString path = m_dir.filePath(QStringLiteral("store.db"));
    const Config config = configWithCertificates();
    {
        ConfigStore::OpenResult opened = ConfigStore::open(path, config);
        QVERIFY2(opened.store, qPrintable(opened.error));
    }
    ConfigStore::OpenResult reopened = ConfigStore::open(path);
    QVERIFY2(reopened.store, qPrintable(reopened.error));
    QVERIFY(reopened.store->config() == config);

    // An edit of one certificate, then undone by a rollback: keys included.
    Config edited = config;
    edited.certificates[1].hosts = {QStringLiteral("*.apps.test")};
    edited.certificates.erase(edited.certificates.begin());
    const qint64 before = reopened.store->revision();
    QVERIFY(reopened.store->replace(edited, ConfigSource::Admin, QStringLiteral("edit")).ok());
    QVERIFY(reopened.store->config() == edited);
    QVERIFY(reopened.store->rollback(before).ok());
    QVERIFY(reopened.store->config() == config);
}

void TestCertificatesConfig::validationNamesTheField_data()
{
    QTest::addColumn<QString>("change");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("message");
    QTest::newRow("key of another certificate") << "other-key"
                                                << "certificates[1].key"
                                                << "does not belong to the certificate";
    QTest::newRow("no certificate") << "empty-certificate"
                                    << "certificates[0].certificate"
                                    << "missing";
    QTest::newRow("not PEM") << "garbage-certificate"
                             << "certificates[0].certificate"
                             << "PEM";
    QTest::newRow("encrypted or bad key") << "garbage-key"
                                          << "certificates[0].key"
                                          << "unencrypted PEM private key";
    QTest::newRow("bad host") << "bad-host"
                              << "certificates[1].hosts[1]"
                              << "invalid";
    QTest::newRow("address as a server name") << "address-host"
                                              << "certificates[1].hosts[0]"
                                              << "not a server name";
    QTest::newRow("name served twice") << "same-host"
                                       << "certificates[1].hosts[0]"
                                       << "also served by certificates[0]";
    QTest::newRow("duplicate name") << "same-name"
                                    << "certificates[1].name"
                                    << "duplicate";
    QTest::newRow("https without certificates") << "no-certificates"
                                                << "settings.listen_tls"
                                                << "no certificate";
    QTest::newRow("https on the plain port") << "same-port"
                                             << "settings.listen_tls"
                                             << "same address as settings.listen";
    QTest::newRow("redirect to nowhere") << "redirect-alone"
                                         << "settings.redirect_http"
                                         << "needs settings.listen_tls";
    QTest::newRow("negative hsts") << "negative-hsts"
                                   << "settings.hsts_max_age_s"
                                   << "between";
}

void TestCertificatesConfig::validationNamesTheField()
{
    QFETCH(QString, change);
    QFETCH(QString, path);
    QFETCH(QString, message);
    Config config = configWithCertificates();
    QVERIFY2(validateConfig(config).empty(), qPrintable(describe(validateConfig(config))));
    std::vector<CertificateConfig> &c = config.certificates;
    if (change == QLatin1String("other-key"))
        c[1].key = c[0].key;
    else if (change == QLatin1String("empty-certificate"))
        c[0].certificate.clear();
    else if (change == QLatin1String("garbage-certificate"))
        c[0].certificate = QStringLiteral("-----BEGIN CERTIFICATE-----\nnope\n");
    else if (change == QLatin1String("garbage-key"))
        c[0].key = QStringLiteral("-----BEGIN ENCRYPTED PRIVATE KEY-----\nxyz\n");
    else if (change == QLatin1String("bad-host"))
        c[1].hosts[1] = QStringLiteral("under_score.test!");
    else if (change == QLatin1String("address-host"))
        c[1].hosts[0] = QStringLiteral("127.0.0.1");
    else if (change == QLatin1String("same-host"))
        c[0].hosts = {QStringLiteral("*.APPS.test")}, c[1].hosts = {QStringLiteral("*.apps.test")};
    else if (change == QLatin1String("same-name"))
        c[1].name = c[0].name;
    else if (change == QLatin1String("no-certificates"))
        c.clear();
    else if (change == QLatin1String("same-port"))
        config.settings.listenTls = config.settings.listen;
    else if (change == QLatin1String("redirect-alone"))
        config.settings.listenTls.clear();
    else if (change == QLatin1String("negative-hsts"))
        config.settings.hstsMaxAgeS = -1;
    const ConfigErrors errors = validateConfig(config);
    QVERIFY2(hasError(errors, path, message), qPrintable(describe(errors)));
}

void TestCertificatesConfig::expiryWarnings()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    Config config = configWithCertificates(); // warning 14 days ahead
    config.certificates.push_back(issue(QStringLiteral("soon"), {QStringLiteral("soon.test")},
                                        now.addDays(-300), now.addDays(10).addSecs(3600)));
    config.certificates.push_back(issue(QStringLiteral("old"), {QStringLiteral("old.test")},
                                        now.addDays(-400), now.addDays(-2)));
    QVERIFY2(validateConfig(config).empty(), qPrintable(describe(validateConfig(config))));

    const std::vector<CertificateStatus> statuses = certificateStatuses(config, now);
    QCOMPARE(statuses.size(), size_t(4));
    QCOMPARE(statuses[0].state, CertificateStatus::State::Valid);
    QCOMPARE(statuses[2].state, CertificateStatus::State::Expiring);
    QCOMPARE(statuses[2].daysLeft, 10);
    QCOMPARE(statuses[3].state, CertificateStatus::State::Expired);
    QVERIFY(statuses[3].daysLeft < 0);

    const QStringList warnings = certificateWarnings(config, now);
    QCOMPARE(warnings.size(), 2);
    QVERIFY2(warnings[0].startsWith(QStringLiteral("certificate \"soon\" expires in 10 days (")),
             qPrintable(warnings[0]));
    QVERIFY2(warnings[1].startsWith(QStringLiteral("certificate \"old\" expired on ")),
             qPrintable(warnings[1]));

    // Read-only details for the Admin API.
    const QByteArray details = certificateDetailsTree(statuses[2]).toJson(true);
    QVERIFY2(details.contains("\"status\":\"expiring\""), details.constData());
    QVERIFY(details.contains("\"days_left\":10"));
    QVERIFY(details.contains("\"names\":[\"soon.test\"]"));
    QVERIFY(details.contains("\"issuer\":\"Portico development CA"));

    // A wider warning window flags the valid ones too.
    config.settings.certificateWarningDays = 3650;
    QCOMPARE(certificateWarnings(config, now).size(), 4);
}

QTEST_MAIN(TestCertificatesConfig)
#include "tst_certificates_config.moc"
