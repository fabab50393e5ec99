// Certificates through the Admin API: never a private key in an answer (unless an export asks
// for them), the key kept when a certificate or the whole configuration comes back without
// it, issuer and expiry shown, expiring certificates flagged in GET /status.
#include "AdminHarness.h"
#include "certs/LocalCa.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace portico;
using namespace portico::test;

namespace {

CertificateConfig issued(const LocalCa &ca, const QString &name, const QString &host,
                         const QDateTime &notBefore = {}, const QDateTime &notAfter = {})
{
    QString error;
    const std::optional<IssuedCertificate> made = ca.issue({host}, &error, notBefore, notAfter);
    if (!made)
        qFatal("cannot issue: %s", qPrintable(error));
    return {name, {}, QString::fromUtf8(made->certificatePem), QString::fromUtf8(made->keyPem)};
}

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

class TestAdminCertificates : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void answersNeverShowKeys();
    void certificateWithoutKeyKeepsIt();
    void wholeConfigWithoutKeysKeepsThem();
    void expiringCertificatesAreFlagged();

private:
    QTemporaryDir m_caDir;
    std::optional<LocalCa> m_ca;
    AdminHarness m_harness;
    Config m_initial;
};

void TestAdminCertificates::init()
{
    QString error;
    if (!m_ca)
        m_ca = LocalCa::create(m_caDir.path(), &error);
    QVERIFY2(m_ca, qPrintable(error));
    m_initial = baseConfig();
    m_initial.settings.listenTls = QStringLiteral("127.0.0.1:0");
    m_initial.certificates = {issued(*m_ca, QStringLiteral("local"), QStringLiteral("localhost")),
                              issued(*m_ca, QStringLiteral("api"), QStringLiteral("api.test"))};
    const QString why = m_harness.start(m_initial);
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

void TestAdminCertificates::cleanup()
{
    m_harness.stop();
}

void TestAdminCertificates::answersNeverShowKeys()
{
    RawResponse response = m_harness.admin("GET", "/certificates");
    QCOMPARE(response.status, 200);
    QVERIFY(!response.body.contains("PRIVATE KEY"));
    const QJsonArray list = response.json().value(QLatin1String("data")).toArray();
    QCOMPARE(list.size(), 2);
    const QJsonObject api = list[1].toObject();
    QCOMPARE(api.value(QLatin1String("name")).toString(), QStringLiteral("api"));
    QVERIFY(!api.contains(QLatin1String("key")));
    const QJsonObject details = api.value(QLatin1String("details")).toObject();
    QCOMPARE(details.value(QLatin1String("status")).toString(), QStringLiteral("valid"));
    QCOMPARE(details.value(QLatin1String("names")).toArray().first().toString(),
             QStringLiteral("api.test"));
    QVERIFY(details.value(QLatin1String("issuer"))
                .toString()
                .startsWith(QStringLiteral("Portico development CA")));
    QVERIFY(details.value(QLatin1String("days_left")).toInt() > 800);

    response = m_harness.admin("GET", "/certificates/api");
    QCOMPARE(response.status, 200);
    QVERIFY(!response.body.contains("PRIVATE KEY"));

    // The export leaves keys out, unless asked for them.
    response = m_harness.admin("GET", "/config");
    QVERIFY(response.body.contains("BEGIN CERTIFICATE"));
    QVERIFY(!response.body.contains("PRIVATE KEY"));
    response = m_harness.admin("GET", "/config?include_keys=true");
    QVERIFY(response.body.contains("BEGIN PRIVATE KEY"));
}

void TestAdminCertificates::certificateWithoutKeyKeepsIt()
{
    // The certificate as read, its hosts changed, sent back without a key.
    QJsonObject api = m_harness.admin("GET", "/certificates/api").json();
    api.remove(QLatin1String("details"));
    api.insert(QLatin1String("hosts"), QJsonArray{QStringLiteral("api.test")});
    RawResponse response = m_harness.admin("PUT", "/certificates/api", json(api));
    QVERIFY2(response.status == 200, response.body.constData());
    QCOMPARE(m_harness.config->config().certificates[1].key, m_initial.certificates[1].key);
    QCOMPARE(m_harness.config->config().certificates[1].hosts,
             QStringList{QStringLiteral("api.test")});

    // PATCH keeps it as well.
    response = m_harness.admin("PATCH", "/certificates/api", R"({"hosts": []})");
    QVERIFY2(response.status == 200, response.body.constData());
    QCOMPARE(m_harness.config->config().certificates[1].key, m_initial.certificates[1].key);

    // A new certificate needs its key; the error names the field.
    const CertificateConfig other = issued(*m_ca, QStringLiteral("new"), QStringLiteral("n.test"));
    QJsonObject created{{QStringLiteral("name"), other.name},
                        {QStringLiteral("certificate"), other.certificate}};
    response = m_harness.admin("POST", "/certificates", json(created));
    QCOMPARE(response.status, 400);
    QVERIFY2(response.body.contains("certificates[2].key"), response.body.constData());
    created.insert(QLatin1String("key"), other.key);
    response = m_harness.admin("POST", "/certificates", json(created));
    QVERIFY2(response.status == 201, response.body.constData());
    QVERIFY(!response.body.contains("PRIVATE KEY"));
    QCOMPARE(m_harness.config->config().certificates.size(), size_t(3));
}

void TestAdminCertificates::wholeConfigWithoutKeysKeepsThem()
{
    const QByteArray exported = m_harness.admin("GET", "/config").body;
    QVERIFY(!exported.contains("PRIVATE KEY"));
    RawResponse response = m_harness.admin("POST", "/config/validate", exported);
    QCOMPARE(response.json().value(QLatin1String("valid")).toBool(), true);
    response = m_harness.admin("PUT", "/config", exported);
    QVERIFY2(response.status == 200, response.body.constData());
    QVERIFY(m_harness.config->config().certificates == m_initial.certificates);
}

void TestAdminCertificates::expiringCertificatesAreFlagged()
{
    RawResponse response = m_harness.admin("GET", "/status");
    QCOMPARE(response.json().value(QLatin1String("warnings")).toArray().size(), 0);

    const QDateTime now = QDateTime::currentDateTimeUtc();
    const CertificateConfig old = issued(*m_ca, QStringLiteral("old"), QStringLiteral("old.test"),
                                         now.addDays(-100), now.addDays(-1));
    const QJsonObject created{{QStringLiteral("name"), old.name},
                              {QStringLiteral("certificate"), old.certificate},
                              {QStringLiteral("key"), old.key}};
    response = m_harness.admin("POST", "/certificates", json(created));
    QVERIFY2(response.status == 201, response.body.constData());
    const QJsonObject details = response.json().value(QLatin1String("details")).toObject();
    QCOMPARE(details.value(QLatin1String("status")).toString(), QStringLiteral("expired"));
    QVERIFY(details.value(QLatin1String("warning")).toString().contains(QStringLiteral("expired")));

    response = m_harness.admin("GET", "/status");
    const QJsonArray warnings = response.json().value(QLatin1String("warnings")).toArray();
    QCOMPARE(warnings.size(), 1);
    QVERIFY2(warnings[0].toString().startsWith(QStringLiteral("certificate \"old\" expired on ")),
             qPrintable(warnings[0].toString()));
}

QTEST_MAIN(TestAdminCertificates)
#include "tst_admin_certificates.moc"
