// The gateway's listener over TLS (porticod --tls-cert/--tls-key): HTTPS proxied with
// X-Forwarded-Proto https, TLS 1.2 and later only, ALPN http/1.1, plain HTTP answered with a
// 400, a client that never finishes its handshake closed.
#include "IntegrationFixtures.h"
#include "TestCertificate.h"
#include "net/TlsServerContext.h"

#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QtTest>

#include <openssl/err.h>
#include <openssl/ssl.h>

using namespace portico;
using namespace portico::test;

namespace {

std::shared_ptr<const TlsServerContext> contextFor(const TestCertificate &certificate)
{
    QString error;
    auto context =
        TlsServerContext::fromPem(certificate.certificatePem, certificate.keyPem, &error);
    if (!context)
        qWarning("TLS context: %s", qPrintable(error));
    return context;
}

// A handshake with OpenSSL itself, between the versions given: true when it completed. On
// failure `reason` is OpenSSL's reason code (the server's alert, when it sent one).
bool opensslHandshake(quint16 port, int minVersion, int maxVersion, int *reason)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval timeout{5, 0}; // a wait that should take milliseconds: never hang the test
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        ::close(fd);
        return false;
    }
    SSL_CTX *context = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_security_level(context, 0); // let this client offer what the server must refuse
    SSL_CTX_set_min_proto_version(context, minVersion);
    SSL_CTX_set_max_proto_version(context, maxVersion);
    SSL *ssl = SSL_new(context);
    SSL_set_fd(ssl, fd);
    ERR_clear_error();
    const bool done = SSL_connect(ssl) == 1;
    *reason = done ? 0 : ERR_GET_REASON(ERR_peek_last_error());
    ERR_clear_error();
    SSL_free(ssl);
    SSL_CTX_free(context);
    ::close(fd);
    return done;
}

} // namespace

class TestTlsListener : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void httpsRequestIsProxied();
    void oldProtocolsAreRefused();
    void plainHttpGetsA400();
    void unfinishedHandshakeIsClosed();
    void clientGoneMidAnswer();
    void keyMustMatchCertificate();
};

void TestTlsListener::httpsRequestIsProxied()
{
    const TestCertificate certificate = TestCertificate::selfSigned();
    TestBackend backend;
    GatewayEngine engine;
    engine.setListenerTls(contextFor(certificate));
    START_ENGINE(engine, singleServiceConfig({backend.url()}));
    QCOMPARE(engine.listenerUrls().value(0).left(8), QStringLiteral("https://"));

    QSslSocket socket;
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates({QSslCertificate(certificate.certificatePem)});
    tls.setAllowedNextProtocols({"h2", "http/1.1"}); // h2 is not spoken here
    socket.setSslConfiguration(tls);
    socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), engine.listenPort(),
                                  QStringLiteral("localhost")); // verified against the SAN
    QVERIFY2(socket.waitForEncrypted(5000), qPrintable(socket.errorString()));
    QCOMPARE(socket.sslConfiguration().nextNegotiatedProtocol(), QByteArray("http/1.1"));
    QVERIFY(socket.sessionProtocol() == QSsl::TlsV1_3 || socket.sessionProtocol() == QSsl::TlsV1_2);

    // Two requests on the connection: keep-alive works over TLS as over TCP.
    for (int i = 0; i < 2; ++i) {
        socket.write("GET /json HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QByteArray received;
        QDeadlineTimer deadline(5000);
        while (!received.contains("\"path\"") && !deadline.hasExpired()) {
            socket.waitForReadyRead(100);
            received += socket.readAll();
        }
        QVERIFY2(received.startsWith("HTTP/1.1 200"), received.constData());
    }
    QCOMPARE(backend.requestCount(), 2);
    QCOMPARE(backend.lastRequest().headers.value("X-Forwarded-Proto"), QByteArray("https"));
}

void TestTlsListener::oldProtocolsAreRefused()
{
    GatewayEngine engine;
    engine.setListenerTls(contextFor(TestCertificate::selfSigned()));
    START_ENGINE(engine, baseConfig());
    int reason = 0;
    QVERIFY(!opensslHandshake(engine.listenPort(), TLS1_VERSION, TLS1_VERSION, &reason));
    QCOMPARE(reason, SSL_R_TLSV1_ALERT_PROTOCOL_VERSION);
    QVERIFY(!opensslHandshake(engine.listenPort(), TLS1_1_VERSION, TLS1_1_VERSION, &reason));
    QCOMPARE(reason, SSL_R_TLSV1_ALERT_PROTOCOL_VERSION);
    // The same client gets through with TLS 1.2 and with 1.3.
    QVERIFY(opensslHandshake(engine.listenPort(), TLS1_2_VERSION, TLS1_2_VERSION, &reason));
    QVERIFY(opensslHandshake(engine.listenPort(), TLS1_3_VERSION, TLS1_3_VERSION, &reason));
}

