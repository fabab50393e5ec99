// export -> import -> export is byte-identical, through the declarative format and through the
// store, on the demo configuration and on a generated one of 10,000 routes and 100,000
// consumers.

#include "TestCertificate.h"
#include "config/ApiKeys.h"
#include "config/ConfigStore.h"
#include "config/ConfigValidator.h"
#include "config/DeclarativeFormat.h"
#include "demo/DemoConfig.h"
#include "demo/MockServices.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

using namespace portico;

namespace {

QString describe(const ConfigErrors &errors)
{
    QStringList lines;
    for (size_t i = 0; i < errors.size() && i < 10; ++i)
        lines.append(errors[i].toString());
    return lines.join(QStringLiteral("; "));
}

// A large configuration with every kind of entry and field in use.
Config generatedConfig(int routes, int consumers)
{
    Config config;
    config.settings.listen = QStringLiteral("127.0.0.1:0");
    config.settings.adminToken = QStringLiteral("generated-token");
    const QString caBundle =
        QString::fromLatin1(test::TestCertificate::selfSigned().certificatePem);
    for (int s = 0; s < 50; ++s) {
        ServiceConfig service;
        service.name = QStringLiteral("service-%1").arg(s);
        service.targets = {{QStringLiteral("http://127.0.0.1:%1").arg(20000 + s), 90},
                           {QStringLiteral("http://10.0.%1.2:8080/base").arg(s), 10}};
        service.readTimeoutMs = 1000 + s;
        service.preserveHost = s % 2 == 0;
        if (s % 10 == 0) { // https:// with the TLS fields
            service.targets[0].url = QStringLiteral("https://127.0.0.1:%1").arg(20000 + s);
            service.tlsServerName = QStringLiteral("service-%1.internal").arg(s);
            service.tlsVerify = s % 20 != 0;
            if (s % 20 == 10)
                service.caBundle = caBundle;
        }
        config.services.push_back(service);
    }
    for (int r = 0; r < routes; ++r) {
        RouteConfig route;
        route.name = QStringLiteral("route-%1").arg(r);
        switch (r % 4) {
        case 0:
            route.paths = {QStringLiteral("/api/v%1/items").arg(r)};
            route.auth = {QStringLiteral("jwt")};
            route.jwtProviders = {QStringLiteral("idp")};
            route.jwtAnonymous = r % 8 == 0;
            break;
        case 1: route.paths = {QStringLiteral("=/exact/%1").arg(r)}; break;
        case 2:
            route.paths = {QStringLiteral("~^/re/%1/[0-9]+$").arg(r)};
            route.allowIps = {QStringLiteral("192.168.%1.0/24").arg(r % 256),
                              QStringLiteral("2001:db8::%1").arg(r % 1000 + 1)};
            break;
        default:
            route.paths = {QStringLiteral("/multi/%1").arg(r), QStringLiteral("/alt/%1").arg(r)};
            route.hosts = {QStringLiteral("*.example.test")};
            route.methods = {QStringLiteral("GET"), QStringLiteral("POST")};
            route.auth = {QStringLiteral("key")};
            route.rateLimit.minute = r;
            route.keyHeader = QStringLiteral("X-Key-%1").arg(r % 10);
            route.keyInQuery = r % 8 == 3;
            route.allowGroups = {QStringLiteral("group-%1").arg(r % 5)};
            route.denyGroups = {QStringLiteral("suspended")};
            route.denyIps = {QStringLiteral("10.%1.0.0/16").arg(r % 256)};
        }
        route.service = config.services[size_t(r % 50)].name;
        route.stripPath = r % 3 == 0;
        config.routes.push_back(route);
    }
    for (int p = 0; p < 10; ++p) {
        PlanConfig plan;
        plan.name = QStringLiteral("plan-%1").arg(p);
        plan.limits = {p + 1, 60 * (p + 1), 0, 10000, 100000 * (p + 1)};
        config.plans.push_back(plan);
    }
    const QDateTime created(QDate(2026, 1, 2), QTime(3, 4, 5), Qt::UTC);
    for (int c = 0; c < consumers; ++c) {
        ConsumerConfig consumer;
        consumer.name = QStringLiteral("consumer-%1").arg(c);
        consumer.plan = c % 7 == 0 ? QString() : config.plans[size_t(c % 10)].name;
        if (c % 3 == 0)
            consumer.customId = QStringLiteral("ext-%1").arg(c);
        if (c % 2 == 0)
            consumer.groups = {QStringLiteral("group-%1").arg(c % 5)};
        ApiKeyConfig key;
        const QString plaintext = QStringLiteral("pk_generated_%1").arg(c);
        key.hash = hashApiKey(plaintext);
        key.id = apiKeyIdFromHash(key.hash);
        key.prefix = apiKeyDisplayPrefix(plaintext);
        key.created = created.addSecs(c);
        if (c % 5 == 0)
            key.expires = created.addDays(365);
        if (c % 11 == 0)
            key.revoked = created.addDays(30);
        consumer.keys.push_back(key);
        config.consumers.push_back(consumer);
    }
    JwtProviderConfig jwt;
    jwt.name = QStringLiteral("idp");
    jwt.issuer = QStringLiteral("https://idp.example.test");
    jwt.algorithms = {QStringLiteral("RS256")};
    jwt.jwksUrl = QStringLiteral("https://idp.example.test/jwks.json");
    jwt.jwksCacheMinS = 120;
    jwt.jwksCacheMaxS = 3600;
    config.jwtProviders.push_back(jwt);
    return config;
}

} // namespace

