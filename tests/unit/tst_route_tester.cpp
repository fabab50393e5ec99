// The route tester without sockets: which route a request matches (and why none does), what
// strip_path and a target's base path make of the path, key and JWT outcomes, ACL and rate
// limits (reflecting real use of the counters), the request head a service would get with its
// secrets redacted, invalid configurations and requests, and that testing changes nothing:
// no key use noted, no counter counted, no key set fetched.

#include "JwtTestTokens.h"
#include "config/ApiKeys.h"
#include "config/EngineRegistries.h"
#include "config/Snapshot.h"
#include "policy/RequestContext.h"
#include "policy/auth/KeyUsageRecorder.h"
#include "policy/jwt_auth/JwksRegistry.h"
#include "routing/RouteTester.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace portico;

namespace {

const QByteArray kAliceKey = "pk_alice_route_tester_0000000000000000000000";
const QByteArray kBobKey = "pk_bob_route_tester_000000000000000000000000";
const QByteArray kSecret = "a-shared-secret-of-at-least-32-bytes!";
const QString kIssuer = QStringLiteral("https://idp.local.test");
const QString kJwksUrl = QStringLiteral("http://127.0.0.1:9/jwks.json");

ConsumerConfig consumer(const QString &name, const QByteArray &key, const QStringList &groups)
{
    ConsumerConfig c;
    c.name = name;
    c.groups = groups;
    c.keys.push_back(storedApiKey(QString::fromLatin1(key),
                                  QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC)));
    return c;
}

RouteConfig route(const QString &name, const QStringList &paths, const QString &service)
{
    RouteConfig r;
    r.name = name;
    r.paths = paths;
    r.service = service;
    return r;
}

// users: /users -> users (two targets 90/10); api: /api strip_path -> legacy (base path /v1);
// admin: /admin on admin.example.test only; write: POST/PUT /items; keys: /keys (API key);
// partners: /partners (key, group partners only); limited: /limited (2 a minute per client);
// jwt: /jwt (HS256 provider); idp: /idp (JWKS provider, keys never fetched).
Config sampleConfig()
{
    Config c;
    c.settings.listen = QStringLiteral("127.0.0.1:8080");
    ServiceConfig users{QStringLiteral("users"),
                        {{QStringLiteral("http://127.0.0.1:9001"), 90},
                         {QStringLiteral("http://127.0.0.1:9002"), 10}}};
    ServiceConfig legacy{QStringLiteral("legacy"),
                         {{QStringLiteral("http://127.0.0.1:9003/v1"), 100}}};
    c.services = {users, legacy};
    c.routes.push_back(
        route(QStringLiteral("users"), {QStringLiteral("/users")}, QStringLiteral("users")));
    RouteConfig api =
        route(QStringLiteral("api"), {QStringLiteral("/api")}, QStringLiteral("legacy"));
    api.stripPath = true;
    c.routes.push_back(api);
    RouteConfig admin =
        route(QStringLiteral("admin"), {QStringLiteral("/admin")}, QStringLiteral("users"));
    admin.hosts = {QStringLiteral("admin.example.test")};
    c.routes.push_back(admin);
    RouteConfig write =
        route(QStringLiteral("write"), {QStringLiteral("/items")}, QStringLiteral("users"));
    write.methods = {QStringLiteral("POST"), QStringLiteral("PUT")};
    c.routes.push_back(write);
    RouteConfig keys =
        route(QStringLiteral("keys"), {QStringLiteral("/keys")}, QStringLiteral("users"));
    keys.auth = {QStringLiteral("key")};
    c.routes.push_back(keys);
    RouteConfig partners = keys;
    partners.name = QStringLiteral("partners");
    partners.paths = {QStringLiteral("/partners")};
    partners.allowGroups = {QStringLiteral("partners")};
    c.routes.push_back(partners);
    RouteConfig limited =
        route(QStringLiteral("limited"), {QStringLiteral("/limited")}, QStringLiteral("users"));
    limited.rateLimit.minute = 2;
    c.routes.push_back(limited);
    RouteConfig jwt =
        route(QStringLiteral("jwt"), {QStringLiteral("/jwt")}, QStringLiteral("users"));
    jwt.auth = {QStringLiteral("jwt")};
    jwt.jwtProviders = {QStringLiteral("local")};
    c.routes.push_back(jwt);
    RouteConfig idp = jwt;
    idp.name = QStringLiteral("idp");
    idp.paths = {QStringLiteral("/idp")};
    idp.jwtProviders = {QStringLiteral("idp")};
    c.routes.push_back(idp);

    JwtProviderConfig local;
    local.name = QStringLiteral("local");
    local.issuer = kIssuer;
    local.algorithms = {QStringLiteral("HS256")};
    local.secret = QString::fromLatin1(kSecret);
    c.jwtProviders.push_back(local);
    JwtProviderConfig remote;
    remote.name = QStringLiteral("idp");
    remote.issuer = QStringLiteral("https://idp.remote.test");
    remote.algorithms = {QStringLiteral("RS256")};
    remote.jwksUrl = kJwksUrl;
    c.jwtProviders.push_back(remote);

    c.consumers = {consumer(QStringLiteral("alice"), kAliceKey, {QStringLiteral("partners")}),
                   consumer(QStringLiteral("bob"), kBobKey, {QStringLiteral("staff")})};
    return c;
}

