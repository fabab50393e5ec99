// The Admin API over real sockets: a store file, the engine serving traffic, and the Admin
// server on loopback port 0, all in this process.

#include "AdminHarness.h"
#include "config/ConfigService.h"
#include "config/ConfigStore.h"

#include <QFile>
#include <QMutex>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace portico;
using namespace portico::test;

namespace {

const RawHeaders kJson = {{"Content-Type", "application/json"}};

RawHeaders withToken(const QByteArray &token, RawHeaders headers = kJson)
{
    headers.append({"Authorization", "Bearer " + token});
    return headers;
}

QJsonArray dataOf(const RawResponse &response)
{
    return response.json().value(QLatin1String("data")).toArray();
}

QStringList errorPaths(const RawResponse &response)
{
    QStringList paths;
    for (const QJsonValue &e : response.json().value(QLatin1String("errors")).toArray())
        paths.append(e[QLatin1String("path")].toString() + QStringLiteral(": ")
                     + e[QLatin1String("message")].toString());
    return paths;
}

} // namespace

class TestAdminApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void routeCrudReachesTheGateway();
    void putPatchAndRenames();
    void authenticationFields();
    void fieldErrorsAndNothingChanges();
    void conflicts();
    void pagination();
    void keysAreShownOnce();
    void tokenEnforcement();
    void wholeConfigAndValidation();
    void historyAndRollback();
    void protocolErrors();
    void describesItself();
    void editsUnderLoadFailNoRequest();

private:
    void startAll(const Config &initial);
    RawResponse call(const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
                     const RawHeaders &headers = kJson);
    RawResponse viaGateway(const QByteArray &path);

    std::unique_ptr<TestBackend> m_backend;
    AdminHarness m_stack;
};

void TestAdminApi::startAll(const Config &initial)
{
    const QString why = m_stack.start(initial);
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

void TestAdminApi::init()
{
    m_backend = std::make_unique<TestBackend>(QStringLiteral("users"));
    Config config = baseConfig();
    config.services.push_back(makeService(QStringLiteral("users"), {m_backend->url()}));
    config.routes.push_back(makeRoute(QStringLiteral("users"), {QStringLiteral("/users")},
                                      QStringLiteral("users")));
    startAll(config);
}

void TestAdminApi::cleanup()
{
    m_stack.stop();
    m_backend.reset();
}

RawResponse TestAdminApi::call(const QByteArray &method, const QByteArray &path,
                               const QByteArray &body, const RawHeaders &headers)
{
    RawHttpClient client(m_stack.server->port());
    return client.request(method, path, body, headers);
}

RawResponse TestAdminApi::viaGateway(const QByteArray &path)
{
    RawHttpClient client(m_stack.engine->listenPort());
    return client.get(path);
}

void TestAdminApi::routeCrudReachesTheGateway()
{
    QCOMPARE(viaGateway("/orders/1").status, 404);

    const RawResponse service = call("POST", "/services",
                                     R"({"name": "orders", "url": ")" + m_backend->url().toUtf8()
                                         + R"("})");
    QCOMPARE(service.status, 201);
    QCOMPARE(service.header("Location"), QByteArray("/services/orders"));
    QCOMPARE(service.json().value(QLatin1String("targets")).toArray().size(), 1);

    const RawResponse created = call(
        "POST", "/routes", R"({"name": "orders", "paths": ["/orders"], "service": "orders"})");
    QCOMPARE(created.status, 201);
    QCOMPARE(created.json().value(QLatin1String("service")).toString(), QStringLiteral("orders"));
    QVERIFY(!created.header("ETag").isEmpty());
    // Applied before the answer: the very next request is routed.
    QCOMPARE(viaGateway("/orders/1").status, 200);
    QCOMPARE(m_backend->lastRequest().target, QByteArray("/orders/1"));

    const RawResponse one = call("GET", "/routes/orders");
    QCOMPARE(one.status, 200);
    QCOMPARE(one.json().value(QLatin1String("paths")).toArray().at(0).toString(),
             QStringLiteral("/orders"));
    QCOMPARE(call("GET", "/routes/nope").status, 404);

    QCOMPARE(call("DELETE", "/routes/orders").status, 204);
    QCOMPARE(call("GET", "/routes/orders").status, 404);
    QCOMPARE(call("DELETE", "/routes/orders").status, 404);
    QCOMPARE(viaGateway("/orders/1").status, 404);

    // Every edit is in the store, not only in the engine.
    QCOMPARE(m_stack.config->store().history(10).front().source, ConfigSource::Admin);
    QVERIFY(m_stack.config->store().history(10).front().summary.contains(QStringLiteral("orders")));
}

