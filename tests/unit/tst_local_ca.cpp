// The local development CA: its files and their modes, refusing to replace a CA, loading it
// back, and the certificates it issues checked the way TLS clients check them: OpenSSL's chain
// verification for a server and a client, and real handshakes against the gateway's TLS context.
#include "certs/CertificateInfo.h"
#include "certs/CertificateName.h"
#include "certs/LocalCa.h"
#include "certs/X509Support.h"
#include "net/TlsServerContext.h"

#include "SocketPairHandshake.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include <sys/stat.h>

using namespace portico;

namespace {

using x509::Deleter;
using x509::StorePtr;
using x509::X509Ptr;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX_free>>;
using SslCtxPtr = std::unique_ptr<SSL_CTX, Deleter<SSL_CTX_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;

X509Ptr parse(const QByteArray &pem)
{
    std::unique_ptr<BIO, Deleter<BIO_free>> bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

int fileMode(const QString &path)
{
    struct stat status
    { };
    if (stat(QFile::encodeName(path).constData(), &status) != 0)
        return -1;
    return int(status.st_mode & 07777);
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// X509_V_OK when `leafPem` chains to `caPem` alone, for `purpose`; the verification error else.
int verify(const QByteArray &leafPem, const QByteArray &caPem,
           int purpose = X509_PURPOSE_SSL_SERVER)
{
    const X509Ptr leaf = parse(leafPem);
    const X509Ptr ca = parse(caPem);
    StorePtr store(X509_STORE_new());
    X509_STORE_add_cert(store.get(), ca.get());
    StoreCtxPtr context(X509_STORE_CTX_new());
    X509_STORE_CTX_init(context.get(), store.get(), leaf.get(), nullptr);
    X509_STORE_CTX_set_purpose(context.get(), purpose);
    const int verified = X509_verify_cert(context.get());
    const int result = X509_STORE_CTX_get_error(context.get());
    return verified == 1 ? X509_V_OK : (result == X509_V_OK ? -1 : result);
}

// A TLS client that trusts `caPem` and nothing else, and checks the server's certificate.
SslCtxPtr clientTrusting(const QByteArray &caPem)
{
    SslCtxPtr context(SSL_CTX_new(TLS_client_method()));
    const X509Ptr ca = parse(caPem);
    X509_STORE_add_cert(SSL_CTX_get_cert_store(context.get()), ca.get());
    SSL_CTX_set_verify(context.get(), SSL_VERIFY_PEER, nullptr);
    return context;
}

bool isCritical(X509 *certificate, int nid)
{
    const int index = X509_get_ext_by_NID(certificate, nid, -1);
    return index >= 0 && X509_EXTENSION_get_critical(X509_get_ext(certificate, index)) == 1;
}

QByteArray octets(const ASN1_OCTET_STRING *value)
{
    return value ? QByteArray(reinterpret_cast<const char *>(ASN1_STRING_get0_data(value)),
                              ASN1_STRING_length(value))
                 : QByteArray();
}

} // namespace

class TestLocalCa : public QObject
{
    Q_OBJECT

private:
    // A CA in a fresh directory of `dir`, failing the test when it cannot be made.
    static LocalCa makeCa(const QTemporaryDir &dir, const QString &name = QStringLiteral("ca"))
    {
        QString error;
        std::optional<LocalCa> ca = LocalCa::create(dir.filePath(name), &error);
        if (!ca)
            qFatal("cannot create a CA: %s", qPrintable(error));
        return *ca;
    }

    static IssuedCertificate issue(const LocalCa &ca, const QStringList &names,
                                   const QDateTime &notBefore = {}, const QDateTime &notAfter = {})
    {
        QString error;
        std::optional<IssuedCertificate> issued = ca.issue(names, &error, notBefore, notAfter);
        if (!issued)
            qFatal("cannot issue: %s", qPrintable(error));
        return *issued;
    }

private Q_SLOTS:
    void createWritesAPrivateKeyInAPrivateDirectory()
    {
        QTemporaryDir temp;
        const QString dir = temp.filePath(QStringLiteral("nested/local-ca"));
        QString error;
        const std::optional<LocalCa> ca = LocalCa::create(dir, &error);
        QVERIFY2(ca, qPrintable(error));
        QCOMPARE(ca->directory(), dir);
        QCOMPARE(fileMode(dir), 0700);
        QCOMPARE(fileMode(dir + QLatin1String("/ca-key.pem")), 0600);
        QCOMPARE(fileMode(dir + QLatin1String("/ca.pem")), 0644);
        QVERIFY(readAll(dir + QLatin1String("/ca-key.pem")).startsWith("-----BEGIN PRIVATE KEY"));
        QCOMPARE(readAll(dir + QLatin1String("/ca.pem")), ca->certificatePem());
    }

    void theCaCertificateSignsLeavesOnly()
    {
        QTemporaryDir temp;
        const LocalCa ca = makeCa(temp);
        const X509Ptr certificate = parse(ca.certificatePem());
        QVERIFY(X509_get_extension_flags(certificate.get()) & EXFLAG_CA);
        QCOMPARE(X509_get_pathlen(certificate.get()), 0L);
        QVERIFY(isCritical(certificate.get(), NID_basic_constraints));
        QCOMPARE(X509_get_key_usage(certificate.get()), uint32_t(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
        QVERIFY(isCritical(certificate.get(), NID_key_usage));
        QVERIFY(X509_get0_subject_key_id(certificate.get()));
        QCOMPARE(EVP_PKEY_get_base_id(X509_get0_pubkey(certificate.get())), EVP_PKEY_EC);

        const CertificateInfo info = ca.info();
        QVERIFY(info.isCa);
        QVERIFY(info.selfSigned);
        QVERIFY(info.subject.startsWith(QLatin1String("Portico development CA ")));
        QVERIFY(info.subject.contains(u'@'));
        QCOMPARE(info.issuer, info.subject);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QCOMPARE(info.notAfter.date(), now.addYears(10).date());
        QVERIFY(info.notBefore <= now);

        // Random, not counted: well over 64 bits (fails once in 2^64 runs), at most 128.
        BignumPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(certificate.get()), nullptr));
        QVERIFY(BN_num_bits(serial.get()) > 64);
        QVERIFY(BN_num_bits(serial.get()) <= 128);
        QTemporaryDir otherTemp;
        const X509Ptr other = parse(makeCa(otherTemp).certificatePem());
        QVERIFY(ASN1_INTEGER_cmp(X509_get0_serialNumber(certificate.get()),
                                 X509_get0_serialNumber(other.get()))
                != 0);
    }

    void aSecondCreateRefusesAndChangesNothing()
    {
        QTemporaryDir temp;
        const LocalCa ca = makeCa(temp);
        const QString certificatePath = ca.directory() + QLatin1String("/ca.pem");
        const QString keyPath = ca.directory() + QLatin1String("/ca-key.pem");
        const QByteArray certificate = readAll(certificatePath);
        const QByteArray key = readAll(keyPath);

        QString error;
        QVERIFY(!LocalCa::create(ca.directory(), &error));
        QVERIFY2(error.contains(QLatin1String("already exists")), qPrintable(error));
        QCOMPARE(readAll(certificatePath), certificate);
        QCOMPARE(readAll(keyPath), key);
        QCOMPARE(fileMode(keyPath), 0600);

        // A key alone is enough to refuse: it may be all that is left of someone's CA.
        QVERIFY(QFile::remove(certificatePath));
        error.clear();
        QVERIFY(!LocalCa::create(ca.directory(), &error));
        QVERIFY2(error.contains(QLatin1String("ca-key.pem")), qPrintable(error));
        QCOMPARE(readAll(keyPath), key);
        QVERIFY(!QFile::exists(certificatePath));
    }

    void loadReadsTheCaBack()
    {
        QTemporaryDir temp;
        const LocalCa created = makeCa(temp);
        QString error;
        const std::optional<LocalCa> loaded = LocalCa::load(created.directory(), &error);
        QVERIFY2(loaded, qPrintable(error));
        QCOMPARE(loaded->info().sha256Fingerprint, created.info().sha256Fingerprint);
        QCOMPARE(loaded->certificatePem(), created.certificatePem());
        // The loaded key signs: what it issues verifies against the created certificate.
        const IssuedCertificate issued = issue(*loaded, {QStringLiteral("localhost")});
        QCOMPARE(verify(issued.certificatePem, created.certificatePem()), X509_V_OK);
    }

    void loadNamesTheMissingFile()
    {
        QTemporaryDir temp;
        QString error;
        QVERIFY(!LocalCa::load(temp.path(), &error));
        QVERIFY2(error.contains(temp.filePath(QStringLiteral("ca.pem"))), qPrintable(error));

        const LocalCa ca = makeCa(temp);
        QVERIFY(QFile::remove(ca.directory() + QLatin1String("/ca-key.pem")));
        error.clear();
        QVERIFY(!LocalCa::load(ca.directory(), &error));
        QVERIFY2(error.contains(ca.directory() + QLatin1String("/ca-key.pem")), qPrintable(error));
    }

    void loadRefusesAKeyThatIsNotTheCas()
    {
        QTemporaryDir temp;
        const LocalCa ca = makeCa(temp, QStringLiteral("one"));
        const LocalCa other = makeCa(temp, QStringLiteral("two"));
        const QString keyPath = ca.directory() + QLatin1String("/ca-key.pem");
        QVERIFY(QFile::remove(keyPath));
        QVERIFY(QFile::copy(other.directory() + QLatin1String("/ca-key.pem"), keyPath));
        QString error;
        QVERIFY(!LocalCa::load(ca.directory(), &error));
        QVERIFY2(error.contains(QLatin1String("is not the key")), qPrintable(error));

        // A file that is no key at all is named too.
        QFile garbage(keyPath);
        QVERIFY(garbage.open(QIODevice::WriteOnly | QIODevice::Truncate));
        garbage.write("not a key\n");
        garbage.close();
        error.clear();
        QVERIFY(!LocalCa::load(ca.directory(), &error));
        QVERIFY2(error.startsWith(keyPath), qPrintable(error));
    }

    void loadOrCreateCreatesOnceThenLoads()
    {
        QTemporaryDir temp;
        const QString dir = temp.filePath(QStringLiteral("ca"));
        QString error;
        const std::optional<LocalCa> first = LocalCa::loadOrCreate(dir, &error);
        QVERIFY2(first, qPrintable(error));
        const std::optional<LocalCa> second = LocalCa::loadOrCreate(dir, &error);
        QVERIFY2(second, qPrintable(error));
        QCOMPARE(second->info().sha256Fingerprint, first->info().sha256Fingerprint);
    }

    void defaultDirectoryFollowsTheEnvironment()
    {
        const QByteArray saved = qgetenv("PORTICO_CA_DIR");
        qputenv("PORTICO_CA_DIR", "/srv/portico-ca");
        QCOMPARE(LocalCa::defaultDirectory(), QStringLiteral("/srv/portico-ca"));
        qunsetenv("PORTICO_CA_DIR");
        QCOMPARE(LocalCa::defaultDirectory(),
                 QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
                     + QLatin1String("/portico/local-ca"));
        if (!saved.isNull())
            qputenv("PORTICO_CA_DIR", saved);
    }

    void anIssuedCertificateVerifiesAgainstTheCa()
    {
        QTemporaryDir temp;
        const LocalCa ca = makeCa(temp);
        const QDateTime before = QDateTime::currentDateTimeUtc();
        const IssuedCertificate issued =
            issue(ca,
                  {QStringLiteral("localhost"), QStringLiteral("127.0.0.1"), QStringLiteral("::1"),
                   QStringLiteral("*.app.test")});

        QCOMPARE(verify(issued.certificatePem, ca.certificatePem(), X509_PURPOSE_SSL_SERVER),
                 X509_V_OK);
        QCOMPARE(verify(issued.certificatePem, ca.certificatePem(), X509_PURPOSE_SSL_CLIENT),
                 X509_V_OK);

        QString error;
        const std::optional<CertificateInfo> info =
            inspectCertificate(issued.certificatePem, &error);
        QVERIFY2(info, qPrintable(error));
        QCOMPARE(info->subject, QStringLiteral("localhost"));
        QCOMPARE(info->issuer, ca.info().subject);
        QCOMPARE(info->dnsNames,
                 QStringList({QStringLiteral("localhost"), QStringLiteral("*.app.test")}));
        QCOMPARE(info->ipAddresses,
                 QStringList({QStringLiteral("127.0.0.1"), QStringLiteral("::1")}));
        QVERIFY(!info->isCa);
        QVERIFY(!info->selfSigned);
        QCOMPARE(info->chainLength, 1); // the leaf alone
        // Valid from an hour ago (clock skew) for 825 days.
        QVERIFY(qAbs(info->notBefore.secsTo(before.addSecs(-3600))) <= 5);
        QVERIFY(qAbs(info->notAfter.secsTo(before.addDays(825))) <= 5);
        QVERIFY(keyMatchesCertificate(issued.certificatePem, issued.keyPem, &error));
        QVERIFY(issued.keyPem.startsWith("-----BEGIN PRIVATE KEY-----")); // PKCS#8

        const X509Ptr leaf = parse(issued.certificatePem);
        const X509Ptr caCertificate = parse(ca.certificatePem());
        QCOMPARE(X509_get_extended_key_usage(leaf.get()),
                 uint32_t(XKU_SSL_SERVER | XKU_SSL_CLIENT));
        QCOMPARE(X509_get_key_usage(leaf.get()), uint32_t(KU_DIGITAL_SIGNATURE));
        QVERIFY(isCritical(leaf.get(), NID_key_usage));
        QVERIFY(!(X509_get_extension_flags(leaf.get()) & EXFLAG_CA));
        QVERIFY(X509_get_ext_by_NID(leaf.get(), NID_basic_constraints, -1) >= 0);
        QVERIFY(X509_get0_subject_key_id(leaf.get()));
        QCOMPARE(octets(X509_get0_authority_key_id(leaf.get())),
                 octets(X509_get0_subject_key_id(caCertificate.get())));
        QCOMPARE(EVP_PKEY_get_base_id(X509_get0_pubkey(leaf.get())), EVP_PKEY_EC);

        // The names as a TLS client matches them: the wildcard covers one label only.
        QCOMPARE(X509_check_host(leaf.get(), "localhost", 0, 0, nullptr), 1);
        QCOMPARE(X509_check_host(leaf.get(), "api.app.test", 0, 0, nullptr), 1);
        QVERIFY(X509_check_host(leaf.get(), "deep.api.app.test", 0, 0, nullptr) != 1);
        QVERIFY(X509_check_host(leaf.get(), "app.test", 0, 0, nullptr) != 1);
        QCOMPARE(X509_check_ip_asc(leaf.get(), "127.0.0.1", 0), 1);
        QCOMPARE(X509_check_ip_asc(leaf.get(), "::1", 0), 1);
    }

    void eachIssueHasItsOwnKeyAndSerial()
    {
        QTemporaryDir temp;
        const LocalCa ca = makeCa(temp);
        const IssuedCertificate first = issue(ca, {QStringLiteral("localhost")});
        const IssuedCertificate second = issue(ca, {QStringLiteral("localhost")});
        QVERIFY(first.keyPem != second.keyPem);
        const X509Ptr a = parse(first.certificatePem);
        const X509Ptr b = parse(second.certificatePem);
        QVERIFY(ASN1_INTEGER_cmp(X509_get0_serialNumber(a.get()), X509_get0_serialNumber(b.get()))
                != 0);
    }

    void aLeafOfAnotherCaFailsVerification()
    {
        QTemporaryDir temp;
        const LocalCa ca = makeCa(temp, QStringLiteral("mine"));
        const LocalCa other = makeCa(temp, QStringLiteral("other"));
        const IssuedCertificate foreign = issue(other, {QStringLiteral("localhost")});
        QCOMPARE(verify(foreign.certificatePem, ca.certificatePem()),
                 X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
    }

    void invalidNamesAreRefused_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("empty") << QString();
        QTest::newRow("space") << QStringLiteral("my host.test");
        QTest::newRow("underscore") << QStringLiteral("my_host.test");
        QTest::newRow("wildcard for a top-level domain") << QStringLiteral("*.test");
        QTest::newRow("wildcard alone") << QStringLiteral("*");
        QTest::newRow("wildcard inside") << QStringLiteral("api.*.test");
        QTest::newRow("partial wildcard") << QStringLiteral("api*.app.test");
        QTest::newRow("leading hyphen") << QStringLiteral("-api.test");
        QTest::newRow("trailing hyphen") << QStringLiteral("api-.test");
        QTest::newRow("empty label") << QStringLiteral("api..test");
        QTest::newRow("trailing dot") << QStringLiteral("api.test.");
        QTest::newRow("long label") << QString(64, u'a') + QLatin1String(".test");
        QTest::newRow("numeric top-level") << QStringLiteral("api.123");
        QTest::newRow("three numbers") << QStringLiteral("10.0.1");
        QTest::newRow("octet over 255") << QStringLiteral("256.0.0.1");
        QTest::newRow("leading zero") << QStringLiteral("010.0.0.1");
        QTest::newRow("bad IPv6") << QStringLiteral("fe80::1::2");
        QTest::newRow("IPv6 with scope") << QStringLiteral("fe80::1%eth0");
        QTest::newRow("URL") << QStringLiteral("https://localhost");
    }

    void invalidNamesAreRefused()
    {
        QFETCH(QString, name);
        QTemporaryDir temp;
        const LocalCa ca = makeCa(temp);
        QString error;
        QVERIFY(!ca.issue({QStringLiteral("localhost"), name}, &error));
        QVERIFY(!error.isEmpty());
        if (!name.isEmpty())
            QVERIFY2(error.contains(name), qPrintable(error));
    }

    void anEmptyNameListIsRefused()
    {
        QTemporaryDir temp;
        const LocalCa ca = makeCa(temp);
        QString error;
        QVERIFY(!ca.issue({}, &error));
        QVERIFY2(error.contains(QLatin1String("at least one name")), qPrintable(error));
    }

    void namesAreNormalized_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("normalized");
        QTest::addColumn<bool>("isAddress");
        QTest::newRow("upper case")
            << QStringLiteral("API.Example.TEST") << QStringLiteral("api.example.test") << false;
        QTest::newRow("wildcard") << QStringLiteral("*.App.test") << QStringLiteral("*.app.test")
                                  << false;
        QTest::newRow("international")
            << QStringLiteral("bücher.test") << QStringLiteral("xn--bcher-kva.test") << false;
        QTest::newRow("IPv4") << QStringLiteral("192.168.1.20") << QStringLiteral("192.168.1.20")
                              << true;
        QTest::newRow("IPv6 long form")
            << QStringLiteral("0:0:0:0:0:0:0:1") << QStringLiteral("::1") << true;
        QTest::newRow("IPv6 upper case")
            << QStringLiteral("FD00::AB") << QStringLiteral("fd00::ab") << true;
    }

    void namesAreNormalized()
    {
        QFETCH(QString, name);
        QFETCH(QString, normalized);
        QFETCH(bool, isAddress);
        QString error;
        const std::optional<CertificateName> parsed = parseCertificateName(name, &error);
        QVERIFY2(parsed, qPrintable(error));
        QCOMPARE(parsed->text, normalized);
        QCOMPARE(parsed->kind == CertificateName::Kind::IpAddress, isAddress);

        // And the certificate carries that form.
        QTemporaryDir temp;
        const IssuedCertificate issued = issue(makeCa(temp), {name});
        const std::optional<CertificateInfo> info =
            inspectCertificate(issued.certificatePem, &error);
        QVERIFY2(info, qPrintable(error));
        QCOMPARE(isAddress ? info->ipAddresses : info->dnsNames, QStringList{normalized});
    }

    void anExpiredCertificateCountsNegativeDays()
    {
        QTemporaryDir temp;
        const LocalCa ca = makeCa(temp);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const IssuedCertificate expired =
            issue(ca, {QStringLiteral("localhost")}, now.addDays(-30), now.addSecs(-36 * 3600));
        QString error;
        const std::optional<CertificateInfo> info =
            inspectCertificate(expired.certificatePem, &error);
        QVERIFY2(info, qPrintable(error));
        QCOMPARE(daysUntilExpiry(*info, QDateTime::currentDateTimeUtc()), -2); // 1.5 days ago
        QCOMPARE(verify(expired.certificatePem, ca.certificatePem()), X509_V_ERR_CERT_HAS_EXPIRED);

        const IssuedCertificate early =
            issue(ca, {QStringLiteral("localhost")}, now.addDays(2), now.addDays(30));
        QCOMPARE(verify(early.certificatePem, ca.certificatePem()), X509_V_ERR_CERT_NOT_YET_VALID);
    }

    void anInvertedValidityIsRefused()
    {
        QTemporaryDir temp;
        const LocalCa ca = makeCa(temp);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QString error;
        QVERIFY(!ca.issue({QStringLiteral("localhost")}, &error, now, now.addSecs(-1)));
        QVERIFY2(error.contains(QLatin1String("expire before")), qPrintable(error));
    }

    void trustInstructionsNameTheFileAndEveryStore()
    {
        const QString file = QStringLiteral("/home/dev/.local/share/portico/local-ca/ca.pem");
        const QString text = LocalCa::trustInstructions(file);
        QVERIFY(text.count(file) >= 8);
        for (const char *needle :
             {"/usr/local/share/ca-certificates/portico-development-ca.crt",
              "update-ca-certificates", "trust anchor", "add-trusted-cert -d -r trustRoot",
              "certutil -addstore -f ROOT", "Firefox", "sql:$HOME/.pki/nssdb", "libnss3-tools",
              "--cacert", "NODE_EXTRA_CA_CERTS", "REQUESTS_CA_BUNDLE", "ca-key.pem", "never share"})
            QVERIFY2(text.contains(QLatin1String(needle)), needle);
    }

    void aHandshakeSucceedsForAClientTrustingTheCa()
    {
        QTemporaryDir temp;
        const LocalCa ca = makeCa(temp);
        const IssuedCertificate issued = issue(ca, {QStringLiteral("localhost")});
        QString error;
        const auto server = TlsServerContext::fromPem(issued.certificatePem, issued.keyPem, &error);
        QVERIFY2(server, qPrintable(error));
        const SslCtxPtr client = clientTrusting(ca.certificatePem());

        const test::HandshakeOutcome outcome =
            test::handshakeOverSocketPair(server->handle(), client.get(), "localhost");
        QCOMPARE(outcome.clientVerifyResult, long(X509_V_OK));
        QVERIFY(outcome.clientDone);
        QVERIFY(outcome.serverDone);
    }

    void aHandshakeFailsForAClientTrustingAnotherCa()
    {
        QTemporaryDir temp;
        const LocalCa ca = makeCa(temp, QStringLiteral("mine"));
        const LocalCa other = makeCa(temp, QStringLiteral("other"));
        const IssuedCertificate issued = issue(ca, {QStringLiteral("localhost")});
        QString error;
        const auto server = TlsServerContext::fromPem(issued.certificatePem, issued.keyPem, &error);
        QVERIFY2(server, qPrintable(error));

        const SslCtxPtr stranger = clientTrusting(other.certificatePem());
        const test::HandshakeOutcome refused =
            test::handshakeOverSocketPair(server->handle(), stranger.get(), "localhost");
        QVERIFY(!refused.clientDone);
        QVERIFY(!refused.serverDone);
        QCOMPARE(refused.clientVerifyResult, long(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY));

        // The right CA but a name the certificate was not issued for.
        const SslCtxPtr client = clientTrusting(ca.certificatePem());
        const test::HandshakeOutcome wrongHost =
            test::handshakeOverSocketPair(server->handle(), client.get(), "elsewhere.test");
        QVERIFY(!wrongHost.clientDone);
        QCOMPARE(wrongHost.clientVerifyResult, long(X509_V_ERR_HOSTNAME_MISMATCH));
    }
};

QTEST_GUILESS_MAIN(TestLocalCa)
#include "tst_local_ca.moc"
