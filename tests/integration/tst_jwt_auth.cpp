// JWT authentication over real sockets: a shared-secret provider, and a JWKS provider served by
// a local identity provider that rotates its keys and fails. Tokens are made with OpenSSL
// directly (JwtTestTokens), never with the code under test.

#include "IntegrationFixtures.h"
#include "JwksTestServer.h"
#include "JwtTestTokens.h"

#include <QDateTime>
#include <QJsonObject>
#include "config/ApiKeys.h"

#include <QTest>

using namespace portico;
using namespace portico::test;

namespace {

const QByteArray kSecret = "a-shared-secret-of-at-least-32-bytes!";
const QString kLocalIssuer = QStringLiteral("https://idp.local.test");
const QString kJwksIssuer = QStringLiteral("https://idp.jwks.test");

qint64 nowS()
{
    return QDateTime::currentSecsSinceEpoch();
}

QJsonObject claims(const QString &issuer, const QString &subject, qint64 lifetimeS = 600)
{
    return QJsonObject{{"iss", issuer},
                       {"sub", subject},
                       {"aud", "orders-api"},
                       {"iat", double(nowS())},
                       {"exp", double(nowS() + lifetimeS)},
                       {"scope", "orders:read orders:write"}};
}

JwtProviderConfig provider(const QString &name, const QString &issuer)
{
    JwtProviderConfig p;
    p.name = name;
    p.issuer = issuer;
    p.audiences = {QStringLiteral("orders-api")};
    return p;
}

RouteConfig jwtRoute(const QString &name, const QString &path, const QStringList &providers)
{
    RouteConfig r = makeRoute(name, {path}, QStringLiteral("svc"));
    r.auth = {QStringLiteral("jwt")};
    r.jwtProviders = providers;
    r.stripPath = true;
    return r;
}

// Routes: /local (HS256 provider), /anon (same, anonymous callers allowed), /idp (the JWKS
// provider), /either (API key or the HS256 provider), /public.
Config jwtConfig(const QString &backendUrl, const QString &jwksUrl, int jwksMinS = 60)
{
    Config c = baseConfig();
    c.settings.workers = 1; // one worker: a paused request must not hold up another
    c.services.push_back(makeService(QStringLiteral("svc"), {backendUrl}));
    c.routes.push_back(jwtRoute(QStringLiteral("local"), QStringLiteral("/local"),
                                {QStringLiteral("local")}));
    RouteConfig anon = jwtRoute(QStringLiteral("anon"), QStringLiteral("/anon"),
                                {QStringLiteral("local")});
    anon.jwtAnonymous = true;
    c.routes.push_back(anon);
    c.routes.push_back(jwtRoute(QStringLiteral("idp"), QStringLiteral("/idp"),
                                {QStringLiteral("idp")}));
    RouteConfig either = jwtRoute(QStringLiteral("either"), QStringLiteral("/either"),
                                  {QStringLiteral("local")});
    either.auth = {QStringLiteral("key"), QStringLiteral("jwt")};
    c.routes.push_back(either);
    RouteConfig pub = makeRoute(QStringLiteral("public"), {QStringLiteral("/public")},
                                QStringLiteral("svc"));
    pub.stripPath = true;
    c.routes.push_back(pub);

    JwtProviderConfig local = provider(QStringLiteral("local"), kLocalIssuer);
    local.algorithms = {QStringLiteral("HS256")};
    local.secret = QString::fromLatin1(kSecret);
    c.jwtProviders.push_back(local);
    JwtProviderConfig idp = provider(QStringLiteral("idp"), kJwksIssuer);
    idp.algorithms = {QStringLiteral("RS256")};
    idp.jwksUrl = jwksUrl;
    idp.jwksCacheMinS = jwksMinS;
    c.jwtProviders.push_back(idp);

    ConsumerConfig alice;
    alice.name = QStringLiteral("alice");
    alice.customId = QStringLiteral("crm-7");
    alice.keys.push_back(
        storedApiKey(u"alice-key", QDateTime::fromSecsSinceEpoch(nowS(), Qt::UTC)));
    c.consumers.append(alice);
    return c;
}

RawHeaders bearer(const QByteArray &token)
{
    return {{"Authorization", "Bearer " + token}};
}

QString received(const RawResponse &r, const char *lowercaseName)
{
    return r.json()
        .value(QStringLiteral("headers"))
        .toObject()
        .value(QLatin1String(lowercaseName))
        .toString();
}

} // namespace

