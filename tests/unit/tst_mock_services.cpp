// The demo's mock upstream services, over real sockets on loopback.

#include "config/ConfigValidator.h"
#include "config/DeclarativeFormat.h"
#include "demo/DemoConfig.h"
#include "demo/MockServices.h"
#include "http/HttpParser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace portico;

namespace {

struct Response
{
    ResponseHead head;
    QByteArray body;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

// A raw HTTP/1.x client: writes bytes as given and collects the responses that come back.
class RawClient : private HttpParserListener
{
public:
    explicit RawClient(quint16 port)
        : m_parser(HttpParser::Kind::Response, this)
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        m_connected = m_socket.waitForConnected(5000);
    }

    bool isConnected() const { return m_connected; }
    QTcpSocket &socket() { return m_socket; }

    void send(const QByteArray &bytes)
    {
        m_socket.write(bytes);
        m_socket.flush();
    }

    // Waits until `count` responses in all have arrived; false on timeout or a parse error.
    bool waitForResponses(int count, int timeoutMs = 5000)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (int(m_responses.size()) < count && !deadline.hasExpired()) {
            if (m_socket.bytesAvailable() == 0
                && !m_socket.waitForReadyRead(int(deadline.remainingTime())))
                break;
            const QByteArray data = m_socket.readAll();
            if (m_parser.feed(data).status == HttpParser::Status::Error)
                return false;
        }
        return int(m_responses.size()) >= count;
    }

    // True when the server closes the connection within the timeout.
    bool waitForServerClose(int timeoutMs = 5000)
    {
        if (m_socket.state() == QAbstractSocket::UnconnectedState)
            return true;
        QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired()) {
            m_socket.waitForReadyRead(50);
            m_socket.readAll();
            if (m_socket.state() == QAbstractSocket::UnconnectedState)
                return true;
        }
        return false;
    }

    const std::vector<Response> &responses() const { return m_responses; }

private:
    Action onResponseHead(ResponseHead &head) override
    {
        m_current = Response{head, {}};
        return Action::Continue;
    }
    Action onBody(QByteArrayView data) override
    {
        m_current.body.append(data.data(), data.size());
        return Action::Continue;
    }
    Action onMessageComplete() override
    {
        m_responses.push_back(m_current);
        return Action::Continue;
    }

    QTcpSocket m_socket;
    HttpParser m_parser;
    bool m_connected = false;
    Response m_current;
    std::vector<Response> m_responses;
};

QByteArray get(const QByteArray &path, const QByteArray &extraHeaders = {})
{
    return "GET " + path + " HTTP/1.1\r\nHost: mock.test\r\n" + extraHeaders + "\r\n";
}

} // namespace