TestRequest request(const QString &url, std::vector<std::pair<QByteArray, QByteArray>> headers = {},
                    const QByteArray &method = "GET")
{
    TestRequest r;
    r.method = method;
    r.url = url;
    r.headers = std::move(headers);
    return r;
}

QByteArray decision(const RouteVerdict &verdict, const QByteArray &stage)
{
    for (const auto &[s, d] : verdict.decisions) {
        if (s == stage)
            return d;
    }
    return {};
}

QByteArray describe(const RouteVerdict &v)
{
    QByteArray text = v.summary().toUtf8() + " | " + v.noMatch.toUtf8();
    for (const auto &[s, d] : v.decisions)
        text += " | " + s + ": " + d;
    return text;
}

// Runs a request through the route's chain for real (not a dry run), as a worker would.
PolicyResult runForReal(const std::shared_ptr<const Snapshot> &snapshot, const QString &routeName,
                        const QByteArray &apiKey = {})
{
    RequestContext ctx;
    ctx.snapshot = snapshot;
    for (size_t i = 0; i < snapshot->routes.size(); ++i) {
        if (snapshot->routes[i].name == routeName) {
            ctx.route = &snapshot->routes[i];
            ctx.routeIndex = int(i);
        }
    }
    ctx.head.method = "GET";
    ctx.head.target = "/";
    if (!apiKey.isEmpty())
        ctx.head.headers.add("X-API-Key", apiKey);
    const QHostAddress client(QHostAddress::LocalHost);
    ctx.clientAddress = &client;
    ctx.clientIp = "127.0.0.1";
    std::optional<PolicyResult> result;
    ctx.route->policies.run(ctx, {}, [&](PolicyResult r) { result = std::move(r); });
    return result.value_or(PolicyResult::pause());
}

QJsonObject jwtClaims(const QString &issuer, const QString &subject)
{
    const double now = double(QDateTime::currentSecsSinceEpoch());
    return QJsonObject{{"iss", issuer}, {"sub", subject}, {"iat", now}, {"exp", now + 600}};
}

} // namespace

class TestRouteTester : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void forwardsAMatchedRequest();
    void explainsWhyNothingMatched();
    void stripsThePathAndAddsTheBasePath();
    void matchesOnHostAndMethod();
    void keyAuthentication();
    void aclRefusesAConsumerOutsideTheGroups();
    void rateLimitRefusesAfterRealUse();
    void jwtWithASecretAndAJwksNotFetched();
    void redactsSecretsInWhatIsSent();
    void refusesWhatTheParserRefuses();
    void invalidConfigurationGivesFieldErrors();
    void invalidRequestSaysWhy();
    void changesNothing();
};