class TestJwtAuth : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void sharedSecretTokenBecomesIdentity();
    void refusedTokensGetBearerChallenge();
    void unknownConsumerOnlyWhereAnonymousAllowed();
    void keyOrTokenOnOneRoute();
    void oneConnectionChecksEachToken();
    void jwksFetchedWithoutBlockingTheWorker();
    void rotatedKeysFetchedOnUnknownKid();
    void staleKeysKeptWhenTheProviderFails();
    void unreachableProviderRefusesCleanly();

private:
    RawResponse get(const QByteArray &path, const RawHeaders &headers = {});

    std::unique_ptr<TestBackend> m_backend;
    std::unique_ptr<JwksTestServer> m_idp;
    std::unique_ptr<RsaSigningKey> m_first;
    std::unique_ptr<GatewayEngine> m_engine;
};

void TestJwtAuth::init()
{
    m_backend = std::make_unique<TestBackend>(QStringLiteral("svc"));
    m_idp = std::make_unique<JwksTestServer>();
    m_first = std::make_unique<RsaSigningKey>("first");
    m_idp->serve(jwkSetDocument({m_first->publicJwk()}), 200, "max-age=3600");
    m_engine = std::make_unique<GatewayEngine>();
    START_ENGINE(*m_engine, jwtConfig(m_backend->url(), m_idp->url()));
}

void TestJwtAuth::cleanup()
{
    if (m_engine)
        m_engine->stop();
    m_engine.reset();
    m_idp.reset();
    m_backend.reset();
}

