// The route tester's promise: its verdict is what a real request then gets. For a table of
// requests (several routes, key and JWT outcomes, an ACL refusal, a 404, a rate limit used up
// by real requests), the tester is asked first, then the same request goes through a running
// gateway to a backend that records what it receives; status, method, path and query, and the
// forwarded header fields must agree.

#include "IntegrationFixtures.h"
#include "JwtTestTokens.h"
#include "config/EngineRegistries.h"
#include "routing/RouteTester.h"

#include <QJsonObject>
#include <QTest>

#include <algorithm>

using namespace portico;
using namespace portico::test;

namespace {

const QByteArray kAliceKey = "pk_alice_live_tester_00000000000000000000000";
const QByteArray kBobKey = "pk_bob_live_tester_0000000000000000000000000";
const QByteArray kSecret = "a-shared-secret-of-at-least-32-bytes!";
const QString kIssuer = QStringLiteral("https://idp.local.test");

// Fields whose values legitimately differ between the tester and the real request: a request
// id made up for each (unless the client sends one) and W3C trace context, new per request.
const QList<QByteArray> kVarying = {"x-request-id", "traceparent", "tracestate"};

ConsumerConfig consumer(const QString &name, const QByteArray &key, const QStringList &groups)
{
    ConsumerConfig c = makeConsumer(name, key);
    c.groups = groups;
    c.customId = name + QStringLiteral("-crm");
    return c;
}

Config liveConfig(const QString &backendUrl)
{
    Config c = baseConfig();
    c.services.push_back(makeService(QStringLiteral("svc"), {backendUrl}));
    c.services.push_back(
        makeService(QStringLiteral("based"), {backendUrl + QStringLiteral("/base")}));
    c.routes.push_back(
        makeRoute(QStringLiteral("public"), {QStringLiteral("/public")}, QStringLiteral("svc")));
    RouteConfig api =
        makeRoute(QStringLiteral("api"), {QStringLiteral("/api")}, QStringLiteral("based"));
    api.stripPath = true;
    c.routes.push_back(api);
    RouteConfig admin =
        makeRoute(QStringLiteral("admin"), {QStringLiteral("/admin")}, QStringLiteral("svc"));
    admin.hosts = {QStringLiteral("admin.example.test")};
    c.routes.push_back(admin);
    RouteConfig keys =
        makeRoute(QStringLiteral("keys"), {QStringLiteral("/keys")}, QStringLiteral("svc"));
    keys.auth = {QStringLiteral("key")};
    keys.keyInQuery = true;
    c.routes.push_back(keys);
    RouteConfig partners = keys;
    partners.name = QStringLiteral("partners");
    partners.paths = {QStringLiteral("/partners")};
    partners.allowGroups = {QStringLiteral("partners")};
    c.routes.push_back(partners);
    RouteConfig limited =
        makeRoute(QStringLiteral("limited"), {QStringLiteral("/limited")}, QStringLiteral("svc"));
    limited.rateLimit.minute = 2;
    c.routes.push_back(limited);
    RouteConfig jwt =
        makeRoute(QStringLiteral("jwt"), {QStringLiteral("/jwt")}, QStringLiteral("svc"));
    jwt.auth = {QStringLiteral("jwt")};
    c.routes.push_back(jwt);
    JwtProviderConfig local;
    local.name = QStringLiteral("local");
    local.issuer = kIssuer;
    local.algorithms = {QStringLiteral("HS256")};
    local.secret = QString::fromLatin1(kSecret);
    c.jwtProviders.push_back(local);
    c.consumers = {consumer(QStringLiteral("alice"), kAliceKey, {QStringLiteral("partners")}),
                   consumer(QStringLiteral("bob"), kBobKey, {QStringLiteral("staff")})};
    return c;
}

QByteArray token(const QString &subject)
{
    const double now = double(QDateTime::currentSecsSinceEpoch());
    return signHs256(
        kSecret, QJsonObject{{"iss", kIssuer}, {"sub", subject}, {"iat", now}, {"exp", now + 600}});
}

struct Case
{
    const char *name;
    QByteArray method;
    QByteArray target;
    RawHeaders headers;
    QByteArray body;
};

// (lowercase name, value), sorted: the set of fields, order aside.
using Fields = std::vector<std::pair<QByteArray, QByteArray>>;
Fields fieldsOf(const HeaderMap &headers)
{
    Fields out;
    for (const auto &[name, value] : headers.fields())
        out.emplace_back(name.toLower(), value);
    std::sort(out.begin(), out.end());
    return out;
}

QByteArray text(const Fields &fields)
{
    QByteArray out;
    for (const auto &[name, value] : fields)
        out += "  " + name + ": " + value + '\n';
    return out;
}

// The table: one request per row, every outcome the tester can predict but the rate limit.
QList<Case> liveCases()
{
    return {
        {"public with a query, hop-by-hop fields and a client's forwarding fields",
         "GET",
         "/public/a/../b?x=1&y=%41",
         {{"Accept", "application/json"},
          {"Connection", "keep-alive, X-Hop"},
          {"X-Hop", "dropped"},
          {"X-Forwarded-For", "10.9.9.9"},
          {"Via", "1.1 edge"},
          {"X-Consumer-Name", "forged"}},
         {}},
        {"public, secrets forwarded and redacted",
         "GET",
         "/public",
         {{"Authorization", "Basic dXNlcjpwYXNz"}, {"Cookie", "sid=1"}},
         {}},
        {"public POST with a body",
         "POST",
         "/public/upload",
         {{"Content-Type", "text/plain"}},
         "hello"},
        {"strip_path and the target's base path", "GET", "/api/orders/9", {}, {}},
        {"host route", "GET", "/admin/users", {{"Host", "admin.example.test"}}, {}},
        {"host route, other host: 404", "GET", "/admin/users", {{"Host", "www.example.test"}}, {}},
        {"no route: 404", "GET", "/nothing", {}, {}},
        {"key valid", "GET", "/keys/1", {{"X-API-Key", kAliceKey}}, {}},
        {"key in the query", "GET", "/keys/1?apikey=" + kAliceKey + "&z=1", {}, {}},
        {"key as bearer", "GET", "/keys/1", {{"Authorization", "Bearer " + kBobKey}}, {}},
        {"key unknown", "GET", "/keys/1", {{"X-API-Key", "pk_nobody"}}, {}},
        {"key missing", "GET", "/keys/1", {}, {}},
        {"acl refuses bob", "GET", "/partners", {{"X-API-Key", kBobKey}}, {}},
        {"acl lets alice in, with her request id",
         "GET",
         "/partners/x",
         {{"X-API-Key", kAliceKey}, {"X-Request-Id", "client-chosen-7"}},
         {}},
        {"jwt valid", "GET", "/jwt", {{"Authorization", "Bearer " + token("alice")}}, {}},
        {"jwt for nobody", "GET", "/jwt", {{"Authorization", "Bearer " + token("mallory")}}, {}},
    };
}

} // namespace