class TestConfigRoundTrip : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void demoConfig();
    void largeConfig();

private:
    // export -> import -> export through the text format, then through a store file.
    void roundTrip(const Config &config);
};

void TestConfigRoundTrip::roundTrip(const Config &config)
{
    QVERIFY2(validateConfig(config).empty(), qPrintable(describe(validateConfig(config))));
    QElapsedTimer timer;
    timer.start();
    for (const bool json : {false, true}) {
        const QByteArray first = json ? toDeclarativeJson(config) : toDeclarativeYaml(config);
        const ConfigLoadResult imported = parseDeclarative(first);
        QVERIFY2(imported.ok(), qPrintable(describe(imported.errors)));
        const QByteArray second =
            json ? toDeclarativeJson(imported.config) : toDeclarativeYaml(imported.config);
        QVERIFY2(second == first, json ? "JSON differs" : "YAML differs");
    }
    qInfo("text round trips: %lld ms", timer.restart());

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    const QByteArray exported = toDeclarativeYaml(config);
    {
        ConfigStore::OpenResult opened = ConfigStore::open(path);
        QVERIFY2(opened.store, qPrintable(opened.error));
        const ConfigLoadResult imported = parseDeclarative(exported);
        const StoreResult stored = opened.store->replace(imported.config, ConfigSource::Import,
                                                         QStringLiteral("round trip"));
        QVERIFY2(stored.status == StoreResult::Status::Ok, qPrintable(describe(stored.errors)));
    }
    ConfigStore::OpenResult reopened = ConfigStore::open(path);
    QVERIFY2(reopened.store, qPrintable(reopened.error));
    QVERIFY2(toDeclarativeYaml(reopened.store->config()) == exported,
             "the store did not give back what was imported");
    qInfo("store round trip: %lld ms", timer.elapsed());
}

void TestConfigRoundTrip::demoConfig()
{
    MockServices mocks;
    QVERIFY(mocks.start());
    roundTrip(makeDemoConfig(mocks));
}

void TestConfigRoundTrip::largeConfig()
{
    roundTrip(generatedConfig(10'000, 100'000));
}

QTEST_GUILESS_MAIN(TestConfigRoundTrip)
#include "tst_config_roundtrip.moc"
