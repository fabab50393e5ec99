// Certificate inspection: the fields read from a leaf issued by the local CA, from a
// self-signed test certificate and from a CA; chains, bad input, key pairing and expiry days.
#include "certs/CertificateInfo.h"
#include "certs/LocalCa.h"

#include "TestCertificate.h"

#include <QCryptographicHash>
#include <QTemporaryDir>
#include <QtTest>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

using namespace portico;

namespace {

// The SHA-256 of the DER inside a PEM block, worked out without OpenSSL.
QString fingerprintOf(const QByteArray &pem)
{
    QByteArray body = pem;
    body.replace("-----BEGIN CERTIFICATE-----", "").replace("-----END CERTIFICATE-----", "");
    const QByteArray der = QByteArray::fromBase64(body.simplified().replace(' ', ""));
    return QString::fromLatin1(
        QCryptographicHash::hash(der, QCryptographicHash::Sha256).toHex(':').toUpper());
}

QByteArray drain(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    const QByteArray bytes(data, qsizetype(size));
    BIO_free(bio);
    return bytes;
}

// A self-signed certificate whose subject has no common name, only a country and an
// organization.
QByteArray certificateWithoutCommonName()
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *certificate = X509_new();
    X509_set_version(certificate, X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(certificate), 7);
    X509_gmtime_adj(X509_getm_notBefore(certificate), 0);
    X509_gmtime_adj(X509_getm_notAfter(certificate), 86400);
    X509_set_pubkey(certificate, key);
    X509_NAME *name = X509_get_subject_name(certificate);
    X509_NAME_add_entry_by_txt(name, "C", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char *>("DE"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char *>("Example \xc3\x96rg"), -1,
                               -1, 0);
    X509_set_issuer_name(certificate, name);
    X509_sign(certificate, key, EVP_sha256());
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, certificate);
    X509_free(certificate);
    EVP_PKEY_free(key);
    return drain(bio);
}

// `keyPem` written again, encrypted with a passphrase.
QByteArray encrypted(const QByteArray &keyPem)
{
    BIO *in = BIO_new_mem_buf(keyPem.constData(), int(keyPem.size()));
    EVP_PKEY *key = PEM_read_bio_PrivateKey(in, nullptr, nullptr, nullptr);
    BIO_free(in);
    BIO *out = BIO_new(BIO_s_mem());
    char passphrase[] = "secret";
    PEM_write_bio_PKCS8PrivateKey(out, key, EVP_aes_256_cbc(), passphrase,
                                  int(sizeof passphrase - 1), nullptr, nullptr);
    EVP_PKEY_free(key);
    return drain(out);
}

} // namespace

