// The HTTPS listener of settings.listen_tls, serving the configuration's certificates: the
// client's server name (SNI) picks the certificate, exact names before wildcards, the first one
// otherwise; a changed certificate reaches new connections while open ones carry on; the plain
// listener redirects to it (settings.redirect_http); HTTPS answers carry HSTS.
#include "IntegrationFixtures.h"
#include "certs/LocalCa.h"

#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QtTest>

using namespace portico;
using namespace portico::test;

namespace {

CertificateConfig issued(const LocalCa &ca, const QString &name, const QStringList &names,
                         const QStringList &hosts = {})
{
    QString error;
    const std::optional<IssuedCertificate> made = ca.issue(names, &error);
    if (!made)
        qFatal("cannot issue a certificate for %s: %s", qPrintable(names.join(u',')),
               qPrintable(error));
    return CertificateConfig{name, hosts, QString::fromUtf8(made->certificatePem),
                             QString::fromUtf8(made->keyPem)};
}

// A connection to the HTTPS listener naming `serverName` (SNI).
class HttpsClient
{
public:
    HttpsClient(quint16 port, const QString &serverName)
    {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        // The default certificate's names need not match: the test looks at which was served.
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        m_socket.setSslConfiguration(tls);
        m_socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port, serverName);
        m_encrypted = m_socket.waitForEncrypted(5000);
    }

    bool isEncrypted() const { return m_encrypted; }
    QString error() const { return m_socket.errorString(); }
    // The first DNS name of the certificate the server presented.
    QString servedName() const
    {
        const auto names = m_socket.peerCertificate().subjectAlternativeNames();
        return names.value(QSsl::DnsEntry);
    }
    bool verifiesAs(const QString &name) const
    {
        const QList<QSslError> errors =
            QSslCertificate::verify(m_socket.peerCertificateChain(), name);
        return errors.isEmpty();
    }

    // One GET on the connection; the whole response text (head and body).
    QByteArray get(const QByteArray &path, const QByteArray &host)
    {
        m_socket.write("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
        QByteArray received;
        QDeadlineTimer deadline(5000);
        while (!deadline.hasExpired()) {
            m_socket.waitForReadyRead(100);
            received += m_socket.readAll();
            const qsizetype end = received.indexOf("\r\n\r\n");
            if (end < 0)
                continue;
            const qsizetype length = received.indexOf("Content-Length: ");
            if (length >= 0 && length < end) {
                const qsizetype eol = received.indexOf("\r\n", length);
                const qint64 size = received.sliced(length + 16, eol - length - 16).toLongLong();
                if (received.size() >= end + 4 + size)
                    break;
            }
        }
        return received;
    }

private:
    QSslSocket m_socket;
    bool m_encrypted = false;
};

} // namespace

class TestHttpsListener : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void serverNamePicksTheCertificate();
    void certificateSwapKeepsOpenConnections();
    void plainListenerRedirects();
    void httpsAnswersCarryHsts();
    void bindFailureNamesListenTls();

private:
    Config httpsConfig(const QString &backendUrl) const;

    QTemporaryDir m_caDir;
    std::optional<LocalCa> m_ca;
};

void TestHttpsListener::initTestCase()
{
    QVERIFY(m_caDir.isValid());
    QString error;
    m_ca = LocalCa::create(m_caDir.path(), &error);
    QVERIFY2(m_ca, qPrintable(error));
    // QSslCertificate::verify() trusts the default configuration's CAs: the local CA alone.
    QSslConfiguration trust = QSslConfiguration::defaultConfiguration();
    trust.setCaCertificates({QSslCertificate(m_ca->certificatePem())});
    QSslConfiguration::setDefaultConfiguration(trust);
}