class TestRouteTesterLive : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void verdictsEqualWhatRequestsGet_data();
    void verdictsEqualWhatRequestsGet();
    void rateLimitVerdictsFollowRealUse();

private:
    // Asks the tester, sends the request for real, and compares; returns the real response.
    RawResponse compare(const Case &c);

    std::unique_ptr<TestBackend> m_backend;
    std::unique_ptr<GatewayEngine> m_engine;
    Config m_config;
};

void TestRouteTesterLive::initTestCase()
{
    m_backend = std::make_unique<TestBackend>(QStringLiteral("live"));
    m_config = liveConfig(m_backend->url());
    m_engine = std::make_unique<GatewayEngine>();
    ConfigErrors errors;
    QVERIFY2(m_engine->start(m_config, &errors), qPrintable(errorsText(errors)));
}

void TestRouteTesterLive::cleanupTestCase()
{
    m_engine->stop();
}

RawResponse TestRouteTesterLive::compare(const Case &c)
{
    const quint16 port = m_engine->listenPort();
    TestRequest request;
    request.method = c.method;
    request.url =
        QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(QString::fromUtf8(c.target));
    for (const auto &[name, value] : c.headers)
        request.headers.emplace_back(name, value);
    if (!c.body.isEmpty())
        request.headers.emplace_back("Content-Length", QByteArray::number(c.body.size()));
    RouteTester tester(m_engine->dryRunRegistries());
    const RouteVerdict verdict = tester.test(m_config, request);

    const int before = m_backend->requestCount();
    RawHttpClient client(port);
    const RawResponse real = client.request(c.method, c.target, c.body, c.headers);
    [&] {
        QVERIFY2(real.ok, qPrintable(real.error));
        const QByteArray context = QByteArray(c.name) + ": " + verdict.summary().toUtf8();
        if (verdict.outcome == RouteVerdict::Outcome::Refused) {
            QVERIFY2(real.status == verdict.status,
                     (context + ", real " + QByteArray::number(real.status)).constData());
            QCOMPARE(real.json().value(QStringLiteral("error")).toString(),
                     QString::fromUtf8(verdict.error));
            for (const char *name : {"WWW-Authenticate", "Content-Type", "Connection"})
                QCOMPARE(real.headers.combinedValue(name),
                         verdict.reply.headers.combinedValue(name));
            QCOMPARE(real.headers.contains("Retry-After"),
                     verdict.reply.headers.contains("Retry-After"));
            QCOMPARE(m_backend->requestCount(), before); // nothing went upstream
            return;
        }
        QVERIFY2(verdict.outcome == RouteVerdict::Outcome::Forwarded, context.constData());
        QVERIFY2(real.status == 200,
                 (context + ", real " + QByteArray::number(real.status)).constData());
        QVERIFY(m_backend->waitForRequests(before + 1));
        const BackendRequest got = m_backend->lastRequest();
        QCOMPARE(got.method, verdict.upstreamHead.method);
        QCOMPARE(got.target, verdict.upstreamHead.target);
        QCOMPARE(QByteArray("http://127.0.0.1:") + QByteArray::number(m_backend->port())
                     + got.target,
                 verdict.upstreamUrl);

        // The same fields with the same values, but for those that vary and the redacted.
        Fields expected = fieldsOf(verdict.upstreamHead.headers);
        Fields received = fieldsOf(got.headers);
        const bool clientId = std::any_of(c.headers.begin(), c.headers.end(), [](const auto &h) {
            return HeaderMap::namesEqual(h.first, "X-Request-Id");
        });
        for (Fields *fields : {&expected, &received}) {
            for (auto &[name, value] : *fields) {
                if (kVarying.contains(name) && !(clientId && name == "x-request-id"))
                    value = "(varies)";
            }
        }
        for (size_t i = 0; i < expected.size() && i < received.size(); ++i) {
            if (expected[i].second == "[redacted]" && expected[i].first == received[i].first) {
                QVERIFY(!received[i].second.isEmpty());
                received[i].second = "[redacted]";
            }
        }
        QVERIFY2(
            expected == received,
            (context + "\ntester:\n" + text(expected) + "backend:\n" + text(received)).constData());
        // What the gateway adds to the client's answer (RateLimit ...), reset times aside.
        for (const auto &[name, value] : verdict.responseFields.fields()) {
            if (name != "RateLimit")
                QCOMPARE(real.headers.value(name), value);
        }
    }();
    return real;
}

void TestRouteTesterLive::verdictsEqualWhatRequestsGet_data()
{
    QTest::addColumn<int>("index");
    const QList<Case> cases = liveCases();
    for (int i = 0; i < cases.size(); ++i)
        QTest::newRow(cases[i].name) << i;
}

void TestRouteTesterLive::verdictsEqualWhatRequestsGet()
{
    QFETCH(int, index);
    compare(liveCases()[index]);
}

void TestRouteTesterLive::rateLimitVerdictsFollowRealUse()
{
    const Case limited{"limited", "GET", "/limited", {}, {}};
    // Each round: the tester (which counts nothing) predicts, the real request then gets it.
    const RawResponse first = compare(limited);
    QCOMPARE(first.status, 200);
    QVERIFY(first.header("RateLimit").contains("r=1"));
    QCOMPARE(compare(limited).status, 200);
    QCOMPARE(compare(limited).status, 429);
    QCOMPARE(compare(limited).status, 429);
}

QTEST_GUILESS_MAIN(TestRouteTesterLive)
#include "tst_route_tester_live.moc"