class TestCertificateInfo : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_temp;
    std::optional<LocalCa> m_ca;

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        m_ca = LocalCa::create(m_temp.filePath(QStringLiteral("ca")), &error);
        QVERIFY2(m_ca, qPrintable(error));
    }

    void fieldsOfAnIssuedCertificate()
    {
        // Whole seconds, as certificates hold them; one date in each ASN.1 time encoding
        // (UTCTime before 2050, GeneralizedTime from then on).
        const QDateTime notBefore(QDate(2031, 2, 3), QTime(4, 5, 6), Qt::UTC);
        const QDateTime notAfter(QDate(2052, 7, 8), QTime(9, 10, 11), Qt::UTC);
        QString error;
        const std::optional<IssuedCertificate> issued =
            m_ca->issue({QStringLiteral("api.example.test"), QStringLiteral("10.1.2.3"),
                         QStringLiteral("*.example.test"), QStringLiteral("2001:db8::7")},
                        &error, notBefore, notAfter);
        QVERIFY2(issued, qPrintable(error));

        const std::optional<CertificateInfo> info =
            inspectCertificate(issued->certificatePem, &error);
        QVERIFY2(info, qPrintable(error));
        QCOMPARE(info->subject, QStringLiteral("api.example.test"));
        QCOMPARE(info->issuer, m_ca->info().subject);
        QCOMPARE(
            info->dnsNames,
            QStringList({QStringLiteral("api.example.test"), QStringLiteral("*.example.test")}));
        QCOMPARE(info->ipAddresses,
                 QStringList({QStringLiteral("10.1.2.3"), QStringLiteral("2001:db8::7")}));
        QCOMPARE(info->notBefore, notBefore);
        QCOMPARE(info->notAfter, notAfter);
        QCOMPARE(info->notAfter.timeSpec(), Qt::UTC);
        QCOMPARE(info->sha256Fingerprint, fingerprintOf(issued->certificatePem));
        QCOMPARE(info->sha256Fingerprint.size(), 32 * 3 - 1);
        QVERIFY(!info->isCa);
        QVERIFY(!info->selfSigned);
        QCOMPARE(info->chainLength, 1);
        QCOMPARE(servedNames(*info),
                 QStringList({QStringLiteral("api.example.test"), QStringLiteral("*.example.test"),
                              QStringLiteral("10.1.2.3"), QStringLiteral("2001:db8::7")}));
    }

    void fieldsOfASelfSignedCertificate()
    {
        const QDateTime before = QDateTime::currentDateTimeUtc();
        const test::TestCertificate made =
            test::TestCertificate::selfSigned(QStringLiteral("portico.test"));
        QString error;
        const std::optional<CertificateInfo> info = inspectCertificate(made.certificatePem, &error);
        QVERIFY2(info, qPrintable(error));
        QCOMPARE(info->subject, QStringLiteral("portico.test"));
        QCOMPARE(info->issuer, QStringLiteral("portico.test"));
        QCOMPARE(info->dnsNames, QStringList{QStringLiteral("localhost")});
        QCOMPARE(info->ipAddresses, QStringList{QStringLiteral("127.0.0.1")});
        QVERIFY(info->selfSigned);
        QVERIFY(!info->isCa);
        QCOMPARE(info->sha256Fingerprint, fingerprintOf(made.certificatePem));
        QVERIFY(qAbs(info->notBefore.secsTo(before.addSecs(-3600))) <= 5);
        QCOMPARE(info->notBefore.secsTo(info->notAfter), 7 * 86400 + 3600);
        QCOMPARE(daysUntilExpiry(*info, info->notBefore), 7);
    }

    void fieldsOfTheCaCertificate()
    {
        QString error;
        const std::optional<CertificateInfo> info =
            inspectCertificate(m_ca->certificatePem(), &error);
        QVERIFY2(info, qPrintable(error));
        QVERIFY(info->isCa);
        QVERIFY(info->selfSigned);
        QCOMPARE(info->issuer, info->subject);
        QVERIFY(info->dnsNames.isEmpty());
        QVERIFY(info->ipAddresses.isEmpty());
        // No alternative names: the subject is the one name there is.
        QCOMPARE(servedNames(*info), QStringList{info->subject});
    }

    void aSubjectWithoutCommonNameIsTheWholeName()
    {
        QString error;
        const std::optional<CertificateInfo> info =
            inspectCertificate(certificateWithoutCommonName(), &error);
        QVERIFY2(info, qPrintable(error));
        QCOMPARE(info->subject, QString::fromUtf8("C = DE, O = Example \xc3\x96rg"));
        QCOMPARE(info->issuer, info->subject);
    }

    void theChainLengthCountsEveryCertificate()
    {
        QString error;
        const std::optional<IssuedCertificate> issued =
            m_ca->issue({QStringLiteral("localhost")}, &error);
        QVERIFY2(issued, qPrintable(error));
        const QByteArray chain = issued->certificatePem + m_ca->certificatePem();
        const std::optional<CertificateInfo> info = inspectCertificate(chain, &error);
        QVERIFY2(info, qPrintable(error));
        QCOMPARE(info->chainLength, 2);
        QCOMPARE(info->subject, QStringLiteral("localhost")); // the first is the leaf
        QCOMPARE(info->sha256Fingerprint, fingerprintOf(issued->certificatePem));

        // A key in the same file is skipped, not counted.
        const std::optional<CertificateInfo> combined =
            inspectCertificate(issued->keyPem + chain, &error);
        QVERIFY2(combined, qPrintable(error));
        QCOMPARE(combined->chainLength, 2);
        QCOMPARE(combined->subject, QStringLiteral("localhost"));
    }

    void inputWithoutACertificateIsAnError_data()
    {
        QTest::addColumn<QByteArray>("pem");
        QTest::addColumn<QString>("expected");
        const QString none = QStringLiteral("holds no PEM certificate");
        QTest::newRow("empty") << QByteArray() << none;
        QTest::newRow("text") << QByteArray("hello, world\n") << none;
        QTest::newRow("binary") << QByteArray("\x30\x82\x01\x00\xff\x00", 6) << none;
        QTest::newRow("key only") << test::TestCertificate::selfSigned().keyPem << none;
        QTest::newRow("broken block")
            << QByteArray("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n"
                          "-----END CERTIFICATE-----\n")
            << QStringLiteral("does not parse");
    }

    void inputWithoutACertificateIsAnError()
    {
        QFETCH(QByteArray, pem);
        QFETCH(QString, expected);
        QString error;
        QVERIFY(!inspectCertificate(pem, &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
    }

    void aBrokenSecondCertificateIsAnError()
    {
        const QByteArray leaf = test::TestCertificate::selfSigned().certificatePem;
        const QByteArray broken("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        QString error;
        QVERIFY(!inspectCertificate(leaf + broken, &error));
        QVERIFY2(error.contains(QLatin1String("does not parse")), qPrintable(error));
    }

    void keyMatchesCertificateTellsPairsApart()
    {
        const test::TestCertificate first = test::TestCertificate::selfSigned();
        const test::TestCertificate second = test::TestCertificate::selfSigned();
        QString error;
        QVERIFY2(keyMatchesCertificate(first.certificatePem, first.keyPem, &error),
                 qPrintable(error));
        QVERIFY(!keyMatchesCertificate(first.certificatePem, second.keyPem, &error));
        QCOMPARE(error, QStringLiteral("the key does not belong to the certificate"));

        error.clear();
        QVERIFY(!keyMatchesCertificate(first.certificatePem, "not a key", &error));
        QVERIFY2(error.startsWith(QLatin1String("the key is not an unencrypted PEM private key")),
                 qPrintable(error));

        error.clear();
        QVERIFY(!keyMatchesCertificate("not a certificate", first.keyPem, &error));
        QVERIFY2(error.contains(QLatin1String("holds no PEM certificate")), qPrintable(error));

        // The leaf of a chain is what the key must match.
        const QByteArray chain = first.certificatePem + second.certificatePem;
        QVERIFY(keyMatchesCertificate(chain, first.keyPem, &error));
        QVERIFY(!keyMatchesCertificate(chain, second.keyPem, &error));
    }

    void anEncryptedKeyIsRefusedWithoutAPrompt()
    {
        const test::TestCertificate made = test::TestCertificate::selfSigned();
        const QByteArray locked = encrypted(made.keyPem);
        QVERIFY(locked.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        QString error;
        QVERIFY(!keyMatchesCertificate(made.certificatePem, locked, &error));
        QVERIFY2(error.startsWith(QLatin1String("the key is not an unencrypted PEM private key")),
                 qPrintable(error));
    }

    void daysUntilExpiryRoundsDown_data()
    {
        QTest::addColumn<qint64>("secondsLeft");
        QTest::addColumn<int>("days");
        QTest::newRow("two days") << qint64(2 * 86400) << 2;
        QTest::newRow("a second short of two days") << qint64(2 * 86400 - 1) << 1;
        QTest::newRow("one second") << qint64(1) << 0;
        QTest::newRow("expiring now") << qint64(0) << 0;
        QTest::newRow("a second ago") << qint64(-1) << -1;
        QTest::newRow("a day ago") << qint64(-86400) << -1;
        QTest::newRow("a day and a second ago") << qint64(-86401) << -2;
    }

    void daysUntilExpiryRoundsDown()
    {
        QFETCH(qint64, secondsLeft);
        QFETCH(int, days);
        CertificateInfo info;
        info.notAfter = QDateTime(QDate(2030, 6, 1), QTime(12, 0), Qt::UTC);
        QCOMPARE(daysUntilExpiry(info, info.notAfter.addSecs(-secondsLeft)), days);
    }

    void servedNamesPreferAlternativeNames()
    {
        CertificateInfo info;
        info.subject = QStringLiteral("ignored.test");
        info.ipAddresses = {QStringLiteral("127.0.0.1")};
        info.dnsNames = {QStringLiteral("a.test"), QStringLiteral("b.test")};
        QCOMPARE(servedNames(info),
                 QStringList({QStringLiteral("a.test"), QStringLiteral("b.test"),
                              QStringLiteral("127.0.0.1")}));
        info.dnsNames.clear();
        info.ipAddresses.clear();
        QCOMPARE(servedNames(info), QStringList{QStringLiteral("ignored.test")});
    }
};

QTEST_GUILESS_MAIN(TestCertificateInfo)
#include "tst_certificate_info.moc"