void TestRouteTester::forwardsAMatchedRequest()
{
    RouteTester tester;
    const RouteVerdict v =
        tester.test(sampleConfig(),
                    request(QStringLiteral("http://api.example.test:8080/users/7?page=2"),
                            {{"Accept", "application/json"},
                             {"Connection", "keep-alive, X-Hop"},
                             {"X-Hop", "dropped"}}));
    QCOMPARE(v.outcome, RouteVerdict::Outcome::Forwarded);
    QCOMPARE(v.route, QStringLiteral("users"));
    QCOMPARE(v.service, QStringLiteral("users"));
    QCOMPARE(v.target, QStringLiteral("127.0.0.1:9001")); // the heavier of 90/10
    QVERIFY2(v.targetNote.contains(QStringLiteral("one of 2 targets by weight")),
             qPrintable(v.targetNote));
    QVERIFY(v.targetNote.contains(QStringLiteral("127.0.0.1:9002 (10%)")));
    QCOMPARE(v.upstreamUrl, QByteArray("http://127.0.0.1:9001/users/7?page=2"));
    QCOMPARE(v.summary(),
             QStringLiteral("Forwarded to users \u2192 http://127.0.0.1:9001/users/7?page=2"));
    QCOMPARE(v.upstreamHead.method, QByteArray("GET"));
    QCOMPARE(v.upstreamHead.target, QByteArray("/users/7?page=2"));
    const HeaderMap &h = v.upstreamHead.headers;
    QCOMPARE(h.value("Host"), QByteArray("api.example.test:8080")); // preserve_host
    QCOMPARE(h.value("Accept"), QByteArray("application/json"));
    QCOMPARE(h.value("X-Forwarded-For"), QByteArray("127.0.0.1"));
    QCOMPARE(h.value("X-Forwarded-Host"), QByteArray("api.example.test:8080"));
    QCOMPARE(h.value("X-Forwarded-Proto"), QByteArray("http"));
    QCOMPARE(h.value("Via"), QByteArray("1.1 portico"));
    QCOMPARE(h.value("X-Request-Id"), v.requestId);
    QVERIFY(!h.contains("Connection"));
    QVERIFY(!h.contains("X-Hop")); // listed in Connection: hop-by-hop
    QCOMPARE(decision(v, "route"), QByteArray("users"));
    QCOMPARE(decision(v, "upstream"), QByteArray("127.0.0.1:9001"));

    // A client's own request id is kept, and the client address given is the one forwarded.
    TestRequest fromLan = request(QStringLiteral("/users"), {{"X-Request-Id", "trace-42"}});
    fromLan.clientIp = QStringLiteral("::ffff:10.1.2.3");
    const RouteVerdict lan = tester.test(sampleConfig(), fromLan);
    QCOMPARE(lan.requestId, QByteArray("trace-42"));
    QCOMPARE(lan.upstreamHead.headers.value("X-Forwarded-For"), QByteArray("10.1.2.3"));
    QCOMPARE(lan.upstreamHead.headers.value("Host"), QByteArray("127.0.0.1:8080")); // listen
}

void TestRouteTester::explainsWhyNothingMatched()
{
    RouteTester tester;
    const RouteVerdict v = tester.test(sampleConfig(), request(QStringLiteral("http://h/user")));
    QCOMPARE(v.outcome, RouteVerdict::Outcome::Refused);
    QCOMPARE(v.status, 404);
    QCOMPARE(v.error, QByteArray("no route matched"));
    QVERIFY(v.route.isEmpty());
    QCOMPARE(v.noMatch, QStringLiteral("no route matches path /user; nearest: users (/users)"));
    QCOMPARE(tester.test(sampleConfig(), request(QStringLiteral("/zzz"))).noMatch,
             QStringLiteral("no route matches path /zzz")); // nothing nearer than another
    QCOMPARE(decision(v, "route"), QByteArray("none"));
    QCOMPARE(decision(v, "local_reply"), QByteArray("404 no route matched"));
    // The client's answer, as the gateway writes it.
    QCOMPARE(v.reply.status, 404);
    QCOMPARE(v.reply.headers.value("Content-Type"), QByteArray("application/json"));
    QCOMPARE(v.reply.headers.value("X-Request-Id"), v.requestId);
    const QJsonObject body = QJsonDocument::fromJson(v.replyBody).object();
    QCOMPARE(body.value(QStringLiteral("error")).toString(), QStringLiteral("no route matched"));
    QCOMPARE(body.value(QStringLiteral("request_id")).toString(), QString::fromLatin1(v.requestId));

    // A disabled route that would match says so.
    Config c = sampleConfig();
    c.routes[0].enabled = false;
    const RouteVerdict disabled = tester.test(c, request(QStringLiteral("/users/1")));
    QCOMPARE(disabled.status, 404);
    QCOMPARE(disabled.noMatch,
             QStringLiteral("route users (/users) matches path /users/1 but is "
                            "disabled"));
}

