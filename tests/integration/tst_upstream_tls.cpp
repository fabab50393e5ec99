// https:// targets: the gateway speaks TLS to them, verifying their certificate against the
// service's ca_bundle (or the system's CAs) for the target's host or tls_server_name, presenting
// a client certificate when the service names one, reusing pooled connections and resuming
// sessions. A failed verification or handshake is a 502 that says why.
#include "IntegrationFixtures.h"
#include "TestCertificate.h"
#include "TlsTestBackend.h"

#include <QJsonObject>
#include <QtTest>

#include <openssl/ssl.h>

using namespace portico;
using namespace portico::test;

namespace {

// One service "svc" with the backend as its only target, trusting the backend's certificate.
Config trustingConfig(const TlsTestBackend &backend)
{
    Config config = singleServiceConfig({backend.url()});
    config.services[0].caBundle = QString::fromLatin1(backend.certificate().certificatePem);
    return config;
}

CertificateConfig certificateEntry(const TestCertificate &certificate)
{
    CertificateConfig entry;
    entry.name = QStringLiteral("gateway-client");
    entry.certificate = QString::fromLatin1(certificate.certificatePem);
    entry.key = QString::fromLatin1(certificate.keyPem);
    return entry;
}

QString errorOf(const RawResponse &response)
{
    return response.json().value("error").toString();
}

} // namespace

class TestUpstreamTls : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void caBundleTrustsTheBackend();
    void systemCasRefuseASelfSignedBackend();
    void serverNameMustMatchTheCertificate();
    void verificationOff();
    void clientCertificate_data();
    void clientCertificate();
    void pooledConnectionIsReused();
    void newConnectionResumesTheSession();
};

void TestUpstreamTls::caBundleTrustsTheBackend()
{
    TlsTestBackend backend;
    GatewayEngine engine;
    START_ENGINE(engine, trustingConfig(backend));

    RawHttpClient client(engine.listenPort());
    const RawResponse response =
        client.get("/json", {{"Host", "api.example.test"}, {"X-Forwarded-Proto", "https"}});
    QVERIFY2(response.ok, qPrintable(response.error));
    QCOMPARE(response.status, 200);
    QCOMPARE(response.json().value("path").toString(), QStringLiteral("/json"));
    // As for http:// targets: the client's Host, the client's scheme (plain HTTP here).
    const QByteArray head = backend.lastRequestHead();
    QVERIFY2(head.contains("\r\nHost: api.example.test\r\n"), head.constData());
    QVERIFY2(head.contains("\r\nX-Forwarded-Proto: http\r\n"), head.constData());
    // The target is an IP address: no SNI (RFC 6066), verified against the IP SAN.
    QCOMPARE(backend.lastServerName(), QByteArray());
}

void TestUpstreamTls::systemCasRefuseASelfSignedBackend()
{
    TlsTestBackend backend;
    GatewayEngine engine;
    START_ENGINE(engine, singleServiceConfig({backend.url()}));

    RawHttpClient client(engine.listenPort());
    const RawResponse response = client.get("/json");
    QVERIFY2(response.ok, qPrintable(response.error));
    QCOMPARE(response.status, 502);
    QCOMPARE(errorOf(response),
             QStringLiteral("upstream TLS handshake with 127.0.0.1:%1 failed: certificate verify "
                            "failed (self-signed certificate)")
                 .arg(backend.port()));
    QCOMPARE(backend.requestCount(), 0);
    // The connection to the client stays usable, and the next request fails the same way.
    QCOMPARE(client.get("/json").status, 502);
}

void TestUpstreamTls::serverNameMustMatchTheCertificate()
{
    TlsTestBackend backend;
    Config config = trustingConfig(backend);
    config.services[0].tlsServerName = QStringLiteral("other.example.test");
    GatewayEngine engine;
    START_ENGINE(engine, config);
    RawHttpClient client(engine.listenPort());
    const RawResponse refused = client.get("/json");
    QCOMPARE(refused.status, 502);
    QVERIFY2(errorOf(refused).endsWith(QStringLiteral("certificate verify failed "
                                                      "(hostname mismatch)")),
             refused.body.constData());
    // Sent as SNI too (the backend notes it once its side of the handshake gave up).
    QTRY_COMPARE(backend.lastServerName(), QByteArray("other.example.test"));

    // The name the certificate is for: verified, and sent as SNI.
    config.services[0].tlsServerName = QStringLiteral("localhost");
    QVERIFY(engine.apply(config).empty());
    const RawResponse accepted = client.get("/json");
    QCOMPARE(accepted.status, 200);
    QCOMPARE(backend.lastServerName(), QByteArray("localhost"));
}

