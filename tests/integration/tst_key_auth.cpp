// API key authentication and access rules over real sockets: where keys travel and that they
// never reach a service, the identity headers services receive (and clients cannot forge),
// 401/403 answers, revocation on the very next request, rotation with a grace period, and the
// last use of a key reaching the store without a write per request.

#include "AdminHarness.h"
#include "config/ApiKeys.h"
#include "config/KeyUsageFlusher.h"
#include "policy/auth/KeyUsageRecorder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace portico;
using namespace portico::test;

namespace {

const QByteArray kAliceKey = "pk_alice0000000000000000000000000000000000000";
const QByteArray kBobKey = "pk_bob000000000000000000000000000000000000000";
const QByteArray kOldKey = "pk_expired000000000000000000000000000000000000";
const QByteArray kRevokedKey = "pk_revoked000000000000000000000000000000000000";

// Whole seconds, UTC: the store's resolution.
QDateTime daysFromNow(int days)
{
    return QDateTime::fromSecsSinceEpoch(QDateTime::currentSecsSinceEpoch() + days * 86'400,
                                         Qt::UTC);
}

ApiKeyConfig keyFor(const QByteArray &plaintext)
{
    return storedApiKey(QString::fromLatin1(plaintext), daysFromNow(-10));
}

ConsumerConfig consumer(const QString &name, const QStringList &groups,
                        const std::vector<ApiKeyConfig> &keys, const QString &customId = {})
{
    ConsumerConfig c;
    c.name = name;
    c.groups = groups;
    c.keys = keys;
    c.customId = customId;
    return c;
}

RouteConfig keyRoute(const QString &name, const QString &path)
{
    RouteConfig r = makeRoute(name, {path}, QStringLiteral("svc"));
    r.auth = {QStringLiteral("key")};
    return r;
}

// alice (custom id, group partners) and bob (group staff); an expired and a revoked key;
// routes: /public, /keys (auth key), /query (keys in the query too), /token (key header
// X-Token), /partners (only the partners group), /nostaff (staff denied), /lan (only 10/8),
// /blocked (127.0.0.1 denied), /local (127/8 allowed).
Config authConfig(const QString &backendUrl)
{
    Config c = baseConfig();
    c.services.push_back(makeService(QStringLiteral("svc"), {backendUrl}));
    c.routes.push_back(makeRoute(QStringLiteral("public"), {QStringLiteral("/public")},
                                 QStringLiteral("svc")));
    c.routes.push_back(keyRoute(QStringLiteral("keys"), QStringLiteral("/keys")));
    RouteConfig query = keyRoute(QStringLiteral("query"), QStringLiteral("/query"));
    query.keyInQuery = true;
    c.routes.push_back(query);
    RouteConfig token = keyRoute(QStringLiteral("token"), QStringLiteral("/token"));
    token.keyHeader = QStringLiteral("X-Token");
    c.routes.push_back(token);
    RouteConfig partners = keyRoute(QStringLiteral("partners"), QStringLiteral("/partners"));
    partners.allowGroups = {QStringLiteral("partners")};
    c.routes.push_back(partners);
    RouteConfig nostaff = keyRoute(QStringLiteral("nostaff"), QStringLiteral("/nostaff"));
    nostaff.denyGroups = {QStringLiteral("staff")};
    c.routes.push_back(nostaff);
    RouteConfig lan = makeRoute(QStringLiteral("lan"), {QStringLiteral("/lan")},
                                QStringLiteral("svc"));
    lan.allowIps = {QStringLiteral("10.0.0.0/8")};
    c.routes.push_back(lan);
    RouteConfig blocked = makeRoute(QStringLiteral("blocked"), {QStringLiteral("/blocked")},
                                    QStringLiteral("svc"));
    blocked.allowIps = {QStringLiteral("127.0.0.0/8")};
    blocked.denyIps = {QStringLiteral("127.0.0.1")};
    c.routes.push_back(blocked);
    RouteConfig local = makeRoute(QStringLiteral("local"), {QStringLiteral("/local")},
                                  QStringLiteral("svc"));
    local.allowIps = {QStringLiteral("::1"), QStringLiteral("127.0.0.0/8")};
    c.routes.push_back(local);
    for (RouteConfig &route : c.routes)
        route.stripPath = true; // "/keys/headers" reaches the backend's "/headers"

    ApiKeyConfig expired = keyFor(kOldKey);
    expired.expires = daysFromNow(-1);
    ApiKeyConfig revoked = keyFor(kRevokedKey);
    revoked.revoked = daysFromNow(-2);
    c.consumers.append(consumer(QStringLiteral("alice"), {QStringLiteral("partners")},
                                {keyFor(kAliceKey), expired, revoked},
                                QStringLiteral("crm-1042")));
    c.consumers.append(consumer(QStringLiteral("bob"), {QStringLiteral("staff")},
                                {keyFor(kBobKey)}));
    return c;
}

QJsonObject receivedHeaders(const RawResponse &r)
{
    return r.json().value(QStringLiteral("headers")).toObject();
}

QString received(const RawResponse &r, const char *lowercaseName)
{
    return receivedHeaders(r).value(QLatin1String(lowercaseName)).toString();
}

} // namespace