void TestRouteTester::stripsThePathAndAddsTheBasePath()
{
    RouteTester tester;
    const RouteVerdict v =
        tester.test(sampleConfig(), request(QStringLiteral("http://h/api/./orders//9?x=%41")));
    QCOMPARE(v.outcome, RouteVerdict::Outcome::Forwarded);
    QCOMPARE(v.route, QStringLiteral("api"));
    QVERIFY(v.targetNote.isEmpty()); // one target: nothing to say
    // Normalized (./ and // resolved), /api stripped, the target's /v1 prepended; the query
    // goes as written.
    QCOMPARE(v.upstreamHead.target, QByteArray("/v1/orders/9?x=%41"));
    QCOMPARE(v.upstreamUrl, QByteArray("http://127.0.0.1:9003/v1/orders/9?x=%41"));
    const RouteVerdict bare = tester.test(sampleConfig(), request(QStringLiteral("http://h/api")));
    QCOMPARE(bare.upstreamHead.target, QByteArray("/v1/"));
}

void TestRouteTester::matchesOnHostAndMethod()
{
    RouteTester tester;
    const Config c = sampleConfig();
    const RouteVerdict admin =
        tester.test(c, request(QStringLiteral("http://ADMIN.example.test:8080/admin/x")));
    QCOMPARE(admin.route, QStringLiteral("admin"));
    QCOMPARE(admin.outcome, RouteVerdict::Outcome::Forwarded);

    const RouteVerdict otherHost =
        tester.test(c, request(QStringLiteral("http://www.example.test/admin/x")));
    QCOMPARE(otherHost.status, 404);
    QCOMPARE(otherHost.noMatch,
             QStringLiteral("route admin (/admin) matches path /admin/x but not host "
                            "www.example.test (hosts: admin.example.test)"));

    const RouteVerdict post = tester.test(c, request(QStringLiteral("/items/3"), {}, "POST"));
    QCOMPARE(post.route, QStringLiteral("write"));
    QCOMPARE(post.upstreamHead.method, QByteArray("POST"));
    const RouteVerdict del = tester.test(c, request(QStringLiteral("/items/3"), {}, "DELETE"));
    QCOMPARE(del.status, 404);
    QCOMPARE(del.noMatch,
             QStringLiteral("route write (/items) matches path /items/3 and the host "
                            "but not method DELETE (methods: POST, PUT)"));
}

void TestRouteTester::keyAuthentication()
{
    RouteTester tester;
    const Config c = sampleConfig();
    const RouteVerdict valid =
        tester.test(c, request(QStringLiteral("/keys/1"), {{"X-API-Key", kAliceKey}}));
    QCOMPARE(valid.outcome, RouteVerdict::Outcome::Forwarded);
    QCOMPARE(valid.consumer, QStringLiteral("alice"));
    QVERIFY2(decision(valid, "auth").contains("consumer alice"), describe(valid));
    QCOMPARE(decision(valid, "credential"), QByteArray("header"));
    const HeaderMap &h = valid.upstreamHead.headers;
    QCOMPARE(h.value("X-Consumer-Name"), QByteArray("alice"));
    QVERIFY(!h.contains("X-API-Key")); // taken out: services never see a credential

    const RouteVerdict wrong =
        tester.test(c, request(QStringLiteral("/keys/1"), {{"X-API-Key", "pk_nobody"}}));
    QCOMPARE(wrong.outcome, RouteVerdict::Outcome::Refused);
    QCOMPARE(wrong.status, 401);
    QCOMPARE(wrong.summary(), QStringLiteral("Refused: 401 invalid credentials"));
    QCOMPARE(decision(wrong, "auth"), QByteArray("refused: unknown key (header)"));

    const RouteVerdict missing = tester.test(c, request(QStringLiteral("/keys/1")));
    QCOMPARE(missing.status, 401);
    QCOMPARE(missing.error, QByteArray("missing credentials"));
    QVERIFY(missing.reply.headers.value("WWW-Authenticate").startsWith("ApiKey"));
}