Config TestHttpsListener::httpsConfig(const QString &backendUrl) const
{
    Config config = singleServiceConfig({backendUrl});
    config.settings.listenTls = QStringLiteral("127.0.0.1:0");
    config.certificates = {
        issued(*m_ca, QStringLiteral("default"), {QStringLiteral("localhost")}),
        issued(*m_ca, QStringLiteral("api"), {QStringLiteral("api.test")}),
        // Served for the names listed, whatever the certificate says.
        issued(*m_ca, QStringLiteral("wild"), {QStringLiteral("*.apps.test")},
               {QStringLiteral("*.apps.test")}),
        issued(*m_ca, QStringLiteral("exact"), {QStringLiteral("admin.apps.test")}),
    };
    return config;
}

void TestHttpsListener::serverNamePicksTheCertificate()
{
    TestBackend backend;
    GatewayEngine engine;
    START_ENGINE(engine, httpsConfig(backend.url()));
    const QStringList urls = engine.listenerUrls();
    QCOMPARE(urls.size(), 2);
    QVERIFY(urls[0].startsWith(QStringLiteral("http://127.0.0.1:")));
    QVERIFY(urls[1].startsWith(QStringLiteral("https://127.0.0.1:")));
    const quint16 port = quint16(QUrl(urls[1]).port());

    const struct
    {
        const char *asked;
        const char *served;
    } cases[] = {
        {"api.test", "api.test"},
        {"API.Test", "api.test"},               // names compare without case
        {"shop.apps.test", "*.apps.test"},      // the wildcard
        {"admin.apps.test", "admin.apps.test"}, // an exact name wins over the wildcard
        {"a.b.apps.test", "localhost"},         // a wildcard covers one label only
        {"unknown.test", "localhost"},          // the first certificate is the default
    };
    for (const auto &c : cases) {
        HttpsClient client(port, QString::fromLatin1(c.asked));
        QVERIFY2(client.isEncrypted(), qPrintable(client.error()));
        QCOMPARE(client.servedName(), QString::fromLatin1(c.served));
    }

    // Verified for real: the certificate chains to the local CA and names the server.
    HttpsClient api(port, QStringLiteral("api.test"));
    QVERIFY(api.verifiesAs(QStringLiteral("api.test")));
    const QByteArray response = api.get("/json", "api.test");
    QVERIFY2(response.startsWith("HTTP/1.1 200"), response.constData());
    QCOMPARE(backend.lastRequest().headers.value("X-Forwarded-Proto"), QByteArray("https"));

    // The plain listener still speaks plain HTTP.
    RawHttpClient plain(engine.listenPort());
    QCOMPARE(plain.get("/json").status, 200);
}

void TestHttpsListener::certificateSwapKeepsOpenConnections()
{
    TestBackend backend;
    GatewayEngine engine;
    Config config = httpsConfig(backend.url());
    START_ENGINE(engine, config);
    const quint16 port = quint16(QUrl(engine.listenerUrls().value(1)).port());

    HttpsClient before(port, QStringLiteral("api.test"));
    QVERIFY2(before.isEncrypted(), qPrintable(before.error()));
    QVERIFY(before.get("/json", "api.test").startsWith("HTTP/1.1 200"));
    const QString oldName = before.servedName();

    // The "api" certificate replaced by one for other names: new connections get it.
    config.certificates[1] = issued(*m_ca, QStringLiteral("api"),
                                    {QStringLiteral("api.test"), QStringLiteral("v2.api.test")});
    const ConfigErrors errors = engine.apply(config);
    QVERIFY2(errors.empty(), qPrintable(errorsText(errors)));

    HttpsClient after(port, QStringLiteral("api.test"));
    QVERIFY2(after.isEncrypted(), qPrintable(after.error()));
    QVERIFY(after.verifiesAs(QStringLiteral("v2.api.test")));
    QVERIFY(!before.verifiesAs(QStringLiteral("v2.api.test")));
    QCOMPARE(oldName, QStringLiteral("api.test"));

    // The connection opened before the swap was not dropped: it still answers.
    const QByteArray response = before.get("/json", "api.test");
    QVERIFY2(response.startsWith("HTTP/1.1 200"), response.constData());
    QCOMPARE(backend.requestCount(), 2);
}