void TestUpstreamTls::verificationOff()
{
    TlsTestBackend backend;
    Config config = singleServiceConfig({backend.url()});
    config.services[0].tlsVerify = false;
    GatewayEngine engine;
    START_ENGINE(engine, config);
    RawHttpClient client(engine.listenPort());
    const RawResponse response = client.get("/json");
    QCOMPARE(response.status, 200);
    QCOMPARE(backend.requestCount(), 1);
}

void TestUpstreamTls::clientCertificate_data()
{
    QTest::addColumn<int>("maxProtocol");
    // TLS 1.2 refuses a missing certificate in the handshake; TLS 1.3 with an alert after the
    // client's side of it finished, which the gateway reads with the response.
    QTest::newRow("TLS 1.2") << int(TLS1_2_VERSION);
    QTest::newRow("TLS 1.3") << 0;
}

void TestUpstreamTls::clientCertificate()
{
    QFETCH(int, maxProtocol);
    const TestCertificate client = TestCertificate::selfSigned(QStringLiteral("portico-client"));
    TlsBackendOptions options;
    options.clientCa = client.certificatePem;
    options.maxProtocol = maxProtocol;
    TlsTestBackend backend(options);

    Config config = trustingConfig(backend);
    config.certificates.push_back(certificateEntry(client));
    config.services[0].clientCertificate = QStringLiteral("gateway-client");
    GatewayEngine engine;
    START_ENGINE(engine, config);
    RawHttpClient gateway(engine.listenPort());
    const RawResponse accepted = gateway.get("/json");
    QCOMPARE(accepted.status, 200);
    QVERIFY2(backend.lastClientSubject().contains(QStringLiteral("CN=portico-client")),
             qPrintable(backend.lastClientSubject()));

    // Without it, the backend refuses the handshake.
    config.services[0].clientCertificate.clear();
    QVERIFY(engine.apply(config).empty());
    const RawResponse refused = gateway.get("/json");
    QCOMPARE(refused.status, 502);
    const QString prefix = QStringLiteral("upstream TLS %1with 127.0.0.1:%2 failed: ")
                               .arg(maxProtocol ? QStringLiteral("handshake ") : QString())
                               .arg(backend.port());
    QVERIFY2(errorOf(refused).startsWith(prefix), refused.body.constData());
    QVERIFY2(errorOf(refused).contains(maxProtocol ? QStringLiteral("alert handshake failure")
                                                   : QStringLiteral("certificate required")),
             refused.body.constData());
    QCOMPARE(backend.requestCount(), 1); // only the first one got through
}

void TestUpstreamTls::pooledConnectionIsReused()
{
    TlsTestBackend backend;
    GatewayEngine engine;
    START_ENGINE(engine, trustingConfig(backend));
    RawHttpClient client(engine.listenPort()); // one client connection: one worker, one pool
    for (int i = 0; i < 2; ++i) {
        const RawResponse response = client.get("/json");
        QCOMPARE(response.status, 200);
        QCOMPARE(response.json().value("connection").toInt(), 1);
    }
    QCOMPARE(backend.requestCount(), 2);
    QCOMPARE(backend.connectionCount(), 1);
    QCOMPARE(backend.handshakeCount(), 1);
}

void TestUpstreamTls::newConnectionResumesTheSession()
{
    TlsTestBackend backend;
    backend.setKeepAlive(false); // every request on a new connection
    GatewayEngine engine;
    START_ENGINE(engine, trustingConfig(backend));
    RawHttpClient client(engine.listenPort());
    for (int i = 0; i < 3; ++i)
        QCOMPARE(client.get("/json").status, 200);
    QCOMPARE(backend.connectionCount(), 3);
    QCOMPARE(backend.handshakeCount(), 3);
    QCOMPARE(backend.resumedCount(), 2);
}

QTEST_MAIN(TestUpstreamTls)
#include "tst_upstream_tls.moc"