void TestRouteTester::aclRefusesAConsumerOutsideTheGroups()
{
    RouteTester tester;
    const Config c = sampleConfig();
    const RouteVerdict bob =
        tester.test(c, request(QStringLiteral("/partners"), {{"X-API-Key", kBobKey}}));
    QCOMPARE(bob.outcome, RouteVerdict::Outcome::Refused);
    QCOMPARE(bob.status, 403);
    QCOMPARE(bob.consumer, QStringLiteral("bob"));
    QCOMPARE(decision(bob, "acl"), QByteArray("consumer bob is in no allowed group"));
    const RouteVerdict alice =
        tester.test(c, request(QStringLiteral("/partners"), {{"X-API-Key", kAliceKey}}));
    QCOMPARE(alice.outcome, RouteVerdict::Outcome::Forwarded);
}

void TestRouteTester::rateLimitRefusesAfterRealUse()
{
    // An engine's registries and a snapshot compiled into them, as the engine has them.
    EngineRegistries live;
    const Config c = sampleConfig();
    const std::shared_ptr<const Snapshot> snapshot = compileSnapshot(c, 1, live, nullptr);
    QVERIFY(snapshot);
    const auto test = [&] {
        RouteTester tester(live.forDryRun());
        return tester.test(c, request(QStringLiteral("/limited")));
    };

    const RouteVerdict first = test();
    QCOMPARE(first.outcome, RouteVerdict::Outcome::Forwarded);
    // As if this request were counted: 1 of 2 left.
    QCOMPARE(decision(first, "rate limit"), QByteArray("route.minute 1/2 left"));
    QVERIFY2(first.responseFields.value("RateLimit").contains("r=1"), describe(first));

    QCOMPARE(runForReal(snapshot, QStringLiteral("limited")).status,
             PolicyResult::Status::Continue);
    QCOMPARE(decision(test(), "rate limit"), QByteArray("route.minute 0/2 left"));
    QCOMPARE(runForReal(snapshot, QStringLiteral("limited")).status,
             PolicyResult::Status::Continue);

    const RouteVerdict refused = test();
    QCOMPARE(refused.outcome, RouteVerdict::Outcome::Refused);
    QCOMPARE(refused.status, 429);
    QVERIFY2(decision(refused, "rate limit").startsWith("refused: route.minute 2/2 used"),
             describe(refused));
    QVERIFY(!refused.reply.headers.value("Retry-After").isEmpty());
    // And a real request now is refused too: the tests counted nothing.
    QCOMPARE(runForReal(snapshot, QStringLiteral("limited")).reply.status, 429);
    // Without the engine's counters nothing was used.
    RouteTester fresh;
    QCOMPARE(fresh.test(c, request(QStringLiteral("/limited"))).outcome,
             RouteVerdict::Outcome::Forwarded);
}