class TestKeyAuth : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void missingKeyIs401WithChallenge();
    void keyInHeaderReachesServiceAsIdentity();
    void bearerAndCustomHeader();
    void queryKeyOnlyWhereAllowed();
    void refusedKeysLookAlike();
    void ambiguousKeysRefused();
    void identityHeadersCannotBeForged();
    void groupRules();
    void ipRules();
    void revocationTakesEffectOnTheNextRequest();
    void oneConnectionChecksEachKey();
    void rotationKeepsTheOldKeyForTheGracePeriod();
    void lastUseReachesTheStoreInBatches();

private:
    void startAll(const Config &initial);

    std::unique_ptr<TestBackend> m_backend;
    AdminHarness m_stack;
};

void TestKeyAuth::startAll(const Config &initial)
{
    const QString why = m_stack.start(initial);
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

void TestKeyAuth::init()
{
    m_backend = std::make_unique<TestBackend>(QStringLiteral("svc"));
    startAll(authConfig(m_backend->url()));
}

void TestKeyAuth::cleanup()
{
    m_stack.stop();
    m_backend.reset();
}

void TestKeyAuth::missingKeyIs401WithChallenge()
{
    const RawResponse r = m_stack.get("/keys/headers");
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.status, 401);
    QCOMPARE(r.header("WWW-Authenticate"),
             QByteArray(R"(ApiKey realm="portico", header="X-API-Key")"));
    QCOMPARE(r.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(r.json().value("error").toString(), QStringLiteral("missing credentials"));
    QVERIFY(!r.json().value("request_id").toString().isEmpty());
    QCOMPARE(m_backend->requestCount(), 0); // never forwarded

    // The public route next to it needs nothing.
    QCOMPARE(m_stack.get("/public/headers").status, 200);
}

void TestKeyAuth::keyInHeaderReachesServiceAsIdentity()
{
    RawResponse r = m_stack.get("/keys/headers?x=1", {{"X-API-Key", kAliceKey}});
    QCOMPARE(r.status, 200);
    QCOMPARE(received(r, "x-consumer-name"), QStringLiteral("alice"));
    QCOMPARE(received(r, "x-consumer-id"), QStringLiteral("crm-1042"));
    QVERIFY(!receivedHeaders(r).contains(QStringLiteral("x-api-key"))); // never forwarded
    QVERIFY(!receivedHeaders(r).contains(QStringLiteral("x-authenticated-subject")));
    QCOMPARE(r.json().value("target").toString(), QStringLiteral("/headers?x=1"));

    // Without a custom id, the consumer's name is its id.
    r = m_stack.get("/keys/headers", {{"X-API-Key", kBobKey}});
    QCOMPARE(r.status, 200);
    QCOMPARE(received(r, "x-consumer-name"), QStringLiteral("bob"));
    QCOMPARE(received(r, "x-consumer-id"), QStringLiteral("bob"));
}

void TestKeyAuth::bearerAndCustomHeader()
{
    RawResponse r = m_stack.get("/keys/headers", {{"Authorization", "Bearer " + kAliceKey}});
    QCOMPARE(r.status, 200);
    QCOMPARE(received(r, "x-consumer-name"), QStringLiteral("alice"));
    QVERIFY(!receivedHeaders(r).contains(QStringLiteral("authorization")));

    // A route naming its own header: the key travels there (or as Bearer), not in X-API-Key.
    r = m_stack.get("/token/headers", {{"X-Token", kBobKey}});
    QCOMPARE(r.status, 200);
    QCOMPARE(received(r, "x-consumer-name"), QStringLiteral("bob"));
    QVERIFY(!receivedHeaders(r).contains(QStringLiteral("x-token")));
    r = m_stack.get("/token/headers", {{"X-API-Key", kBobKey}});
    QCOMPARE(r.status, 401);
    QCOMPARE(r.header("WWW-Authenticate"),
             QByteArray(R"(ApiKey realm="portico", header="X-Token")"));

    // Another Authorization scheme is not a credential here, and is left alone elsewhere.
    r = m_stack.get("/keys/headers", {{"Authorization", "Basic dXNlcjpwYXNz"}});
    QCOMPARE(r.status, 401);
    r = m_stack.get("/public/headers", {{"Authorization", "Bearer abc"}});
    QCOMPARE(received(r, "authorization"), QStringLiteral("Bearer abc"));
}

void TestKeyAuth::queryKeyOnlyWhereAllowed()
{
    RawResponse r = m_stack.get("/keys/headers?apikey=" + kAliceKey);
    QCOMPARE(r.status, 401);
    QCOMPARE(m_backend->requestCount(), 0);

    r = m_stack.get("/query/headers?a=1&apikey=" + kAliceKey + "&b=%20x");
    QCOMPARE(r.status, 200);
    QCOMPARE(received(r, "x-consumer-name"), QStringLiteral("alice"));
    // The key left the query; the other parameters kept their order and encoding.
    QCOMPARE(r.json().value("target").toString(), QStringLiteral("/headers?a=1&b=%20x"));
    r = m_stack.get("/query/headers?apikey=" + kAliceKey);
    QCOMPARE(r.json().value("target").toString(), QStringLiteral("/headers"));
    // Percent-encoded keys are decoded before the lookup.
    QByteArray encoded = kBobKey;
    encoded.replace("pk_", "pk%5F");
    r = m_stack.get("/query/headers?apikey=" + encoded);
    QCOMPARE(r.status, 200);
    QCOMPARE(received(r, "x-consumer-name"), QStringLiteral("bob"));
}

void TestKeyAuth::refusedKeysLookAlike()
{
    // Unknown, expired and revoked keys get the same answer: nothing tells them apart.
    QList<RawResponse> answers;
    for (const QByteArray &key : {QByteArray("pk_nobody"), kOldKey, kRevokedKey})
        answers.append(m_stack.get("/keys/headers", {{"X-API-Key", key}}));
    for (const RawResponse &r : answers) {
        QCOMPARE(r.status, 401);
        QCOMPARE(r.header("WWW-Authenticate"), answers[0].header("WWW-Authenticate"));
        QCOMPARE(r.header("Content-Length"), answers[0].header("Content-Length"));
        QJsonObject body = r.json();
        QCOMPARE(body.value("error").toString(), QStringLiteral("invalid credentials"));
        body.remove(QStringLiteral("request_id"));
        QCOMPARE(body.keys(), QStringList{QStringLiteral("error")});
    }
    QCOMPARE(m_backend->requestCount(), 0);
}

void TestKeyAuth::ambiguousKeysRefused()
{
    // Two keys in one request: which one would a service think was checked? Neither passes.
    RawHttpClient client(m_stack.engine->listenPort());
    QVERIFY(client.send("GET /keys/headers HTTP/1.1\r\nHost: gw\r\nX-API-Key: " + kAliceKey
                        + "\r\nX-API-Key: " + kBobKey + "\r\n\r\n"));
    QCOMPARE(client.readResponse().status, 401);
    QCOMPARE(m_stack.get("/query/headers?apikey=" + kAliceKey + "&apikey=" + kBobKey).status, 401);
    QCOMPARE(m_backend->requestCount(), 0);
}

void TestKeyAuth::identityHeadersCannotBeForged()
{
    const RawHeaders forged = {{"X-Consumer-Name", "root"},
                               {"X-Consumer-Id", "0"},
                               {"x-authenticated-subject", "admin"},
                               {"X-Authenticated-Scope", "everything"}};
    // On a public route they are removed...
    RawResponse r = m_stack.get("/public/headers", forged);
    QCOMPARE(r.status, 200);
    for (const char *name : {"x-consumer-name", "x-consumer-id", "x-authenticated-subject",
                             "x-authenticated-scope"})
        QVERIFY2(!receivedHeaders(r).contains(QLatin1String(name)), name);
    // ...and on an authenticated one replaced by what the key proves.
    RawHeaders withKey = forged;
    withKey.append({"X-API-Key", kBobKey});
    r = m_stack.get("/keys/headers", withKey);
    QCOMPARE(r.status, 200);
    const QJsonArray raw = r.json().value("raw").toArray();
    QStringList consumerNames;
    for (const QJsonValue &field : raw) {
        if (field[0].toString().compare(QLatin1String("X-Consumer-Name"), Qt::CaseInsensitive)
            == 0)
            consumerNames.append(field[1].toString());
    }
    QCOMPARE(consumerNames, QStringList{QStringLiteral("bob")});
    QVERIFY(!receivedHeaders(r).contains(QStringLiteral("x-authenticated-scope")));
}

void TestKeyAuth::groupRules()
{
    QCOMPARE(m_stack.get("/partners/headers", {{"X-API-Key", kAliceKey}}).status, 200);
    RawResponse r = m_stack.get("/partners/headers", {{"X-API-Key", kBobKey}});
    QCOMPARE(r.status, 403);
    QCOMPARE(r.json().value("error").toString(), QStringLiteral("consumer not allowed"));
    QCOMPARE(m_stack.get("/nostaff/headers", {{"X-API-Key", kAliceKey}}).status, 200);
    QCOMPARE(m_stack.get("/nostaff/headers", {{"X-API-Key", kBobKey}}).status, 403);
    // Authentication comes first: no key is a 401, not a 403.
    QCOMPARE(m_stack.get("/partners/headers").status, 401);
    QCOMPARE(m_backend->requestCount(), 2);
}

void TestKeyAuth::ipRules()
{
    RawResponse r = m_stack.get("/lan/headers");
    QCOMPARE(r.status, 403);
    QCOMPARE(r.json().value("error").toString(), QStringLiteral("client address not allowed"));
    QCOMPARE(m_stack.get("/blocked/headers").status, 403); // deny wins over allow
    QCOMPARE(m_stack.get("/local/headers").status, 200);
    QCOMPARE(m_backend->requestCount(), 1);
}

void TestKeyAuth::revocationTakesEffectOnTheNextRequest()
{
    // One keep-alive connection throughout: the worker that holds it must see the revocation.
    RawHttpClient client(m_stack.engine->listenPort());
    QCOMPARE(client.get("/keys/headers", {{"X-API-Key", kBobKey}}).status, 200);
    const QString id = apiKeyIdFromHash(hashApiKey(QString::fromLatin1(kBobKey)));
    const RawResponse revoked = m_stack.admin("DELETE", "/consumers/bob/keys/" + id.toLatin1());
    QCOMPARE(revoked.status, 204);
    // The very next request, with no pause in between.
    const RawResponse r = client.get("/keys/headers", {{"X-API-Key", kBobKey}});
    QCOMPARE(r.status, 401);
    QCOMPARE(m_backend->requestCount(), 1);
    const RawResponse listed = m_stack.admin("GET", "/consumers/bob/keys/" + id.toLatin1());
    QCOMPARE(listed.json().value("state").toString(), QStringLiteral("revoked"));
}

void TestKeyAuth::oneConnectionChecksEachKey()
{
    // A connection remembers the key it proved last; another key on it is checked in full.
    RawHttpClient client(m_stack.engine->listenPort());
    QCOMPARE(client.get("/keys/headers", {{"X-API-Key", kAliceKey}}).status, 200);
    QCOMPARE(client.get("/keys/headers", {{"X-API-Key", kAliceKey}}).status, 200);
    QCOMPARE(client.get("/keys/headers", {{"X-API-Key", kRevokedKey}}).status, 401);
    QCOMPARE(client.get("/keys/headers", {{"X-API-Key", kAliceKey + "x"}}).status, 401);
    const RawResponse bob = client.get("/keys/headers", {{"X-API-Key", kBobKey}});
    QCOMPARE(bob.status, 200);
    QCOMPARE(received(bob, "x-consumer-name"), QStringLiteral("bob"));
    const RawResponse alice = client.get("/keys/headers", {{"X-API-Key", kAliceKey}});
    QCOMPARE(received(alice, "x-consumer-name"), QStringLiteral("alice"));
    QCOMPARE(client.get("/keys/headers").status, 401);
}

void TestKeyAuth::rotationKeepsTheOldKeyForTheGracePeriod()
{
    const QString oldId = apiKeyIdFromHash(hashApiKey(QString::fromLatin1(kAliceKey)));
    const RawResponse rotated =
        m_stack.admin("POST", "/consumers/alice/keys/" + oldId.toLatin1() + "/rotate",
                      R"({"grace_s": 2})");
    QCOMPARE(rotated.status, 201);
    QCOMPARE(rotated.header("Cache-Control"), QByteArray("no-store"));
    const QJsonObject body = rotated.json();
    const QByteArray newKey = body.value("key").toString().toLatin1();
    QVERIFY(newKey.startsWith("pk_"));
    QCOMPARE(body.value("replaces").toObject().value("id").toString(), oldId);
    const QDateTime oldExpires = QDateTime::fromString(
        body.value("replaces").toObject().value("expires").toString(), Qt::ISODate);
    QVERIFY(oldExpires.isValid());

    // Both work during the grace period...
    RawHttpClient kept(m_stack.engine->listenPort()); // a client that keeps its connection open
    QCOMPARE(kept.get("/keys/headers", {{"X-API-Key", kAliceKey}}).status, 200);
    QCOMPARE(m_stack.get("/keys/headers", {{"X-API-Key", kAliceKey}}).status, 200);
    RawResponse r = m_stack.get("/keys/headers", {{"X-API-Key", newKey}});
    QCOMPARE(r.status, 200);
    QCOMPARE(received(r, "x-consumer-name"), QStringLiteral("alice"));
    // ...then only the new one.
    QTest::qWait(int(std::max<qint64>(0, QDateTime::currentDateTimeUtc().msecsTo(oldExpires)))
                 + 50);
    QCOMPARE(m_stack.get("/keys/headers", {{"X-API-Key", kAliceKey}}).status, 401);
    QCOMPARE(kept.get("/keys/headers", {{"X-API-Key", kAliceKey}}).status, 401);
    QCOMPARE(m_stack.get("/keys/headers", {{"X-API-Key", newKey}}).status, 200);

    // Bad rotations change nothing.
    QCOMPARE(m_stack.admin("POST", "/consumers/alice/keys/" + oldId.toLatin1() + "/rotate",
                           R"({"grace_s": -1})")
                 .status,
             400);
    QCOMPARE(
        m_stack.admin("POST", "/consumers/alice/keys/key_0000000000000000/rotate").status, 404);
    const QString revokedId = apiKeyIdFromHash(hashApiKey(QString::fromLatin1(kRevokedKey)));
    QCOMPARE(m_stack.admin("POST", "/consumers/alice/keys/" + revokedId.toLatin1() + "/rotate")
                 .status,
             400);
    QCOMPARE(
        m_stack.admin("GET", "/consumers/alice/keys").json().value("data").toArray().size(), 4);
}

void TestKeyAuth::lastUseReachesTheStoreInBatches()
{
    const QString id = apiKeyIdFromHash(hashApiKey(QString::fromLatin1(kAliceKey)));
    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    RawHttpClient client(m_stack.engine->listenPort());
    for (int i = 0; i < 50; ++i)
        QCOMPARE(client.get("/keys/headers", {{"X-API-Key", kAliceKey}}).status, 200);
    // Nothing written yet, but the Admin API already shows the use the engine holds.
    QVERIFY(!m_stack.config->store().keyLastUsed(id).isValid());
    const QString shown = m_stack.admin("GET", "/consumers/alice/keys/" + id.toLatin1())
                              .json()
                              .value("last_used")
                              .toString();
    QVERIFY2(!shown.isEmpty(), "last_used missing before the flush");

    // One batch: one entry for fifty requests.
    const auto pending = m_stack.engine->keyUsage().take();
    QCOMPARE(pending.size(), size_t(1));
    QCOMPARE(pending[0].first, id.toLatin1());
    QVERIFY(pending[0].second >= before - 1000);
    // Put back for the flusher.
    m_stack.engine->keyUsage().record(pending[0].first, pending[0].second);

    KeyUsageFlusher flusher(m_stack.engine->keyUsage(), m_stack.config->store());
    flusher.flush();
    const QDateTime stored = m_stack.config->store().keyLastUsed(id);
    QVERIFY(stored.isValid());
    QVERIFY(stored.toMSecsSinceEpoch() >= before - 1000);
    QVERIFY(m_stack.engine->keyUsage().take().empty());
}

QTEST_GUILESS_MAIN(TestKeyAuth)
#include "tst_key_auth.moc"