void TestHttpsListener::plainListenerRedirects()
{
    TestBackend backend;
    GatewayEngine engine;
    Config config = httpsConfig(backend.url());
    config.settings.redirectHttp = true;
    START_ENGINE(engine, config);
    const quint16 httpsPort = quint16(QUrl(engine.listenerUrls().value(1)).port());

    RawHttpClient plain(engine.listenPort());
    RawResponse response = plain.get("/orders?id=7", {{"Host", "api.test:8080"}});
    QVERIFY2(response.status == 308, response.body.constData());
    QCOMPARE(response.header("Location"),
             "https://api.test:" + QByteArray::number(httpsPort) + "/orders?id=7");
    // Without a Host (HTTP/1.0), or with one that is no host name, the listener's own address.
    QVERIFY(plain.send("GET /x HTTP/1.0\r\n\r\n"));
    response = plain.readResponse();
    QCOMPARE(response.status, 308);
    QCOMPARE(response.header("Location"),
             "https://127.0.0.1:" + QByteArray::number(httpsPort) + "/x");
    RawHttpClient other(engine.listenPort());
    response = other.get("/x", {{"Host", "exa$mple.test"}});
    QVERIFY2(response.status == 308, response.body.constData());
    QCOMPARE(response.header("Location"),
             "https://127.0.0.1:" + QByteArray::number(httpsPort) + "/x");
    QCOMPARE(backend.requestCount(), 0); // nothing forwarded over plain HTTP

    HttpsClient secure(httpsPort, QStringLiteral("api.test"));
    QVERIFY(secure.get("/json", "api.test").startsWith("HTTP/1.1 200"));
    QCOMPARE(backend.requestCount(), 1);
}

void TestHttpsListener::httpsAnswersCarryHsts()
{
    TestBackend backend;
    GatewayEngine engine;
    Config config = httpsConfig(backend.url());
    config.settings.hstsMaxAgeS = 31'536'000;
    START_ENGINE(engine, config);
    const quint16 httpsPort = quint16(QUrl(engine.listenerUrls().value(1)).port());

    HttpsClient secure(httpsPort, QStringLiteral("api.test"));
    const QByteArray proxied = secure.get("/json", "api.test");
    QVERIFY2(proxied.startsWith("HTTP/1.1 200"), proxied.constData());
    QVERIFY(proxied.contains("\r\nStrict-Transport-Security: max-age=31536000\r\n"));
    // The gateway's own answers too.
    config.routes.clear();
    QVERIFY(engine.apply(config).empty());
    const QByteArray local = secure.get("/json", "api.test");
    QVERIFY2(local.startsWith("HTTP/1.1 404"), local.constData());
    QVERIFY(local.contains("\r\nStrict-Transport-Security: max-age=31536000\r\n"));

    // Never over plain HTTP (RFC 6797 8.1: a browser ignores it there anyway).
    RawHttpClient plain(engine.listenPort());
    const RawResponse response = plain.get("/json");
    QCOMPARE(response.status, 404);
    QVERIFY(response.header("Strict-Transport-Security").isEmpty());
}

void TestHttpsListener::bindFailureNamesListenTls()
{
    QTcpServer busy;
    QVERIFY(busy.listen(QHostAddress::LocalHost, 0));
    TestBackend backend;
    Config config = httpsConfig(backend.url());
    config.settings.listenTls = QStringLiteral("127.0.0.1:%1").arg(busy.serverPort());
    GatewayEngine engine;
    ConfigErrors errors;
    QVERIFY(!engine.start(config, &errors));
    QCOMPARE(errors.size(), size_t(1));
    QCOMPARE(errors[0].path, QStringLiteral("settings.listen_tls"));
    QVERIFY2(errors[0].message.startsWith(QStringLiteral("cannot listen on 127.0.0.1:")),
             qPrintable(errors[0].message));
    QVERIFY(!engine.isRunning());
}

QTEST_MAIN(TestHttpsListener)
#include "tst_https_listener.moc"