void TestRouteTester::jwtWithASecretAndAJwksNotFetched()
{
    RouteTester tester;
    const Config c = sampleConfig();
    const QByteArray token = test::signHs256(kSecret, jwtClaims(kIssuer, QStringLiteral("alice")));
    const RouteVerdict ok =
        tester.test(c, request(QStringLiteral("/jwt"), {{"Authorization", "Bearer " + token}}));
    QCOMPARE(ok.outcome, RouteVerdict::Outcome::Forwarded);
    QCOMPARE(ok.consumer, QStringLiteral("alice"));
    QCOMPARE(ok.upstreamHead.headers.value("X-Authenticated-Subject"), QByteArray("alice"));
    QVERIFY(!ok.upstreamHead.headers.contains("Authorization"));

    const QByteArray forged = test::signHs256("another-secret-another-secret-xx",
                                              jwtClaims(kIssuer, QStringLiteral("alice")));
    const RouteVerdict bad =
        tester.test(c, request(QStringLiteral("/jwt"), {{"Authorization", "Bearer " + forged}}));
    QCOMPARE(bad.status, 401);
    QCOMPARE(bad.error, QByteArray("invalid credentials"));

    // The JWKS provider's keys were never fetched: a request would wait for them.
    EngineRegistries live;
    const std::shared_ptr<const Snapshot> snapshot = compileSnapshot(c, 1, live, nullptr);
    QVERIFY(snapshot);
    const std::shared_ptr<JwksSource> source =
        live.jwks.sourceFor(JwksSource::Settings{QUrl(kJwksUrl), 60, 86'400});
    RouteTester withEngine(live.forDryRun());
    test::RsaSigningKey key("k1");
    const QByteArray rs =
        key.sign(jwtClaims(QStringLiteral("https://idp.remote.test"), QStringLiteral("alice")));
    const RouteVerdict waits =
        withEngine.test(c, request(QStringLiteral("/idp"), {{"Authorization", "Bearer " + rs}}));
    QCOMPARE(waits.outcome, RouteVerdict::Outcome::Undecided);
    QCOMPARE(decision(waits, "auth"), "would fetch JWKS from " + kJwksUrl.toUtf8());
    QCOMPARE(waits.summary(), "Undecided: would fetch JWKS from " + kJwksUrl);
    QCOMPARE(source->status().fetches, 0); // nothing was fetched
}

void TestRouteTester::redactsSecretsInWhatIsSent()
{
    Config c = sampleConfig();
    c.settings.observe.redactHeaders = {QStringLiteral("X-Session")};
    RouteTester tester;
    const RouteVerdict v = tester.test(c,
                                       request(QStringLiteral("/users?apikey=pk_secret&page=1"),
                                               {{"Authorization", "Basic dXNlcjpwYXNz"},
                                                {"Cookie", "sid=123"},
                                                {"X-Session", "s3cr3t"},
                                                {"X-Api-Key", "pk_public_route"}}));
    QCOMPARE(v.outcome, RouteVerdict::Outcome::Forwarded);
    const HeaderMap &h = v.upstreamHead.headers;
    // A public route forwards them: the verdict shows that, not their values.
    for (const char *name : {"Authorization", "Cookie", "X-Session", "X-API-Key"})
        QCOMPARE(h.value(name), QByteArray("[redacted]"));
    QCOMPARE(v.upstreamHead.target, QByteArray("/users?apikey=[redacted]&page=1"));
    QVERIFY(!v.upstreamUrl.contains("pk_secret"));
}

void TestRouteTester::refusesWhatTheParserRefuses()
{
    Config c = sampleConfig();
    c.settings.limits.maxHeaderBytes = 1024;
    c.settings.limits.maxUriBytes = 256;
    RouteTester tester;
    const RouteVerdict big =
        tester.test(c, request(QStringLiteral("/users"), {{"X-Big", QByteArray(2000, 'a')}}));
    QCOMPARE(big.outcome, RouteVerdict::Outcome::Refused);
    QCOMPARE(big.status, 431);
    QCOMPARE(big.reply.headers.value("Connection"), QByteArray("close"));
    const RouteVerdict longUri =
        tester.test(c, request(QStringLiteral("/users/") + QString(300, u'x')));
    QCOMPARE(longUri.status, 414);
    const RouteVerdict twoHosts =
        tester.test(c, request(QStringLiteral("/users"), {{"Host", "a.test"}, {"Host", "b.test"}}));
    QCOMPARE(twoHosts.status, 400);
    QCOMPARE(twoHosts.error, QByteArray("multiple Host headers"));
    const RouteVerdict badName =
        tester.test(c, request(QStringLiteral("/users"), {{"Bad Name", "x"}}));
    QCOMPARE(badName.status, 400);
    const RouteVerdict climbs = tester.test(c, request(QStringLiteral("/users/../../etc")));
    QCOMPARE(climbs.status, 400);
    QCOMPARE(climbs.error, QByteArray("invalid request path"));
    const RouteVerdict tooLarge = tester.test(
        c, request(QStringLiteral("/users"), {{"Content-Length", "99999999999"}}, "POST"));
    QCOMPARE(tooLarge.status, 413);
    QCOMPARE(tooLarge.route, QStringLiteral("users")); // matched, refused before its policies
    QCOMPARE(tooLarge.decisions.size(), size_t(2));    // route, local_reply
}

void TestRouteTester::invalidConfigurationGivesFieldErrors()
{
    Config c = sampleConfig();
    c.routes[1].service = QStringLiteral("nowhere");
    c.routes[0].paths = {QStringLiteral("users")};
    RouteTester tester;
    const RouteVerdict v = tester.test(c, request(QStringLiteral("/users")));
    QCOMPARE(v.outcome, RouteVerdict::Outcome::InvalidConfig);
    QStringList paths;
    for (const ConfigError &e : v.configErrors)
        paths << e.path;
    QVERIFY2(paths.contains(QStringLiteral("routes[1].service")), qPrintable(paths.join(',')));
    QVERIFY2(paths.contains(QStringLiteral("routes[0].paths[0]")), qPrintable(paths.join(',')));
    QVERIFY(v.summary().startsWith(QStringLiteral("The configuration is invalid: routes[")));
    QVERIFY(v.decisions.empty());
}

void TestRouteTester::invalidRequestSaysWhy()
{
    RouteTester tester;
    const Config c = sampleConfig();
    QCOMPARE(tester.test(c, request(QStringLiteral("ftp://h/users"))).outcome,
             RouteVerdict::Outcome::InvalidRequest);
    QCOMPARE(tester.test(c, request(QString())).outcome, RouteVerdict::Outcome::InvalidRequest);
    const RouteVerdict injected =
        tester.test(c, request(QStringLiteral("/users"), {{"X-A", "1\r\nX-B: 2"}}));
    QCOMPARE(injected.outcome, RouteVerdict::Outcome::InvalidRequest);
    QVERIFY(injected.inputError.contains(QStringLiteral("line break")));
    TestRequest badIp = request(QStringLiteral("/users"));
    badIp.clientIp = QStringLiteral("not-an-ip");
    const RouteVerdict ip = tester.test(c, badIp);
    QCOMPARE(ip.outcome, RouteVerdict::Outcome::InvalidRequest);
    QVERIFY(ip.summary().startsWith(QStringLiteral("Cannot test: the client address")));
    // Spaces and non-ASCII in the path are escaped, as a browser does.
    const RouteVerdict spaced =
        tester.test(c, request(QStringLiteral("http://h/users/a b/\u00e9")));
    QCOMPARE(spaced.upstreamHead.target, QByteArray("/users/a%20b/%C3%A9"));
}

void TestRouteTester::changesNothing()
{
    EngineRegistries live;
    const Config c = sampleConfig();
    const std::shared_ptr<const Snapshot> snapshot = compileSnapshot(c, 1, live, nullptr);
    QVERIFY(snapshot);
    QCOMPARE(runForReal(snapshot, QStringLiteral("limited")).status,
             PolicyResult::Status::Continue);
    live.keyUsage->take(); // nothing pending

    for (int i = 0; i < 5; ++i) {
        RouteTester tester(live.forDryRun());
        QCOMPARE(
            tester.test(c, request(QStringLiteral("/keys"), {{"X-API-Key", kAliceKey}})).outcome,
            RouteVerdict::Outcome::Forwarded);
        QCOMPARE(decision(tester.test(c, request(QStringLiteral("/limited"))), "rate limit"),
                 QByteArray("route.minute 0/2 left"));
    }
    // No key use noted (a real request notes it: the check below is not vacuous) ...
    QVERIFY(live.keyUsage->take().empty());
    // ... and one real request was counted, none of the tests.
    QCOMPARE(runForReal(snapshot, QStringLiteral("limited")).status,
             PolicyResult::Status::Continue);
    QCOMPARE(runForReal(snapshot, QStringLiteral("limited")).reply.status, 429);
    QCOMPARE(runForReal(snapshot, QStringLiteral("keys"), kAliceKey).status,
             PolicyResult::Status::Continue);
    QCOMPARE(live.keyUsage->take().size(), size_t(1));
}

QTEST_GUILESS_MAIN(TestRouteTester)
#include "tst_route_tester.moc"