void TestAdminApi::putPatchAndRenames()
{
    const QByteArray route = R"({"paths": ["/v2"], "service": "users", "strip_path": true})";
    QCOMPARE(call("PUT", "/routes/v2", route).status, 201);
    QCOMPARE(call("PUT", "/routes/v2", route).status, 200); // same again: unchanged, still 200
    QCOMPARE(viaGateway("/v2/users/7").status, 200);
    QCOMPARE(m_backend->lastRequest().target, QByteArray("/users/7"));

    const RawResponse mismatch = call("PUT", "/routes/v2", R"({"name": "other"})");
    QCOMPARE(mismatch.status, 400);
    QVERIFY2(errorPaths(mismatch).join(u'\n').startsWith(QStringLiteral("name: ")),
             qPrintable(errorPaths(mismatch).join(u'\n')));

    const RawResponse patched = call("PATCH", "/routes/v2", R"({"strip_path": null})");
    QCOMPARE(patched.status, 200);
    QCOMPARE(patched.json().value(QLatin1String("strip_path")).toBool(), false);
    QCOMPARE(patched.json().value(QLatin1String("paths")).toArray().size(), 1);

    // Renaming a service carries the new name to the routes that use it.
    const RawResponse renamed = call("PATCH", "/services/users", R"({"name": "people"})");
    QCOMPARE(renamed.status, 200);
    QCOMPARE(renamed.json().value(QLatin1String("name")).toString(), QStringLiteral("people"));
    QCOMPARE(call("GET", "/routes/users").json().value(QLatin1String("service")).toString(),
             QStringLiteral("people"));
    QCOMPARE(call("GET", "/services/users").status, 404);
    QCOMPARE(viaGateway("/users/1").status, 200);
    QCOMPARE(call("PATCH", "/services/nope", R"({"retries": 0})").status, 404);
}