void TestTlsListener::plainHttpGetsA400()
{
    TestBackend backend;
    GatewayEngine engine;
    engine.setListenerTls(contextFor(TestCertificate::selfSigned()));
    START_ENGINE(engine, singleServiceConfig({backend.url()}));
    RawHttpClient client(engine.listenPort());
    const RawResponse response = client.get("/json");
    QVERIFY2(response.ok, qPrintable(response.error));
    QCOMPARE(response.status, 400);
    QVERIFY2(response.body.contains("HTTPS"), response.body.constData());
    QVERIFY(client.isClosedByPeer(2000));
    QCOMPARE(backend.requestCount(), 0); // never forwarded
}

void TestTlsListener::unfinishedHandshakeIsClosed()
{
    Config config = baseConfig();
    config.settings.limits.headerTimeoutMs = 300;
    GatewayEngine engine;
    engine.setListenerTls(contextFor(TestCertificate::selfSigned()));
    START_ENGINE(engine, config);
    // One client says nothing; the other starts a handshake record and stops.
    QTcpSocket silent, stalled;
    for (QTcpSocket *socket : {&silent, &stalled}) {
        socket->connectToHost(QHostAddress::LocalHost, engine.listenPort());
        QVERIFY(socket->waitForConnected(5000));
    }
    stalled.write(QByteArray("\x16\x03\x01\x00", 4));
    QVERIFY(stalled.waitForBytesWritten(5000));
    QElapsedTimer elapsed;
    elapsed.start();
    for (QTcpSocket *socket : {&silent, &stalled}) {
        if (socket->state() != QAbstractSocket::UnconnectedState)
            QVERIFY(socket->waitForDisconnected(5000));
    }
    QVERIFY2(elapsed.elapsed() < 4000, "closed by the head timeout, not by the test's wait");
}

void TestTlsListener::clientGoneMidAnswer()
{
    // A client that resets its connection while a large answer is written to it: the write
    // fails for that stream alone (no SIGPIPE ends the process), and the next client is served.
    const TestCertificate certificate = TestCertificate::selfSigned();
    TestBackend backend;
    GatewayEngine engine;
    engine.setListenerTls(contextFor(certificate));
    START_ENGINE(engine, singleServiceConfig({backend.url()}));
    const auto connect = [&](QSslSocket &socket) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates({QSslCertificate(certificate.certificatePem)});
        socket.setSslConfiguration(tls);
        socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), engine.listenPort(),
                                      QStringLiteral("localhost"));
        return socket.waitForEncrypted(5000);
    };
    for (int i = 0; i < 3; ++i) {
        QSslSocket leaving;
        QVERIFY(connect(leaving));
        leaving.write("GET /bytes/20000000 HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QVERIFY(leaving.waitForReadyRead(5000));
        // SO_LINGER 0: the close resets the connection while the gateway is still writing.
        const linger reset{1, 0};
        ::setsockopt(int(leaving.socketDescriptor()), SOL_SOCKET, SO_LINGER, &reset,
                     sizeof reset);
        leaving.abort();
    }
    QSslSocket next;
    QVERIFY(connect(next));
    next.write("GET /json HTTP/1.1\r\nHost: localhost\r\n\r\n");
    QByteArray received;
    QDeadlineTimer deadline(5000);
    while (!received.contains("\"path\"") && !deadline.hasExpired()) {
        next.waitForReadyRead(100);
        received += next.readAll();
    }
    QVERIFY2(received.startsWith("HTTP/1.1 200"), received.left(200).constData());
}

void TestTlsListener::keyMustMatchCertificate()
{
    const TestCertificate one = TestCertificate::selfSigned();
    const TestCertificate other = TestCertificate::selfSigned();
    QString error;
    QVERIFY(!TlsServerContext::fromPem(one.certificatePem, other.keyPem, &error));
    QCOMPARE(error, QStringLiteral("the key does not belong to the certificate"));
    QVERIFY(!TlsServerContext::fromPem("not a certificate", one.keyPem, &error));
    QVERIFY2(error.startsWith("the certificate is not a PEM certificate"), qPrintable(error));
    QVERIFY(!TlsServerContext::fromPem(one.certificatePem, "not a key", &error));
    QVERIFY2(error.startsWith("the key is not an unencrypted PEM private key"),
             qPrintable(error));
    QVERIFY(TlsServerContext::fromPem(one.certificatePem, one.keyPem, &error));
}

QTEST_MAIN(TestTlsListener)
#include "tst_tls_listener.moc"