class TestMockServices : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_mocks = std::make_unique<MockServices>(0); // any free ports: tests run in parallel
        QString error;
        QVERIFY2(m_mocks->start(&error), qPrintable(error));
    }
    void cleanup() { m_mocks.reset(); }

    void bindsEveryServiceOnLoopback()
    {
        QSet<quint16> ports;
        for (const QString &name : MockServices::serviceNames()) {
            const quint16 port = m_mocks->port(name);
            QVERIFY2(port != 0, qPrintable(name));
            ports.insert(port);
            QCOMPARE(m_mocks->url(name), QStringLiteral("http://127.0.0.1:%1").arg(port));
        }
        QCOMPARE(ports.size(), 4);
        QCOMPARE(m_mocks->port(QStringLiteral("nope")), quint16(0));
        QVERIFY(m_mocks->url(QStringLiteral("nope")).isEmpty());
    }

    void fallsBackToAnyPortWhenPreferredIsBusy()
    {
        QTcpServer blocker;
        QVERIFY(blocker.listen(QHostAddress::LocalHost, 0));
        const quint16 busy = blocker.serverPort();

        MockServices mocks(busy); // "users" prefers the busy port
        QString error;
        QVERIFY2(mocks.start(&error), qPrintable(error));
        const quint16 users = mocks.port(QStringLiteral("users"));
        QVERIFY(users != 0);
        QVERIFY(users != busy);

        RawClient client(users);
        QVERIFY(client.isConnected());
        client.send(get("/users/1"));
        QVERIFY(client.waitForResponses(1));
        QCOMPARE(client.responses()[0].head.status, 200);
    }

    void stopClosesListeners()
    {
        const quint16 port = m_mocks->port(QStringLiteral("orders"));
        m_mocks->stop();
        QVERIFY(!m_mocks->isRunning());
        QCOMPARE(m_mocks->port(QStringLiteral("orders")), quint16(0));
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(!socket.waitForConnected(1000));
        m_mocks->stop(); // twice is fine
    }

    void usersApi()
    {
        RawClient client(m_mocks->port(QStringLiteral("users")));
        client.send(get("/users") + get("/users/2") + get("/users/99") + get("/users/abc"));
        QVERIFY(client.waitForResponses(4));
        const auto &r = client.responses();

        QCOMPARE(r[0].head.status, 200);
        QCOMPARE(r[0].head.headers.value("Content-Type"), QByteArray("application/json"));
        QCOMPARE(r[0].json().value(QStringLiteral("service")).toString(), QStringLiteral("users"));
        QCOMPARE(r[0].json().value(QStringLiteral("path")).toString(), QStringLiteral("/users"));
        QCOMPARE(r[0].json().value(QStringLiteral("users")).toArray().size(), 3);

        QCOMPARE(r[1].head.status, 200);
        QCOMPARE(r[1].json()[QStringLiteral("user")][QStringLiteral("name")].toString(),
                 QStringLiteral("Grace Hopper"));

        QCOMPARE(r[2].head.status, 404);
        QCOMPARE(r[2].json().value(QStringLiteral("error")).toString(),
                 QStringLiteral("not found"));
        QCOMPARE(r[2].json().value(QStringLiteral("path")).toString(), QStringLiteral("/users/99"));
        QCOMPARE(r[3].head.status, 404);
    }

    void postUserWithContentLengthAndChunkedBodies()
    {
        RawClient client(m_mocks->port(QStringLiteral("users")));
        const QByteArray body = R"({"name":"Linus","email":"linus@example.test"})";
        client.send("POST /users HTTP/1.1\r\nHost: mock.test\r\nContent-Type: application/json\r\n"
                    "Content-Length: "
                    + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        // Chunked, split across writes.
        client.send("POST /users HTTP/1.1\r\nHost: mock.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "8\r\n{\"name\":\r\n");
        QTest::qWait(20);
        client.send("9\r\n\"Margaret\r\n2\r\n\"}\r\n0\r\n\r\n");
        QVERIFY(client.waitForResponses(2));

        const auto &r = client.responses();
        QCOMPARE(r[0].head.status, 201);
        const QJsonObject first = r[0].json()[QStringLiteral("user")].toObject();
        QCOMPARE(first[QStringLiteral("name")].toString(), QStringLiteral("Linus"));
        QCOMPARE(first[QStringLiteral("email")].toString(), QStringLiteral("linus@example.test"));
        QCOMPARE(first[QStringLiteral("id")].toInt(), 4);
        QCOMPARE(r[1].head.status, 201);
        const QJsonObject second = r[1].json()[QStringLiteral("user")].toObject();
        QCOMPARE(second[QStringLiteral("name")].toString(), QStringLiteral("Margaret"));
        QCOMPARE(second[QStringLiteral("id")].toInt(), 5);

        // The created user can be read back.
        client.send(get("/users/5"));
        QVERIFY(client.waitForResponses(3));
        QCOMPARE(client.responses()[2].head.status, 200);
    }

    void expectContinueAndOversizedBodies()
    {
        RawClient client(m_mocks->port(QStringLiteral("users")));
        client.send("POST /users HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                    "Content-Length: 2\r\n\r\n");
        QVERIFY(client.waitForResponses(1));
        QCOMPARE(client.responses()[0].head.status, 100);
        client.send("{}");
        QVERIFY(client.waitForResponses(2));
        QCOMPARE(client.responses()[1].head.status, 201);

        client.send("POST /users HTTP/1.1\r\nHost: t\r\nContent-Length: 100000000\r\n\r\n");
        QVERIFY(client.waitForResponses(3));
        QCOMPARE(client.responses()[2].head.status, 413);
        QVERIFY(client.waitForServerClose());
    }

    void rejectsBadBodiesAndMethods()
    {
        RawClient client(m_mocks->port(QStringLiteral("users")));
        client.send("POST /users HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\n[1]"
                    "DELETE /users/1 HTTP/1.1\r\nHost: t\r\n\r\n");
        QVERIFY(client.waitForResponses(2));
        QCOMPARE(client.responses()[0].head.status, 400);
        QCOMPARE(client.responses()[1].head.status, 405);
        QCOMPARE(client.responses()[1].head.headers.value("Allow"), QByteArray("GET, HEAD"));
    }

    void echoesGatewayHeaders()
    {
        RawClient client(m_mocks->port(QStringLiteral("orders")));
        client.send(get("/orders/1", "X-Request-Id: req-42\r\nX-Forwarded-For: 10.1.2.3\r\n")
                    + get("/orders"));
        QVERIFY(client.waitForResponses(2));
        const QJsonObject with = client.responses()[0].json();
        QCOMPARE(with[QStringLiteral("service")].toString(), QStringLiteral("orders"));
        QCOMPARE(with[QStringLiteral("path")].toString(), QStringLiteral("/orders/1"));
        QCOMPARE(with[QStringLiteral("headers")][QStringLiteral("X-Request-Id")].toString(),
                 QStringLiteral("req-42"));
        QCOMPARE(with[QStringLiteral("headers")][QStringLiteral("X-Forwarded-For")].toString(),
                 QStringLiteral("10.1.2.3"));
        QCOMPARE(with[QStringLiteral("order")][QStringLiteral("id")].toInt(), 1);
        // Absent headers are null, not missing: the user sees the gateway did not add them.
        const QJsonObject without = client.responses()[1].json();
        QVERIFY(without[QStringLiteral("headers")][QStringLiteral("X-Request-Id")].isNull());
        QCOMPARE(without[QStringLiteral("orders")].toArray().size(), 3);
    }

    void paymentsVersions()
    {
        for (const auto &[service, version] :
             {std::pair{"payments", "v1"}, std::pair{"payments-v2", "v2"}}) {
            RawClient client(m_mocks->port(QString::fromLatin1(service)));
            client.send(get("/payments"));
            QVERIFY(client.waitForResponses(1));
            const QJsonObject json = client.responses()[0].json();
            QCOMPARE(client.responses()[0].head.status, 200);
            QCOMPARE(json[QStringLiteral("service")].toString(), QString::fromLatin1(service));
            QCOMPARE(json[QStringLiteral("version")].toString(), QString::fromLatin1(version));
            QVERIFY(!json[QStringLiteral("payments")].toArray().isEmpty());
        }
    }

    void keepAliveServesManyRequestsOnOneConnection()
    {
        RawClient client(m_mocks->port(QStringLiteral("users")));
        for (int i = 1; i <= 5; ++i) {
            client.send(get("/users/" + QByteArray::number(i % 3 + 1)));
            QVERIFY(client.waitForResponses(i));
            QCOMPARE(client.responses().back().head.status, 200);
            QVERIFY(client.responses().back().head.keepAlive);
            QCOMPARE(client.socket().state(), QAbstractSocket::ConnectedState);
        }
    }

    void pipelinedRequestsAnsweredInOrder()
    {
        RawClient client(m_mocks->port(QStringLiteral("users")));
        QByteArray batch;
        const int count = 50;
        for (int i = 0; i < count; ++i)
            batch += get("/users/" + QByteArray::number(i % 3 + 1),
                         "X-Request-Id: " + QByteArray::number(i) + "\r\n");
        client.send(batch);
        QVERIFY(client.waitForResponses(count));
        for (int i = 0; i < count; ++i) {
            const QJsonObject json = client.responses()[size_t(i)].json();
            QCOMPARE(json[QStringLiteral("headers")][QStringLiteral("X-Request-Id")].toString(),
                     QString::number(i));
            QCOMPARE(json[QStringLiteral("user")][QStringLiteral("id")].toInt(), i % 3 + 1);
        }
    }

    void connectionCloseIsHonoured()
    {
        RawClient client(m_mocks->port(QStringLiteral("users")));
        // The request after "Connection: close" must not be answered.
        client.send(get("/users/1", "Connection: close\r\n") + get("/users/2"));
        QVERIFY(client.waitForResponses(1));
        QCOMPARE(client.responses()[0].head.headers.value("Connection"), QByteArray("close"));
        QVERIFY(client.waitForServerClose());
        QCOMPARE(client.responses().size(), size_t(1));
    }

    void http10Clients()
    {
        { // Plain HTTP/1.0: one response, then the server closes.
            RawClient client(m_mocks->port(QStringLiteral("orders")));
            client.send("GET /orders/2 HTTP/1.0\r\n\r\n");
            QVERIFY(client.waitForResponses(1));
            QCOMPARE(client.responses()[0].head.status, 200);
            QVERIFY(client.waitForServerClose());
        }
        { // HTTP/1.0 asking for keep-alive gets it, and is told so.
            RawClient client(m_mocks->port(QStringLiteral("orders")));
            client.send("GET /orders/2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            QVERIFY(client.waitForResponses(1));
            QCOMPARE(client.responses()[0].head.headers.value("Connection"),
                     QByteArray("keep-alive"));
            client.send("GET /orders/3 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            QVERIFY(client.waitForResponses(2));
            QCOMPARE(
                client.responses()[1].json()[QStringLiteral("order")][QStringLiteral("id")].toInt(),
                3);
        }
    }

    void malformedRequestGets400AndClose()
    {
        RawClient client(m_mocks->port(QStringLiteral("users")));
        client.send("THIS IS NOT HTTP\r\n\r\n");
        QVERIFY(client.waitForResponses(1));
        QCOMPARE(client.responses()[0].head.status, 400);
        QVERIFY(client.waitForServerClose());
    }

    void unknownPathIs404Json()
    {
        RawClient client(m_mocks->port(QStringLiteral("payments")));
        client.send(get("/users/1") + get("/"));
        QVERIFY(client.waitForResponses(2));
        for (const Response &r : client.responses()) {
            QCOMPARE(r.head.status, 404);
            QCOMPARE(r.json()[QStringLiteral("service")].toString(), QStringLiteral("payments"));
            QCOMPARE(r.json()[QStringLiteral("error")].toString(), QStringLiteral("not found"));
        }
    }

    void storedDemoConfigUsesThePreferredPorts()
    {
        // Whatever ports the services got, a new store names the preferred ones.
        const Config config = makeStoredDemoConfig();
        QVERIFY(validateConfig(config).empty());
        QCOMPARE(config.services[0].targets[0].url, QStringLiteral("http://127.0.0.1:19001"));
        QCOMPARE(config.services[1].targets[0].url, QStringLiteral("http://127.0.0.1:19002"));
        QCOMPARE(config.services[2].targets[0].url, QStringLiteral("http://127.0.0.1:19003"));
        QCOMPARE(config.services[2].targets[1].url, QStringLiteral("http://127.0.0.1:19004"));
        QCOMPARE(config.routes.size(), makeDemoConfig(*m_mocks).routes.size());
    }

    void demoConfigPointsAtTheServices()
    {
        const Config config = makeDemoConfig(*m_mocks);
        const ConfigErrors errors = validateConfig(config);
        for (const ConfigError &e : errors)
            qWarning() << e.toString();
        QVERIFY(errors.empty());
        QCOMPARE(config.settings.listen, QStringLiteral("127.0.0.1:8080"));
        QCOMPARE(int(config.routes.size()), 4);

        auto service = [&](const QString &name) -> const ServiceConfig & {
            for (const ServiceConfig &s : config.services) {
                if (s.name == name)
                    return s;
            }
            qFatal("no such service");
        };
        QCOMPARE(service(QStringLiteral("users")).targets.at(0).url,
                 m_mocks->url(QStringLiteral("users")));
        const ServiceConfig &payments = service(QStringLiteral("payments"));
        QCOMPARE(int(payments.targets.size()), 2);
        QCOMPARE(payments.targets[0].url, m_mocks->url(QStringLiteral("payments")));
        QCOMPARE(payments.targets[0].weight, 90);
        QCOMPARE(payments.targets[1].url, m_mocks->url(QStringLiteral("payments-v2")));
        QCOMPARE(payments.targets[1].weight, 10);

        const RouteConfig &apiV1 = config.routes.back();
        QCOMPARE(apiV1.name, QStringLiteral("api-v1"));
        QCOMPARE(apiV1.paths, QStringList{QStringLiteral("/api/v1")});
        QVERIFY(apiV1.stripPath);
        QCOMPARE(apiV1.service, QStringLiteral("users"));
    }

    // resources/demo/demo.yaml documents the demo for users; it must stay what --demo runs.
    void demoYamlMatchesDemoConfig()
    {
        const QString path = QFINDTESTDATA("../../resources/demo/demo.yaml");
        QVERIFY2(!path.isEmpty(), "resources/demo/demo.yaml not found");
        const ConfigLoadResult loaded = loadDeclarativeFile(path);
        for (const ConfigError &e : loaded.errors)
            qWarning() << e.toString();
        QVERIFY(loaded.ok());
        const Config &yaml = loaded.config;

        Config demo = makeDemoConfig(*m_mocks);
        // The YAML names the default ports; the running demo uses whatever it could bind.
        for (ServiceConfig &s : demo.services) {
            for (TargetConfig &t : s.targets) {
                for (const QString &name : MockServices::serviceNames()) {
                    if (t.url == m_mocks->url(name)) {
                        const int index = int(MockServices::serviceNames().indexOf(name));
                        t.url = QStringLiteral("http://127.0.0.1:%1")
                                    .arg(MockServices::kDefaultFirstPort + index);
                    }
                }
            }
        }

        QCOMPARE(yaml.settings.listen, demo.settings.listen);
        QCOMPARE(yaml.services.size(), demo.services.size());
        for (size_t i = 0; i < demo.services.size(); ++i) {
            QCOMPARE(yaml.services[i].name, demo.services[i].name);
            QCOMPARE(yaml.services[i].targets.size(), demo.services[i].targets.size());
            for (size_t j = 0; j < demo.services[i].targets.size(); ++j) {
                QCOMPARE(yaml.services[i].targets[j].url, demo.services[i].targets[j].url);
                QCOMPARE(yaml.services[i].targets[j].weight, demo.services[i].targets[j].weight);
            }
        }
        QCOMPARE(yaml.routes.size(), demo.routes.size());
        for (size_t i = 0; i < demo.routes.size(); ++i) {
            const RouteConfig &a = yaml.routes[i];
            const RouteConfig &b = demo.routes[i];
            QCOMPARE(a.name, b.name);
            QCOMPARE(a.paths, b.paths);
            QCOMPARE(a.hosts, b.hosts);
            QCOMPARE(a.methods, b.methods);
            QCOMPARE(a.stripPath, b.stripPath);
            QCOMPARE(a.service, b.service);
            QCOMPARE(a.auth, b.auth);
        }
        QCOMPARE(yaml.consumers.size(), demo.consumers.size());
        for (qsizetype i = 0; i < demo.consumers.size(); ++i) {
            QCOMPARE(yaml.consumers[i].name, demo.consumers[i].name);
            QCOMPARE(yaml.consumers[i].keys.size(), demo.consumers[i].keys.size());
            for (size_t k = 0; k < demo.consumers[i].keys.size(); ++k)
                QCOMPARE(yaml.consumers[i].keys[k].hash, demo.consumers[i].keys[k].hash);
        }
    }

private:
    std::unique_ptr<MockServices> m_mocks;
};

QTEST_GUILESS_MAIN(TestMockServices)
#include "tst_mock_services.moc"