void TestAdminApi::authenticationFields()
{
    QCOMPARE(call("POST", "/jwt_providers",
                  R"({"name": "idp", "issuer": "https://idp.test", "algorithms": ["HS256"],
                      "secret": "s", "jwks_cache_max_s": 600})")
                 .status,
             201);
    const RawResponse created =
        call("PUT", "/routes/secure",
             R"({"paths": ["/secure"], "service": "users", "auth": ["key", "jwt"],
                 "key_header": "X-Secure-Key", "key_in_query": true, "jwt_providers": ["idp"],
                 "allow_groups": ["staff"], "deny_ips": ["10.0.0.0/8"]})");
    QCOMPARE(created.status, 201);
    const QJsonObject route = created.json();
    QCOMPARE(route.value(QLatin1String("key_header")).toString(), QStringLiteral("X-Secure-Key"));
    QCOMPARE(route.value(QLatin1String("key_in_query")).toBool(), true);
    QCOMPARE(route.value(QLatin1String("jwt_providers")).toArray().at(0).toString(),
             QStringLiteral("idp"));
    QCOMPARE(route.value(QLatin1String("jwt_anonymous")).toBool(), false);
    QCOMPARE(route.value(QLatin1String("deny_ips")).toArray().at(0).toString(),
             QStringLiteral("10.0.0.0/8"));
    const RawResponse consumer =
        call("POST", "/consumers", R"({"name": "app", "custom_id": "ext-1", "groups": ["staff"]})");
    QCOMPARE(consumer.status, 201);
    QCOMPARE(consumer.json().value(QLatin1String("custom_id")).toString(), QStringLiteral("ext-1"));

    // Renaming a JWT provider carries the new name to the routes that accept it.
    QCOMPARE(call("PATCH", "/jwt_providers/idp", R"({"name": "idp2"})").status, 200);
    QCOMPARE(call("GET", "/routes/secure")
                 .json()
                 .value(QLatin1String("jwt_providers"))
                 .toArray()
                 .at(0)
                 .toString(),
             QStringLiteral("idp2"));
    QCOMPARE(call("GET", "/jwt_providers/idp2").json().value(QLatin1String("jwks_cache_max_s")),
             QJsonValue(600));

    // Type errors name the field of the part, validation errors the field in the configuration.
    QCOMPARE(errorPaths(call("PATCH", "/routes/secure", R"({"jwt_anonymous": "yes"})")),
             QStringList{QStringLiteral("jwt_anonymous: expected true or false")});
    QCOMPARE(errorPaths(call("PATCH", "/routes/secure", R"({"allow_ips": ["nope"]})")),
             QStringList{QStringLiteral("routes[1].allow_ips[0]: expected an IPv4 or IPv6 "
                                        "address, or a CIDR block such as 10.0.0.0/8")});
    QCOMPARE(errorPaths(call("PATCH", "/routes/users", R"({"jwt_anonymous": true})")),
             QStringList{QStringLiteral("routes[0].jwt_anonymous: needs auth: [jwt]")});
    QCOMPARE(errorPaths(call("POST", "/consumers", R"({"name": "b", "custom_id": "ext-1"})")),
             QStringList{QStringLiteral("consumers[1].custom_id: duplicate custom_id \"ext-1\" "
                                        "(also consumers[0])")});
}