RawResponse TestJwtAuth::get(const QByteArray &path, const RawHeaders &headers)
{
    RawHttpClient client(m_engine->listenPort());
    return client.get(path, headers, 10'000);
}

void TestJwtAuth::sharedSecretTokenBecomesIdentity()
{
    const QByteArray token = signHs256(kSecret, claims(kLocalIssuer, QStringLiteral("alice")));
    for (int i = 0; i < 2; ++i) { // the second answer comes from the verified-token cache
        const RawResponse r = get("/local/headers", bearer(token));
        QCOMPARE(r.status, 200);
        QCOMPARE(received(r, "x-consumer-name"), QStringLiteral("alice"));
        QCOMPARE(received(r, "x-consumer-id"), QStringLiteral("crm-7"));
        QCOMPARE(received(r, "x-authenticated-subject"), QStringLiteral("alice"));
        QCOMPARE(received(r, "x-authenticated-scope"), QStringLiteral("orders:read orders:write"));
        QVERIFY(received(r, "authorization").isEmpty()); // the token is not forwarded
    }
}

void TestJwtAuth::refusedTokensGetBearerChallenge()
{
    const QByteArray challenge = R"(Bearer realm="portico", error="invalid_token")";
    QJsonObject wrongAudience = claims(kLocalIssuer, QStringLiteral("alice"));
    wrongAudience.insert(QStringLiteral("aud"), QStringLiteral("billing-api"));
    QJsonObject expired = claims(kLocalIssuer, QStringLiteral("alice"), -3600);
    const QList<QByteArray> refused = {
        signHs256("another-secret-another-secret-xx", claims(kLocalIssuer, "alice")),
        signHs256(kSecret, claims(QStringLiteral("https://evil.test"), "alice")),
        signHs256(kSecret, wrongAudience),
        signHs256(kSecret, expired),
        signHs256(kSecret, claims(kLocalIssuer, "alice")).chopped(3),
        // alg none: the signature left off entirely
        base64Url(R"({"alg":"none"})") + '.' + base64Url(R"({"iss":"https://idp.local.test"})")
            + '.',
        // An RS256 token to an HS256-only provider, and an HS256 token to the RS256 one.
        m_first->sign(claims(kLocalIssuer, "alice")),
    };
    for (const QByteArray &token : refused) {
        const RawResponse r = get("/local/headers", bearer(token));
        QCOMPARE(r.status, 401);
        QCOMPARE(r.header("WWW-Authenticate"), challenge);
        QCOMPARE(r.json().value("error").toString(), QStringLiteral("invalid credentials"));
    }
    const RawResponse confused =
        get("/idp/headers", bearer(signHs256(m_first->publicPem(), claims(kJwksIssuer, "alice"))));
    QCOMPARE(confused.status, 401);
    // Nothing at all: the challenge without an error.
    const RawResponse none = get("/local/headers");
    QCOMPARE(none.status, 401);
    QCOMPARE(none.header("WWW-Authenticate"), QByteArray(R"(Bearer realm="portico")"));
    QCOMPARE(m_backend->requestCount(), 0);
}

void TestJwtAuth::unknownConsumerOnlyWhereAnonymousAllowed()
{
    const QByteArray token = signHs256(kSecret, claims(kLocalIssuer, QStringLiteral("carol")));
    QCOMPARE(get("/local/headers", bearer(token)).status, 401);
    const RawResponse r = get("/anon/headers", bearer(token));
    QCOMPARE(r.status, 200);
    QCOMPARE(received(r, "x-authenticated-subject"), QStringLiteral("carol"));
    QVERIFY(received(r, "x-consumer-name").isEmpty());
    QVERIFY(received(r, "x-consumer-id").isEmpty());
}

void TestJwtAuth::keyOrTokenOnOneRoute()
{
    RawResponse r = get("/either/headers", {{"X-API-Key", "alice-key"}});
    QCOMPARE(r.status, 200);
    QCOMPARE(received(r, "x-consumer-name"), QStringLiteral("alice"));
    r = get("/either/headers", bearer("alice-key")); // not JWT-shaped: a key
    QCOMPARE(r.status, 200);
    r = get("/either/headers", bearer(signHs256(kSecret, claims(kLocalIssuer, "alice"))));
    QCOMPARE(r.status, 200);
    QCOMPARE(received(r, "x-authenticated-subject"), QStringLiteral("alice"));
    r = get("/either/headers");
    QCOMPARE(r.status, 401);
    QCOMPARE(r.headers.count("WWW-Authenticate"), 2); // one challenge per scheme
}

void TestJwtAuth::oneConnectionChecksEachToken()
{
    // A connection remembers the token it proved last; anything else is verified in full, and
    // a configuration change makes it verify again.
    const QByteArray good = signHs256(kSecret, claims(kLocalIssuer, QStringLiteral("alice")));
    QByteArray forged = good;
    forged[forged.size() - 5] = forged[forged.size() - 5] == 'A' ? 'B' : 'A';
    RawHttpClient client(m_engine->listenPort());
    QCOMPARE(client.get("/local/headers", bearer(good)).status, 200);
    QCOMPARE(client.get("/local/headers", bearer(good)).status, 200);
    QCOMPARE(client.get("/local/headers", bearer(forged)).status, 401);
    QCOMPARE(client.get("/local/headers", bearer(good)).status, 200);

    Config withoutAlice = jwtConfig(m_backend->url(), m_idp->url());
    withoutAlice.consumers.clear();
    QVERIFY2(m_engine->apply(withoutAlice).empty(), "apply failed");
    QCOMPARE(client.get("/local/headers", bearer(good)).status, 401); // alice is gone
}

void TestJwtAuth::jwksFetchedWithoutBlockingTheWorker()
{
    // The provider answers slowly; meanwhile the only worker keeps serving others.
    m_idp->setDelayMs(700);
    RawHttpClient waiting(m_engine->listenPort());
    QVERIFY(waiting.send(RawHttpClient::buildRequest(
        "GET", "/idp/headers", m_engine->listenPort(), {},
        bearer(m_first->sign(claims(kJwksIssuer, QStringLiteral("alice")))))));
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(get("/public/headers").status, 200);
    QVERIFY2(timer.elapsed() < 600, "the worker waited for the JWKS fetch");
    const RawResponse r = waiting.readResponse(10'000);
    QCOMPARE(r.status, 200);
    QCOMPARE(received(r, "x-consumer-name"), QStringLiteral("alice"));
    QCOMPARE(m_idp->requestCount(), 1);

    // Cached by max-age: more tokens, no more fetches.
    m_idp->setDelayMs(0);
    for (const char *subject : {"alice", "bob"}) {
        const QByteArray token = m_first->sign(claims(kJwksIssuer, QString::fromLatin1(subject)));
        const int expected = subject == QByteArray("alice") ? 200 : 401; // bob is no consumer
        QCOMPARE(get("/idp/headers", bearer(token)).status, expected);
    }
    QCOMPARE(m_idp->requestCount(), 1);
}

void TestJwtAuth::rotatedKeysFetchedOnUnknownKid()
{
    QCOMPARE(get("/idp/headers", bearer(m_first->sign(claims(kJwksIssuer, "alice")))).status,
             200);
    QCOMPARE(m_idp->requestCount(), 1);

    // The provider rotates: tokens now carry kid "second", unknown to the cached set.
    RsaSigningKey second("second");
    m_idp->serve(jwkSetDocument({second.publicJwk()}), 200, "max-age=3600");
    QCOMPARE(get("/idp/headers", bearer(second.sign(claims(kJwksIssuer, "alice")))).status, 200);
    QCOMPARE(m_idp->requestCount(), 2);

    // A made-up kid right after: refused without another fetch (refetches are rate-limited).
    QCOMPARE(get("/idp/headers", bearer(second.signWithKid(claims(kJwksIssuer, "alice"), "x")))
                 .status,
             401);
    QCOMPARE(m_idp->requestCount(), 2);
    // The old key left the set: its tokens no longer pass (already-verified ones may, from the
    // cache, until their exp; this one is new).
    QCOMPARE(get("/idp/headers", bearer(m_first->sign(claims(kJwksIssuer, "alice", 900))))
                 .status,
             401);
}

void TestJwtAuth::staleKeysKeptWhenTheProviderFails()
{
    // Keys that live one second (min bound 1 s), then a provider that answers 500.
    m_engine->stop();
    START_ENGINE(*m_engine, jwtConfig(m_backend->url(), m_idp->url(), 1));
    m_idp->serve(jwkSetDocument({m_first->publicJwk()}), 200, "max-age=1");
    QCOMPARE(get("/idp/headers", bearer(m_first->sign(claims(kJwksIssuer, "alice")))).status,
             200);
    m_idp->serve("{\"error\":\"down\"}", 500);
    QTest::qWait(1'100);
    // Past their lifetime: a refetch starts and fails; the stale keys still verify.
    for (int i = 0; i < 3; ++i) {
        const QByteArray token = m_first->sign(claims(kJwksIssuer, "alice", 600 + i));
        QCOMPARE(get("/idp/headers", bearer(token)).status, 200);
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_idp->requestCount(), 2, 5'000);
    QTest::qWait(200);
    QCOMPARE(m_idp->requestCount(), 2); // failures are retried after a pause, not per request
}

void TestJwtAuth::unreachableProviderRefusesCleanly()
{
    m_engine->stop();
    START_ENGINE(*m_engine, jwtConfig(m_backend->url(), urlForPort(closedPort()) + "/jwks"));
    const RawResponse r =
        get("/idp/headers", bearer(m_first->sign(claims(kJwksIssuer, QStringLiteral("alice")))));
    QCOMPARE(r.status, 401);
    QCOMPARE(m_backend->requestCount(), 0);
    // The shared-secret provider is unaffected.
    QCOMPARE(get("/local/headers", bearer(signHs256(kSecret, claims(kLocalIssuer, "alice"))))
                 .status,
             200);
}

QTEST_GUILESS_MAIN(TestJwtAuth)
#include "tst_jwt_auth.moc"