void TestAdminApi::fieldErrorsAndNothingChanges()
{
    const qint64 before = m_stack.config->revision();
    const RawResponse badRegex =
        call("POST", "/routes", R"({"name": "bad", "paths": ["~^/x(["], "service": "users"})");
    QCOMPARE(badRegex.status, 400);
    QCOMPARE(badRegex.json().value(QLatin1String("error")).toString(),
             QStringLiteral("invalid configuration"));
    QVERIFY2(errorPaths(badRegex).join(u'\n').startsWith(
                 QStringLiteral("routes[1].paths[0]: invalid regex: ")),
             qPrintable(errorPaths(badRegex).join(u'\n')));

    const RawResponse typo = call("POST", "/routes", R"({"name": "t", "pahts": ["/t"]})");
    QCOMPARE(typo.status, 400);
    QCOMPARE(errorPaths(typo), QStringList{QStringLiteral("pahts: unknown field")});

    const RawResponse unknownService =
        call("POST", "/routes", R"({"name": "u", "paths": ["/u"], "service": "ghost"})");
    QCOMPARE(unknownService.status, 400);
    QCOMPARE(errorPaths(unknownService),
             QStringList{QStringLiteral("routes[1].service: unknown service \"ghost\"")});

    // A service still in use cannot go.
    const RawResponse inUse = call("DELETE", "/services/users");
    QCOMPARE(inUse.status, 400);
    QCOMPARE(errorPaths(inUse),
             QStringList{QStringLiteral("routes[0].service: unknown service \"users\"")});

    QCOMPARE(call("POST", "/routes", "not json at all {").status, 400);
    QCOMPARE(m_stack.config->revision(), before);
    QCOMPARE(m_stack.config->config().routes.size(), size_t(1));
    QCOMPARE(viaGateway("/users/1").status, 200);
}

void TestAdminApi::conflicts()
{
    const RawResponse read = call("GET", "/routes/users");
    const QByteArray etag = read.header("ETag");
    QCOMPARE(etag, QByteArray("\"") + QByteArray::number(m_stack.config->revision()) + '"');

    // Someone else (the desktop app, say) changes the configuration in between.
    const StoreResult other = m_stack.config->edit(ConfigSource::Gui, QStringLiteral("gui edit"), 0,
                                             [](Config &c) {
                                                 c.routes[0].stripPath = true;
                                                 return EditOutcome{};
                                             });
    QCOMPARE(other.status, StoreResult::Status::Ok);

    RawHeaders ifMatch = kJson;
    ifMatch.append({"If-Match", etag});
    const RawResponse stale = call("PATCH", "/routes/users", R"({"methods": ["GET"]})", ifMatch);
    QCOMPARE(stale.status, 409);
    QVERIFY(m_stack.config->config().routes[0].methods.isEmpty());
    QVERIFY(m_stack.config->config().routes[0].stripPath); // the other edit survives

    ifMatch.last().second = call("GET", "/routes/users").header("ETag");
    QCOMPARE(call("PATCH", "/routes/users", R"({"methods": ["GET"]})", ifMatch).status, 200);
    QVERIFY(m_stack.config->config().routes[0].stripPath);
    QCOMPARE(m_stack.config->config().routes[0].methods, QStringList{QStringLiteral("GET")});

    ifMatch.last().second = "\"banana\"";
    QCOMPARE(call("PATCH", "/routes/users", R"({"methods": ["PUT"]})", ifMatch).status, 400);

    // Creating what exists is a conflict, not an overwrite.
    const RawResponse twice =
        call("POST", "/routes", R"({"name": "users", "paths": ["/x"], "service": "users"})");
    QCOMPARE(twice.status, 409);
    QCOMPARE(m_stack.config->config().routes[0].paths, QStringList{QStringLiteral("/users")});
}

void TestAdminApi::pagination()
{
    for (int i = 0; i < 25; ++i)
        QCOMPARE(call("POST", "/consumers",
                      QStringLiteral(R"({"name": "c%1"})").arg(i, 2, 10, QLatin1Char('0')).toUtf8())
                     .status,
                 201);
    const RawResponse first = call("GET", "/consumers?limit=10");
    QCOMPARE(first.status, 200);
    QCOMPARE(dataOf(first).size(), 10);
    QCOMPARE(first.json().value(QLatin1String("total")).toInt(), 25);
    QCOMPARE(first.json().value(QLatin1String("next")).toString(),
             QStringLiteral("/consumers?offset=10&limit=10"));
    const RawResponse last = call("GET", "/consumers?offset=20&limit=10");
    QCOMPARE(dataOf(last).size(), 5);
    QCOMPARE(dataOf(last).at(0)[QLatin1String("name")].toString(), QStringLiteral("c20"));
    QVERIFY(last.json().value(QLatin1String("next")).isNull());
    QCOMPARE(dataOf(call("GET", "/consumers")).size(), 25); // default page: 100
    QCOMPARE(call("GET", "/consumers?limit=0").status, 400);
    QCOMPARE(call("GET", "/consumers?limit=1001").status, 400);
    QCOMPARE(call("GET", "/consumers?offset=-1").status, 400);
}

void TestAdminApi::keysAreShownOnce()
{
    QCOMPARE(call("POST", "/plans", R"({"name": "free", "limits": {"minute": 60}})").status, 201);
    QCOMPARE(call("POST", "/consumers", R"({"name": "mobile", "plan": "free"})").status, 201);

    const RawResponse created = call("POST", "/consumers/mobile/keys");
    QCOMPARE(created.status, 201);
    const QString key = created.json().value(QLatin1String("key")).toString();
    const QString id = created.json().value(QLatin1String("id")).toString();
    QVERIFY2(key.startsWith(QStringLiteral("pk_")) && key.size() == 46, qPrintable(key));
    QVERIFY(key.startsWith(created.json().value(QLatin1String("prefix")).toString()));
    QCOMPARE(created.header("Cache-Control"), QByteArray("no-store"));

    // Afterwards: metadata only, everywhere.
    const RawResponse listed = call("GET", "/consumers/mobile/keys");
    QCOMPARE(listed.status, 200);
    QCOMPARE(dataOf(listed).size(), 1);
    const QJsonObject meta = dataOf(listed).at(0).toObject();
    QCOMPARE(meta.value(QLatin1String("id")).toString(), id);
    QCOMPARE(meta.value(QLatin1String("state")).toString(), QStringLiteral("active"));
    QVERIFY(!meta.contains(QLatin1String("key")));
    for (const QByteArray &path : {QByteArray("/consumers/mobile/keys"),
                                   QByteArray("/consumers/mobile"), QByteArray("/config"),
                                   QByteArray("/config?format=yaml"),
                                   "/consumers/mobile/keys/" + id.toUtf8()})
        QVERIFY2(!call("GET", path).body.contains(key.toUtf8()), path.constData());
    // Nor is it anywhere in the store file.
    QFile db(m_stack.config->store().path());
    QVERIFY(db.open(QIODevice::ReadOnly));
    QVERIFY(!db.readAll().contains(key.toUtf8()));
    QFile wal(m_stack.config->store().path() + QStringLiteral("-wal"));
    if (wal.open(QIODevice::ReadOnly))
        QVERIFY(!wal.readAll().contains(key.toUtf8()));

    QCOMPARE(call("DELETE", "/consumers/mobile/keys/" + id.toUtf8()).status, 204);
    QCOMPARE(dataOf(call("GET", "/consumers/mobile/keys")).at(0)[QLatin1String("state")]
                 .toString(),
             QStringLiteral("revoked"));
    QCOMPARE(call("DELETE", "/consumers/mobile/keys/key_0000000000000000").status, 404);
    QCOMPARE(call("POST", "/consumers/ghost/keys").status, 404);
    QCOMPARE(call("POST", "/consumers/mobile/keys", R"({"expires": "2000-01-01T00:00:00Z"})")
                 .status,
             400);
    const RawResponse expiring =
        call("POST", "/consumers/mobile/keys", R"({"expires": "2099-01-01T00:00:00Z"})");
    QCOMPARE(expiring.status, 201);
    QCOMPARE(expiring.json().value(QLatin1String("expires")).toString(),
             QStringLiteral("2099-01-01T00:00:00Z"));
    // A consumer replaced without "keys" keeps its keys.
    QCOMPARE(call("PUT", "/consumers/mobile", R"({"plan": ""})").status, 200);
    QCOMPARE(m_stack.config->config().consumers[0].keys.size(), size_t(2));
}

void TestAdminApi::tokenEnforcement()
{
    QCOMPARE(call("PATCH", "/services/users", R"({"retries": 0})").status, 200);
    QCOMPARE(call("PATCH", "/config/../services/users", R"({"retries": 0})").status, 404);

    // Set a token through the API itself; from now on writes need it.
    Config withTokenConfig = m_stack.config->config();
    withTokenConfig.settings.adminToken = QStringLiteral("s3cret-token");
    QCOMPARE(m_stack.config->replace(withTokenConfig, ConfigSource::Gui, QString()).status,
             StoreResult::Status::Ok);

    const RawResponse missing = call("PATCH", "/services/users", R"({"retries": 2})");
    QCOMPARE(missing.status, 401);
    QCOMPARE(missing.header("WWW-Authenticate"), QByteArray("Bearer realm=\"portico-admin\""));
    QCOMPARE(call("PATCH", "/services/users", R"({"retries": 2})", withToken("s3cret-tokeN"))
                 .status,
             401);
    QCOMPARE(call("PATCH", "/services/users", R"({"retries": 2})", withToken("s3cret-token"))
                 .status,
             200);
    QCOMPARE(call("POST", "/consumers/x/keys").status, 401);
    QCOMPARE(call("GET", "/services/users").status, 200); // loopback reads need no token
    QCOMPARE(m_stack.config->config().services[0].retries, 2);

    // A caller from another machine: reads need the token too. Without a token configured it
    // is refused outright, whatever address the API listens on.
    AdminRequest remote;
    remote.method = "GET";
    remote.segments = {QStringLiteral("status")};
    remote.peer = QHostAddress(QStringLiteral("192.0.2.7"));
    QCOMPARE(m_stack.api->handle(remote).status, 401);
    remote.headers.add("Authorization", "Bearer s3cret-token");
    QCOMPARE(m_stack.api->handle(remote).status, 200);
    withTokenConfig.settings.adminToken.clear();
    QCOMPARE(m_stack.config->replace(withTokenConfig, ConfigSource::Gui, QString()).status,
             StoreResult::Status::Ok);
    QCOMPARE(m_stack.api->handle(remote).status, 403);
}

void TestAdminApi::wholeConfigAndValidation()
{
    const RawResponse exported = call("GET", "/config");
    QCOMPARE(exported.status, 200);
    QCOMPARE(exported.header("Content-Type"), QByteArray("application/json"));
    QVERIFY(exported.body.startsWith("{\n  \"format_version\": 1,"));
    const RawResponse yaml = call("GET", "/config?format=yaml");
    QCOMPARE(yaml.header("Content-Type"), QByteArray("application/yaml"));
    QVERIFY(yaml.body.startsWith("format_version: 1\n"));

    // Replace everything with a changed copy of the export.
    QByteArray next = exported.body;
    next.replace("\"/users\"", "\"/people\"");
    const RawResponse replaced = call("PUT", "/config", next);
    QCOMPARE(replaced.status, 200);
    QCOMPARE(replaced.json().value(QLatin1String("changed")).toBool(), true);
    QCOMPARE(viaGateway("/people/1").status, 200);
    QCOMPARE(call("GET", "/config").body, next);

    // An invalid document changes nothing and names every field (the only target without
    // weight also leaves its service without traffic: a third error).
    const qint64 revision = m_stack.config->revision();
    QByteArray broken = next;
    broken.replace("\"weight\": 100", "\"weight\": -5");
    broken.replace("\"/people\"", "\"people\"");
    const RawResponse refused = call("PUT", "/config", broken);
    QCOMPARE(refused.status, 400);
    QVERIFY2(errorPaths(refused).size() == 3, qPrintable(errorPaths(refused).join(u'\n')));
    QVERIFY(errorPaths(refused).filter(QStringLiteral("services[0].targets[0].weight")).size()
            == 1);
    QVERIFY(errorPaths(refused).filter(QStringLiteral("routes[0].paths[0]")).size() == 1);
    QCOMPARE(m_stack.config->revision(), revision);
    QCOMPARE(viaGateway("/people/1").status, 200);

    const RawResponse checked = call("POST", "/config/validate", broken);
    QCOMPARE(checked.status, 200);
    QCOMPARE(checked.json().value(QLatin1String("valid")).toBool(), false);
    QCOMPARE(checked.json().value(QLatin1String("errors")).toArray().size(), 3);
    QCOMPARE(call("POST", "/config/validate", next).json().value(QLatin1String("valid")).toBool(),
             true);
    QCOMPARE(m_stack.config->revision(), revision);
}

void TestAdminApi::historyAndRollback()
{
    const qint64 start = m_stack.config->revision();
    QCOMPARE(call("PATCH", "/routes/users", R"({"paths": ["/a"]})").status, 200);
    QCOMPARE(call("PATCH", "/routes/users", R"({"paths": ["/b"]})").status, 200);
    const RawResponse history = call("GET", "/config/history?limit=2");
    QCOMPARE(history.status, 200);
    QCOMPARE(dataOf(history).size(), 2);
    const QJsonObject newest = dataOf(history).at(0).toObject();
    QCOMPARE(newest.value(QLatin1String("revision")).toInteger(), start + 2);
    QCOMPARE(newest.value(QLatin1String("source")).toString(), QStringLiteral("admin"));

    const RawResponse old = call("GET", "/config/history/" + QByteArray::number(start));
    QCOMPARE(old.status, 200);
    QVERIFY(old.body.contains("\"/users\""));
    QCOMPARE(call("GET", "/config/history/999999").status, 404);

    const RawResponse back = call("POST", "/config/rollback",
                                  "{\"revision\": " + QByteArray::number(start) + "}");
    QCOMPARE(back.status, 200);
    QCOMPARE(back.json().value(QLatin1String("revision")).toInteger(), start + 3);
    QCOMPARE(m_stack.config->config().routes[0].paths, QStringList{QStringLiteral("/users")});
    QCOMPARE(viaGateway("/users/1").status, 200);
    QCOMPARE(dataOf(call("GET", "/config/history?limit=1")).at(0)[QLatin1String("source")]
                 .toString(),
             QStringLiteral("rollback"));
    QCOMPARE(call("POST", "/config/rollback", R"({"revision": "x"})").status, 400);
}

void TestAdminApi::protocolErrors()
{
    const qint64 revision = m_stack.config->revision();
    RawHttpClient client(m_stack.server->port());
    // Ambiguous framing is refused by the same strict parser as the gateway's.
    QVERIFY(client.send("PUT /config HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n{}"));
    QCOMPARE(client.readResponse().status, 400);
    QVERIFY(client.isClosedByPeer());

    RawHttpClient big(m_stack.server->port());
    QVERIFY(big.send("PUT /config HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999999\r\n\r\n"));
    QCOMPARE(big.readResponse().status, 413);
    QCOMPARE(m_stack.config->revision(), revision);

    QCOMPARE(call("GET", "/nowhere").status, 404);
    const RawResponse wrongMethod = call("DELETE", "/status");
    QCOMPARE(wrongMethod.status, 405);
    QCOMPARE(wrongMethod.header("Allow"), QByteArray("GET, HEAD"));
    QCOMPARE(call("GET", "/consumers/x/usage").status, 404); // no such consumer
    QCOMPARE(call("POST", "/traffic").status, 405);

    // Keep-alive: several requests on one connection, answered in order.
    RawHttpClient keepAlive(m_stack.server->port());
    QCOMPARE(keepAlive.get("/status").status, 200);
    QCOMPARE(keepAlive.get("/routes/users").status, 200);
    QCOMPARE(keepAlive.get("/metrics").status, 200);
}

void TestAdminApi::describesItself()
{
    QCOMPARE(viaGateway("/users/1").status, 200);
    const RawResponse status = call("GET", "/status");
    QCOMPARE(status.status, 200);
    QCOMPARE(status.json().value(QLatin1String("revision")).toInteger(),
             m_stack.config->revision());
    QCOMPARE(status.json().value(QLatin1String("config"))[QLatin1String("routes")].toInt(), 1);
    QVERIFY(status.json().value(QLatin1String("engine"))[QLatin1String("running")].toBool());
    const QJsonObject engineStatus = status.json().value(QLatin1String("engine")).toObject();
    QCOMPARE(engineStatus.value(QLatin1String("rate_limited")).toInteger(), 0);
    const QJsonObject latency = engineStatus.value(QLatin1String("latency_us")).toObject();
    for (const char *field : {"count", "p50", "p95", "p99"})
        QVERIFY2(latency.contains(QLatin1String(field)), field);

    const RawResponse metrics = call("GET", "/metrics");
    QVERIFY(metrics.header("Content-Type").startsWith("text/plain; version=0.0.4"));
    QVERIFY(metrics.body.contains("# TYPE portico_http_requests_total counter\n"));
    QVERIFY(metrics.body.contains("portico_config_revision "));

    const RawResponse openapi = call("GET", "/openapi.json");
    QCOMPARE(openapi.status, 200);
    const QJsonObject doc = openapi.json();
    QCOMPARE(doc.value(QLatin1String("openapi")).toString(), QStringLiteral("3.0.3"));
    const QJsonObject paths = doc.value(QLatin1String("paths")).toObject();
    for (const char *path :
         {"/status", "/config", "/config/validate", "/config/history", "/config/rollback",
          "/services", "/services/{name}", "/routes", "/routes/{name}", "/consumers",
          "/consumers/{name}", "/plans", "/plans/{name}", "/consumers/{name}/keys",
          "/consumers/{name}/keys/{id}", "/metrics", "/jwt_providers"})
        QVERIFY2(paths.contains(QLatin1String(path)), path);
    // The schemas list the authentication and access fields.
    const QJsonObject schemaList =
        doc.value(QLatin1String("components"))[QLatin1String("schemas")].toObject();
    const auto properties = [&](const char *schema) {
        return schemaList.value(QLatin1String(schema))[QLatin1String("properties")].toObject();
    };
    for (const char *field : {"key_header", "key_in_query", "jwt_providers", "jwt_anonymous",
                              "allow_groups", "deny_groups", "allow_ips", "deny_ips"})
        QVERIFY2(properties("Route").contains(QLatin1String(field)), field);
    for (const char *field : {"tls_verify", "ca_bundle", "tls_server_name", "client_certificate"})
        QVERIFY2(properties("Service").contains(QLatin1String(field)), field);
    QVERIFY(properties("Consumer").contains(QLatin1String("custom_id")));
    QVERIFY(properties("Consumer").contains(QLatin1String("groups")));
    QVERIFY(properties("JwtProvider").contains(QLatin1String("jwks_cache_min_s")));
    QVERIFY(properties("JwtProvider").contains(QLatin1String("jwks_cache_max_s")));
    for (const char *field : {"listen", "rate_limit_store", "rate_limit_headers",
                              "rate_limit_redis_down", "rate_limit_redis_timeout_ms",
                              "quota_timezone", "shutdown_timeout_ms"})
        QVERIFY2(properties("Settings").contains(QLatin1String(field)), field);
    QCOMPARE(properties("Settings")[QLatin1String("rate_limit_headers")][QLatin1String("enum")]
                 .toArray()
                 .size(),
             4);
    // Every $ref points at a schema that exists.
    const QJsonObject schemas =
        doc.value(QLatin1String("components"))[QLatin1String("schemas")].toObject();
    const QByteArray text = openapi.body;
    qsizetype at = 0;
    while ((at = text.indexOf("#/components/schemas/", at)) >= 0) {
        at += 21;
        const QString name = QString::fromUtf8(text.mid(at, text.indexOf('"', at) - at));
        QVERIFY2(schemas.contains(name), qPrintable(name));
    }
}

void TestAdminApi::editsUnderLoadFailNoRequest()
{
    const quint16 port = m_stack.engine->listenPort();
    std::atomic<bool> stop{false};
    std::atomic<int> requests{0};
    std::atomic<int> failures{0};
    QString firstFailure;
    QMutex failureLock;
    std::vector<std::unique_ptr<TestThread>> clients;
    for (int c = 0; c < 3; ++c) {
        clients.push_back(std::make_unique<TestThread>([&, c] {
            RawHttpClient client(port);
            const QDeadlineTimer deadline(30000); // bounded even if the main thread hangs
            while (!stop.load() && !deadline.hasExpired()) {
                if (!client.isConnected())
                    client.connectTo(port);
                const RawResponse r = client.get("/users/" + QByteArray::number(c), {}, 10000);
                requests.fetch_add(1);
                if (!r.ok || r.status != 200) {
                    failures.fetch_add(1);
                    QMutexLocker locker(&failureLock);
                    if (firstFailure.isEmpty())
                        firstFailure = QStringLiteral("%1 %2").arg(r.status).arg(r.error);
                }
            }
        }));
    }
    // 30 edits through the API while the clients run: each one a new snapshot in the engine.
    for (int i = 0; i < 30; ++i) {
        const QByteArray body = i % 2 ? R"({"strip_path": false, "methods": []})"
                                      : R"({"methods": ["GET", "HEAD"]})";
        QCOMPARE(call("PATCH", "/routes/users", body).status, 200);
        QCOMPARE(call("PUT", "/routes/extra-" + QByteArray::number(i),
                      R"({"paths": ["/extra"], "service": "users"})")
                     .status,
                 201);
        QTest::qWait(10);
    }
    stop.store(true);
    clients.clear();
    QVERIFY(requests.load() > 30);
    QVERIFY2(failures.load() == 0, qPrintable(firstFailure));
    QCOMPARE(m_stack.config->config().routes.size(), size_t(31));
}

QTEST_MAIN(TestAdminApi)
#include "tst_admin_api.moc"
