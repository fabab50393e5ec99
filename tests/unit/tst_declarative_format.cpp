#include "TestCertificate.h"
#include "config/DeclarativeFormat.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QTemporaryDir>
#include <QTest>

using namespace portico;

namespace {

QString describe(const ConfigErrors &errors)
{
    QStringList lines;
    for (const ConfigError &e : errors)
        lines.append(e.toString());
    return lines.isEmpty() ? QStringLiteral("(no errors)") : lines.join(QStringLiteral("; "));
}

QStringList errorLines(const ConfigLoadResult &result)
{
    QStringList lines;
    for (const ConfigError &e : result.errors)
        lines.append(e.toString());
    return lines;
}

// A minimal valid document with `extra` appended to the top level.
QByteArray withMinimal(const QByteArray &extra = {})
{
    return "format_version: 1\n"
           "services:\n"
           "  - name: users\n"
           "    url: http://127.0.0.1:9001\n"
           "routes:\n"
           "  - name: users\n"
           "    paths: [/users]\n"
           "    service: users\n"
        + extra;
}

// The single error a document produces, as "path: message".
QString onlyError(const QByteArray &yaml)
{
    const ConfigLoadResult result = parseDeclarative(yaml);
    if (result.errors.size() != 1)
        return QStringLiteral("expected one error, got: ") + describe(result.errors);
    return result.errors.front().toString();
}

void compareConfigs(const Config &a, const Config &b)
{
    QCOMPARE(a.formatVersion, b.formatVersion);
    const SettingsConfig &s = a.settings;
    const SettingsConfig &t = b.settings;
    QCOMPARE(s.listen, t.listen);
    QCOMPARE(s.adminListen, t.adminListen);
    QCOMPARE(s.adminToken, t.adminToken);
    QCOMPARE(s.workers, t.workers);
    QCOMPARE(s.rateLimitStore, t.rateLimitStore);
    QCOMPARE(s.rateLimitHeaders, t.rateLimitHeaders);
    QCOMPARE(s.rateLimitRedisDown, t.rateLimitRedisDown);
    QCOMPARE(s.rateLimitRedisTimeoutMs, t.rateLimitRedisTimeoutMs);
    QCOMPARE(s.quotaTimezone, t.quotaTimezone);
    QCOMPARE(s.limits.maxUriBytes, t.limits.maxUriBytes);
    QCOMPARE(s.limits.maxHeaderBytes, t.limits.maxHeaderBytes);
    QCOMPARE(s.limits.maxBodyBytes, t.limits.maxBodyBytes);
    QCOMPARE(s.limits.headerTimeoutMs, t.limits.headerTimeoutMs);
    QCOMPARE(s.limits.idleTimeoutMs, t.limits.idleTimeoutMs);
    QCOMPARE(s.upstreamIdleTimeoutMs, t.upstreamIdleTimeoutMs);
    QCOMPARE(s.upstreamPoolSize, t.upstreamPoolSize);
    QCOMPARE(s.ejectAfterFailures, t.ejectAfterFailures);
    QCOMPARE(s.ejectDurationMs, t.ejectDurationMs);
    QCOMPARE(s.shutdownTimeoutMs, t.shutdownTimeoutMs);
    QCOMPARE(a.services.size(), b.services.size());
    for (size_t i = 0; i < a.services.size(); ++i) {
        const ServiceConfig &x = a.services[i];
        const ServiceConfig &y = b.services[i];
        QCOMPARE(x.name, y.name);
        QCOMPARE(x.targets.size(), y.targets.size());
        for (size_t j = 0; j < x.targets.size(); ++j) {
            QCOMPARE(x.targets[j].url, y.targets[j].url);
            QCOMPARE(x.targets[j].weight, y.targets[j].weight);
        }
        QCOMPARE(x.connectTimeoutMs, y.connectTimeoutMs);
        QCOMPARE(x.readTimeoutMs, y.readTimeoutMs);
        QCOMPARE(x.preserveHost, y.preserveHost);
        QCOMPARE(x.retries, y.retries);
        QCOMPARE(x.tlsVerify, y.tlsVerify);
        QCOMPARE(x.caBundle, y.caBundle);
        QCOMPARE(x.tlsServerName, y.tlsServerName);
        QCOMPARE(x.clientCertificate, y.clientCertificate);
    }
    QCOMPARE(a.routes.size(), b.routes.size());
    for (size_t i = 0; i < a.routes.size(); ++i) {
        const RouteConfig &x = a.routes[i];
        const RouteConfig &y = b.routes[i];
        QCOMPARE(x.name, y.name);
        QCOMPARE(x.paths, y.paths);
        QCOMPARE(x.hosts, y.hosts);
        QCOMPARE(x.methods, y.methods);
        QCOMPARE(x.stripPath, y.stripPath);
        QCOMPARE(x.service, y.service);
        QCOMPARE(x.auth, y.auth);
        QCOMPARE(x.maxBodyBytes, y.maxBodyBytes);
        QCOMPARE(x.enabled, y.enabled);
    }
}

const char kDesignExample[] = R"(format_version: 1
settings:
  listen: 127.0.0.1:8080
  admin_listen: 127.0.0.1:8081     # loopback only unless admin_token is set
  admin_token: change-me
  workers: 0                       # 0 = one per core
  rate_limit_store: local          # or redis://127.0.0.1:6379/0
services:
  - name: users
    targets:                       # or the shorthand  url: http://127.0.0.1:9001
      - { url: http://127.0.0.1:9001, weight: 90 }
      - { url: http://127.0.0.1:9002, weight: 10 }
    connect_timeout_ms: 2000
    read_timeout_ms: 30000
routes:
  - name: users
    paths: [/users]                # prefix on segment boundaries; "=/x" exact; "~^/x/[0-9]+$" regex
    hosts: [api.example.test]      # optional; "*.example.test" wildcard
    methods: [GET, POST]           # optional
    strip_path: false
    service: users
    auth: [key]                    # key, jwt, or both (either passes); absent = public
    rate_limit: { second: 100 }    # optional route-wide limit per client IP (anonymous) or consumer
consumers:
  - name: mobile-app
    plan: free
    keys:
      - key: demo-key-123
plans:
  - name: free
    limits: { second: 5, minute: 100, day: 10000, month: 100000 }
jwt_providers:
  - name: local-idp
    issuer: https://idp.example.test
    audiences: [orders-api]
    algorithms: [HS256]              # DESIGN.md pairs RS256 with a secret: refused (key confusion)
    secret: s3cret
    consumer_claim: sub
    clock_skew_s: 60
)";

} // namespace

class TestDeclarativeFormat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void designExample();
    void json();
    void urlShorthand();
    void defaultsAndNulls();
    void allFields();
    void formatVersion();
    void unknownFields();
    void typeErrors_data();
    void typeErrors();
    void duplicateField();
    void maskedValidation();
    void validationErrors();
    void syntaxError();
    void notAMapping();
    void roundTrip();
    void emitOrder();
    void files();
    void keysAndConsumers();
    void jwtProviders();
    void authenticationFields();
    void authenticationDefaults();
    void authenticationErrors();
    void fullRoundTripYamlAndJson();
    void serviceTls();
    void parts();
};

void TestDeclarativeFormat::designExample()
{
    const ConfigLoadResult result = parseDeclarative(kDesignExample);
    QVERIFY2(result.ok(), qPrintable(describe(result.errors)));
    const Config &c = result.config;
    QCOMPARE(c.settings.listen, QStringLiteral("127.0.0.1:8080"));
    QCOMPARE(c.settings.adminToken, QStringLiteral("change-me"));
    QCOMPARE(c.services.size(), size_t(1));
    QCOMPARE(c.services[0].targets.size(), size_t(2));
    QCOMPARE(c.services[0].targets[1].url, QStringLiteral("http://127.0.0.1:9002"));
    QCOMPARE(c.services[0].targets[1].weight, 10);
    QCOMPARE(c.routes.size(), size_t(1));
    QCOMPARE(c.routes[0].paths, QStringList{"/users"});
    QCOMPARE(c.routes[0].hosts, QStringList{"api.example.test"});
    QCOMPARE(c.routes[0].methods, (QStringList{"GET", "POST"}));
    QCOMPARE(c.routes[0].auth, QStringList{"key"});
    QCOMPARE(c.routes[0].rateLimit.second, 100);
    QCOMPARE(c.consumers.size(), size_t(1));
    QCOMPARE(c.consumers[0].plan, QStringLiteral("free"));
    QCOMPARE(c.consumers[0].keys.size(), size_t(1));
    const ApiKeyConfig &key = c.consumers[0].keys[0];
    // The plaintext is hashed on the way in and kept nowhere.
    QCOMPARE(key.hash, QStringLiteral("sha256:")
                           + QCryptographicHash::hash("demo-key-123", QCryptographicHash::Sha256)
                                 .toHex());
    QCOMPARE(key.prefix, QStringLiteral("demo"));
    QCOMPARE(key.id, QStringLiteral("key_") + key.hash.mid(7, 16));
    QVERIFY(key.created.isValid());
    QVERIFY(!key.expires.isValid());
    QVERIFY(!key.revoked.isValid());
    QVERIFY(!toDeclarativeYaml(c).contains("demo-key-123"));
    QCOMPARE(c.plans.size(), size_t(1));
    QCOMPARE(c.plans[0].limits, (LimitsConfig{5, 100, 0, 10000, 100000}));
    QCOMPARE(c.jwtProviders.size(), size_t(1));
    QCOMPARE(c.jwtProviders[0].audiences, QStringList{"orders-api"});
    QCOMPARE(c.jwtProviders[0].clockSkewS, 60);
    // Everything in it is applied, plans and rate limits included: no warning.
    QVERIFY2(result.warnings.isEmpty(), qPrintable(result.warnings.join(u'\n')));
}

void TestDeclarativeFormat::json()
{
    const QByteArray text = R"({
      "format_version": 1,
      "settings": {"workers": 4, "admin_token": "t0k3n", "max_body_bytes": 1048576},
      "services": [{"name": "users", "targets": [{"url": "http://127.0.0.1:9001", "weight": 5}],
                    "preserve_host": false}],
      "routes": [{"name": "r", "paths": ["=/x", "~^/y$"], "service": "users",
                  "strip_path": true, "enabled": false, "max_body_bytes": 0}]
    })";
    const ConfigLoadResult result = parseDeclarative(text);
    QVERIFY2(result.ok(), qPrintable(describe(result.errors)));
    QCOMPARE(result.config.settings.workers, 4);
    QCOMPARE(result.config.settings.adminToken, QStringLiteral("t0k3n"));
    QCOMPARE(result.config.settings.limits.maxBodyBytes, qint64(1048576));
    QCOMPARE(result.config.services[0].targets[0].weight, 5);
    QCOMPARE(result.config.services[0].preserveHost, false);
    QCOMPARE(result.config.routes[0].paths, (QStringList{"=/x", "~^/y$"}));
    QCOMPARE(result.config.routes[0].stripPath, true);
    QCOMPARE(result.config.routes[0].enabled, false);
    QCOMPARE(result.config.routes[0].maxBodyBytes, qint64(0));

    QCOMPARE(onlyError(R"({"format_version": 1, "settings": {"workers": "4"}})"),
             QStringLiteral("settings.workers: expected an integer"));
}

void TestDeclarativeFormat::urlShorthand()
{
    const ConfigLoadResult result = parseDeclarative(withMinimal());
    QVERIFY2(result.ok(), qPrintable(describe(result.errors)));
    QCOMPARE(result.config.services[0].targets.size(), size_t(1));
    QCOMPARE(result.config.services[0].targets[0].url, QStringLiteral("http://127.0.0.1:9001"));
    QCOMPARE(result.config.services[0].targets[0].weight, 100);
    QVERIFY(result.warnings.isEmpty());

    QCOMPARE(onlyError("format_version: 1\nservices:\n  - name: a\n    url: http://x\n"
                       "    targets: [{url: http://y}]\n"),
             QStringLiteral("services[0].targets: use either url or targets, not both"));
}

void TestDeclarativeFormat::defaultsAndNulls()
{
    const ConfigLoadResult result = parseDeclarative(
        "format_version: 1\nsettings:\n  workers: ~\n  admin_token:\n  listen: null\n"
        "services:\nroutes: null\n");
    QVERIFY(result.warnings.isEmpty());
    QVERIFY2(result.ok(), qPrintable(describe(result.errors)));
    const Config defaults;
    compareConfigs(result.config, defaults);
}

void TestDeclarativeFormat::allFields()
{
    const QByteArray text = R"(format_version: 1
settings:
  listen: 0.0.0.0:0
  admin_listen: "[::1]:9901"
  admin_token: 12345
  workers: 3
  rate_limit_store: redis://127.0.0.1:6379/2
  rate_limit_headers: both
  rate_limit_redis_down: closed
  rate_limit_redis_timeout_ms: 750
  quota_timezone: Europe/Berlin
  max_uri_bytes: 4096
  max_header_bytes: 16384
  max_body_bytes: 5000000000
  header_timeout_ms: 1500
  idle_timeout_ms: 2500
  upstream_idle_timeout_ms: 3500
  upstream_pool_size: 16
  eject_after_failures: 5
  eject_duration_ms: 4500
  shutdown_timeout_ms: 5500
  capture_records: 50
  capture_bytes: 1048576
  capture: always
  capture_body_kib: 4
  redact_headers: [X-Session, X-Card]
  metrics_per_consumer: true
  access_log: /tmp/portico-access.log
  access_log_max_bytes: 100000
  access_log_files: 2
services:
  - name: svc
    url: http://backend.test:8443/base
    connect_timeout_ms: 100
    read_timeout_ms: 200
    preserve_host: False
    retries: 0
routes:
  - name: r1
    paths: [/a, "=/b", "~^/c/[0-9]+$"]
    hosts: ["*.example.test", api.example.test]
    methods: [GET]
    strip_path: TRUE
    service: svc
    auth: [key, jwt]
    max_body_bytes: -1
    enabled: true
)";
    const ConfigLoadResult result = parseDeclarative(text);
    QVERIFY2(result.ok(), qPrintable(describe(result.errors)));
    const Config &c = result.config;
    QCOMPARE(c.settings.listen, QStringLiteral("0.0.0.0:0"));
    QCOMPARE(c.settings.adminListen, QStringLiteral("[::1]:9901"));
    QCOMPARE(c.settings.adminToken, QStringLiteral("12345"));
    QCOMPARE(c.settings.workers, 3);
    QCOMPARE(c.settings.rateLimitStore, QStringLiteral("redis://127.0.0.1:6379/2"));
    QCOMPARE(c.settings.rateLimitHeaders, QStringLiteral("both"));
    QCOMPARE(c.settings.rateLimitRedisDown, QStringLiteral("closed"));
    QCOMPARE(c.settings.rateLimitRedisTimeoutMs, 750);
    QCOMPARE(c.settings.quotaTimezone, QStringLiteral("Europe/Berlin"));
    QCOMPARE(c.settings.limits.maxUriBytes, 4096);
    QCOMPARE(c.settings.limits.maxHeaderBytes, 16384);
    QCOMPARE(c.settings.limits.maxBodyBytes, Q_INT64_C(5000000000));
    QCOMPARE(c.settings.limits.headerTimeoutMs, 1500);
    QCOMPARE(c.settings.limits.idleTimeoutMs, 2500);
    QCOMPARE(c.settings.upstreamIdleTimeoutMs, 3500);
    QCOMPARE(c.settings.upstreamPoolSize, 16);
    QCOMPARE(c.settings.ejectAfterFailures, 5);
    QCOMPARE(c.settings.ejectDurationMs, 4500);
    QCOMPARE(c.settings.shutdownTimeoutMs, 5500);
    const ObserveConfig &o = c.settings.observe;
    QCOMPARE(o.captureRecords, 50);
    QCOMPARE(o.captureBytes, 1048576);
    QCOMPARE(o.capture, QStringLiteral("always"));
    QCOMPARE(o.captureBodyKib, 4);
    QCOMPARE(o.redactHeaders, QStringList({QStringLiteral("X-Session"), QStringLiteral("X-Card")}));
    QCOMPARE(o.metricsPerConsumer, true);
    QCOMPARE(o.accessLog, QStringLiteral("/tmp/portico-access.log"));
    QCOMPARE(o.accessLogMaxBytes, 100000);
    QCOMPARE(o.accessLogFiles, 2);
    const ServiceConfig &s = c.services.at(0);
    QCOMPARE(s.targets.at(0).url, QStringLiteral("http://backend.test:8443/base"));
    QCOMPARE(s.connectTimeoutMs, 100);
    QCOMPARE(s.readTimeoutMs, 200);
    QCOMPARE(s.preserveHost, false);
    QCOMPARE(s.retries, 0);
    const RouteConfig &r = c.routes.at(0);
    QCOMPARE(r.paths, (QStringList{"/a", "=/b", "~^/c/[0-9]+$"}));
    QCOMPARE(r.hosts, (QStringList{"*.example.test", "api.example.test"}));
    QCOMPARE(r.stripPath, true);
    QCOMPARE(r.auth, (QStringList{"key", "jwt"}));
    QCOMPARE(r.maxBodyBytes, qint64(-1));
}

void TestDeclarativeFormat::formatVersion()
{
    QCOMPARE(onlyError("settings:\n  workers: 2\n"), QStringLiteral("format_version: missing"));
    // Another version's fields are not judged by this version's rules.
    QCOMPARE(onlyError("format_version: 2\nfrobnicate: true\n"),
             QStringLiteral("format_version: unsupported version 2 (expected 1)"));
    QCOMPARE(onlyError("format_version: \"1\"\n"),
             QStringLiteral("format_version: expected an integer"));
    QVERIFY(parseDeclarative("format_version: 1\n").ok());
}

void TestDeclarativeFormat::unknownFields()
{
    QCOMPARE(onlyError(withMinimal("servces: []\n")), QStringLiteral("servces: unknown field"));
    QCOMPARE(onlyError(withMinimal("settings:\n  wrkers: 2\n")),
             QStringLiteral("settings.wrkers: unknown field"));
    QCOMPARE(onlyError(withMinimal("settings:\n  wrkers:\n")),
             QStringLiteral("settings.wrkers: unknown field")); // null values too
    QCOMPARE(onlyError(withMinimal("  - name: b\n    paths: [/b]\n    service: users\n"
                                   "  - name: c\n    pahts: [/c]\n    paths: [/c]\n"
                                   "    service: users\n")),
             QStringLiteral("routes[2].pahts: unknown field"));
    QCOMPARE(onlyError("format_version: 1\nservices:\n  - name: s\n    targets:\n"
                       "      - url: http://a\n      - url: http://b\n        wieght: 3\n"),
             QStringLiteral("services[0].targets[1].wieght: unknown field"));
    QCOMPARE(onlyError("format_version: 1\nservices:\n  - name: s\n    url: http://a\n"
                       "    timeout: 3\n"),
             QStringLiteral("services[0].timeout: unknown field"));
}

void TestDeclarativeFormat::typeErrors_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("error");

    const QByteArray v = "format_version: 1\n";
    QTest::newRow("word") << v + "settings:\n  workers: four\n"
                          << "settings.workers: expected an integer";
    QTest::newRow("quoted") << v + "settings:\n  workers: '4'\n"
                            << "settings.workers: expected an integer";
    QTest::newRow("float") << v + "settings:\n  workers: 4.5\n"
                           << "settings.workers: expected an integer";
    QTest::newRow("list") << v + "settings:\n  workers: [4]\n"
                          << "settings.workers: expected an integer";
    QTest::newRow("range") << v + "settings:\n  workers: 99999999999\n"
                           << "settings.workers: integer out of range";
    QTest::newRow("bool") << withMinimal("    strip_path: yes\n")
                          << "routes[0].strip_path: expected true or false";
    QTest::newRow("quoted bool") << withMinimal("    enabled: \"true\"\n")
                                 << "routes[0].enabled: expected true or false";
    QTest::newRow("string map") << v + "settings:\n  listen: {a: 1}\n"
                                << "settings.listen: expected a string";
    QTest::newRow("settings list") << v + "settings: [1]\n" << "settings: expected a mapping";
    QTest::newRow("services map") << v + "services: {name: x}\n" << "services: expected a list";
    QTest::newRow("route scalar") << v + "routes:\n  - just-a-name\n"
                                  << "routes[0]: expected a mapping";
    QTest::newRow("paths scalar") << withMinimal("    hosts: api.test\n")
                                  << "routes[0].hosts: expected a list";
    QTest::newRow("path item") << withMinimal("    methods: [GET, {x: 1}]\n")
                               << "routes[0].methods[1]: expected a string";
    QTest::newRow("target scalar") << v + "services:\n  - name: s\n    targets: [http://x]\n"
                                   << "services[0].targets[0]: expected a mapping";
    QTest::newRow("weight") << v + "services:\n  - name: s\n    targets: [{url: http://x, "
                                   "weight: heavy}]\n"
                            << "services[0].targets[0].weight: expected an integer";
    QTest::newRow("key_header map") << withMinimal("    key_header: {a: 1}\n")
                                    << "routes[0].key_header: expected a string";
    QTest::newRow("key_in_query") << withMinimal("    key_in_query: yes\n")
                                  << "routes[0].key_in_query: expected true or false";
    QTest::newRow("jwt_providers") << withMinimal("    jwt_providers: idp\n")
                                   << "routes[0].jwt_providers: expected a list";
    QTest::newRow("jwt_anonymous") << withMinimal("    jwt_anonymous: 1\n")
                                   << "routes[0].jwt_anonymous: expected true or false";
    QTest::newRow("allow_groups") << withMinimal("    allow_groups: {a: b}\n")
                                  << "routes[0].allow_groups: expected a list";
    QTest::newRow("deny_groups item") << withMinimal("    deny_groups: [[a]]\n")
                                      << "routes[0].deny_groups[0]: expected a string";
    QTest::newRow("allow_ips") << withMinimal("    allow_ips: 10.0.0.0/8\n")
                               << "routes[0].allow_ips: expected a list";
    QTest::newRow("deny_ips item") << withMinimal("    deny_ips: [10.0.0.1, {a: 1}]\n")
                                   << "routes[0].deny_ips[1]: expected a string";
    QTest::newRow("custom_id") << withMinimal("consumers:\n  - {name: c, custom_id: [1]}\n")
                               << "consumers[0].custom_id: expected a string";
    QTest::newRow("groups") << withMinimal("consumers:\n  - {name: c, groups: staff}\n")
                            << "consumers[0].groups: expected a list";
    QTest::newRow("rate_limit_headers") << v + "settings:\n  rate_limit_headers: [ietf]\n"
                                        << "settings.rate_limit_headers: expected a string";
    QTest::newRow("rate_limit_redis_timeout_ms")
        << v + "settings:\n  rate_limit_redis_timeout_ms: 0.5\n"
        << "settings.rate_limit_redis_timeout_ms: expected an integer";
    QTest::newRow("quota_timezone") << v + "settings:\n  quota_timezone: {utc: 0}\n"
                                    << "settings.quota_timezone: expected a string";
    QTest::newRow("tls_verify") << v + "services:\n  - {name: s, url: https://x, tls_verify: 1}\n"
                                << "services[0].tls_verify: expected true or false";
    QTest::newRow("ca_bundle") << v + "services:\n  - {name: s, url: https://x, ca_bundle: [a]}\n"
                               << "services[0].ca_bundle: expected a string";
    QTest::newRow("jwks_cache_min_s")
        << withMinimal("jwt_providers:\n  - {name: p, issuer: i, algorithms: [HS256], "
                       "secret: s, jwks_cache_min_s: \"60\"}\n")
        << "jwt_providers[0].jwks_cache_min_s: expected an integer";
    QTest::newRow("jwks_cache_max_s")
        << withMinimal("jwt_providers:\n  - {name: p, issuer: i, algorithms: [HS256], "
                       "secret: s, jwks_cache_max_s: 1.5}\n")
        << "jwt_providers[0].jwks_cache_max_s: expected an integer";
}

void TestDeclarativeFormat::typeErrors()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, error);
    QCOMPARE(onlyError(yaml), error);
}

void TestDeclarativeFormat::duplicateField()
{
    QCOMPARE(onlyError("format_version: 1\nsettings:\n  workers: 2\n  workers: 3\n"),
             QStringLiteral("settings.workers: duplicate field"));
}

void TestDeclarativeFormat::maskedValidation()
{
    // A field that failed to parse is not reported again by validation ("at least one path").
    QCOMPARE(onlyError("format_version: 1\nservices: [{name: s, url: http://x}]\n"
                       "routes: [{name: r, service: s, paths: /x}]\n"),
             QStringLiteral("routes[0].paths: expected a list"));
    QCOMPARE(onlyError("format_version: 1\nservices: [{name: s, url: http://x}]\n"
                       "routes: [{name: r, service: s, paths: [[/x]]}]\n"),
             QStringLiteral("routes[0].paths[0]: expected a string"));
}

void TestDeclarativeFormat::validationErrors()
{
    const ConfigLoadResult result = parseDeclarative(
        "format_version: 1\nsettings:\n  workers: 1000\n"
        "services: [{name: s, url: ftp://x}]\n"
        "routes:\n  - {name: a, paths: [/a], service: s}\n  - {name: b, paths: [/b], service: s}\n"
        "  - {name: c, paths: [/c], service: s}\n  - {name: d, paths: [\"~(\"], service: x}\n");
    const QStringList lines = errorLines(result);
    QCOMPARE(lines.size(), 4);
    QCOMPARE(lines[0], QStringLiteral("settings.workers: must be between 0 and 256"));
    QVERIFY2(lines[1].startsWith(QStringLiteral("services[0].targets[0].url: unsupported scheme")),
             qPrintable(lines[1]));
    QVERIFY2(lines[2].startsWith(QStringLiteral("routes[3].paths[0]: invalid regex: ")),
             qPrintable(lines[2]));
    QVERIFY2(lines[2].contains(QStringLiteral(" at offset ")), qPrintable(lines[2]));
    QCOMPARE(lines[3], QStringLiteral("routes[3].service: unknown service \"x\""));
}

void TestDeclarativeFormat::syntaxError()
{
    const ConfigLoadResult result =
        parseDeclarative("format_version: 1\nroutes:\n  - name: [a, b\n  - name: c\n");
    QCOMPARE(result.errors.size(), size_t(1));
    QVERIFY(result.errors.front().path.isEmpty());
    QVERIFY2(result.errors.front().message.startsWith(QStringLiteral("syntax error at line ")),
             qPrintable(result.errors.front().message));

    const ConfigLoadResult colon = parseDeclarative("format_version: 1\nsettings: a: b\n");
    QCOMPARE(colon.errors.size(), size_t(1));
    QVERIFY2(colon.errors.front().message.startsWith(
                 QStringLiteral("syntax error at line 2, column 12: ")),
             qPrintable(colon.errors.front().message));
}

void TestDeclarativeFormat::notAMapping()
{
    QCOMPARE(onlyError(""), QStringLiteral("empty document"));
    QCOMPARE(onlyError("# only a comment\n"), QStringLiteral("empty document"));
    QCOMPARE(onlyError("- 1\n- 2\n"), QStringLiteral("expected a mapping at the top level"));
    QCOMPARE(onlyError("42"), QStringLiteral("expected a mapping at the top level"));
}

void TestDeclarativeFormat::roundTrip()
{
    Config config;
    config.settings.listen = QStringLiteral("[::1]:0");
    config.settings.adminListen = QStringLiteral("0.0.0.0:9000");
    config.settings.adminToken = QStringLiteral("null");
    config.settings.workers = 7;
    config.settings.rateLimitStore = QStringLiteral("redis://cache.test:6380/1");
    config.settings.rateLimitHeaders = QStringLiteral("legacy");
    config.settings.rateLimitRedisDown = QStringLiteral("open");
    config.settings.rateLimitRedisTimeoutMs = 10'000;
    config.settings.quotaTimezone = QStringLiteral("America/Argentina/Buenos_Aires");
    config.settings.limits = {1000, 2000, Q_INT64_C(3000000000), 4000, 5000};
    config.settings.upstreamIdleTimeoutMs = 7000;
    config.settings.upstreamPoolSize = 8;
    config.settings.ejectAfterFailures = 9;
    config.settings.ejectDurationMs = 10000;
    config.settings.shutdownTimeoutMs = 11000;
    ServiceConfig a;
    a.name = QStringLiteral("123");
    a.targets = {{QStringLiteral("http://127.0.0.1:9001/base"), 0},
                 {QStringLiteral("http://[::1]:9443"), 1000}};
    a.connectTimeoutMs = 1;
    a.readTimeoutMs = 2;
    a.preserveHost = false;
    a.retries = 5;
    ServiceConfig b;
    b.name = QStringLiteral("true");
    b.targets = {{QStringLiteral("http://b.test"), 100}};
    config.services = {a, b};
    RouteConfig r1;
    r1.name = QStringLiteral("r1.v2_x-y");
    r1.paths = {QStringLiteral("/a,b"), QStringLiteral("=/x"),
                QStringLiteral("~^/v[0-9]{1,3}/(a|b)#?: x$"), QStringLiteral("/%2F")};
    r1.hosts = {QStringLiteral("*.example.test"), QStringLiteral("[::1]")};
    r1.methods = {QStringLiteral("GET"), QStringLiteral("M-SEARCH")};
    r1.stripPath = true;
    r1.service = QStringLiteral("123");
    r1.auth = {QStringLiteral("jwt"), QStringLiteral("key")};
    r1.maxBodyBytes = 0;
    r1.enabled = false;
    RouteConfig r2;
    r2.name = QStringLiteral("null");
    r2.paths = {QStringLiteral("/")};
    r2.service = QStringLiteral("true");
    config.routes = {r1, r2};

    const QByteArray yaml = toDeclarativeYaml(config);
    const ConfigLoadResult parsed = parseDeclarative(yaml);
    QVERIFY2(parsed.ok(), qPrintable(describe(parsed.errors) + "\n" + QString::fromUtf8(yaml)));
    compareConfigs(parsed.config, config);
    if (QTest::currentTestFailed())
        qWarning().noquote() << yaml;

    // yaml -> Config -> yaml is stable, and the default config round-trips too.
    QCOMPARE(toDeclarativeYaml(parsed.config), yaml);
    const ConfigLoadResult defaults = parseDeclarative(toDeclarativeYaml(Config()));
    QVERIFY2(defaults.ok(), qPrintable(describe(defaults.errors)));
    compareConfigs(defaults.config, Config());

    // The design example: parse, export, parse again.
    const ConfigLoadResult example = parseDeclarative(kDesignExample);
    const ConfigLoadResult again = parseDeclarative(toDeclarativeYaml(example.config));
    QVERIFY2(again.ok(), qPrintable(describe(again.errors)));
    compareConfigs(again.config, example.config);
}

void TestDeclarativeFormat::emitOrder()
{
    Config config;
    ServiceConfig s;
    s.name = QStringLiteral("s");
    s.targets = {{QStringLiteral("http://x"), 100}};
    config.services = {s};
    RouteConfig r;
    r.name = QStringLiteral("r");
    r.paths = {QStringLiteral("/")};
    r.service = QStringLiteral("s");
    config.routes = {r};
    ConsumerConfig c;
    c.name = QStringLiteral("c");
    config.consumers = {c};
    JwtProviderConfig p;
    p.name = QStringLiteral("p");
    config.jwtProviders = {p};
    const QByteArray yaml = toDeclarativeYaml(config);
    const char *const order[] = {
        "format_version:", "settings:", "listen:", "admin_listen:", "admin_token:", "workers:",
        "rate_limit_store:", "rate_limit_headers: ietf", "rate_limit_redis_down: local",
        "rate_limit_redis_timeout_ms: 200", "quota_timezone: UTC", "max_uri_bytes:",
        "max_header_bytes:", "max_body_bytes:",
        "header_timeout_ms:", "idle_timeout_ms:",
        "upstream_idle_timeout_ms:", "upstream_pool_size:", "eject_after_failures:",
        "eject_duration_ms:", "shutdown_timeout_ms:", "services:", "name:", "targets:", "url:",
        "weight:", "connect_timeout_ms:", "read_timeout_ms:", "preserve_host:", "retries:",
        "routes:", "name:", "paths:", "hosts:", "methods:", "strip_path:", "service:", "auth:",
        "key_header: X-API-Key", "key_in_query: false", "jwt_providers: []",
        "jwt_anonymous: false", "allow_groups: []", "deny_groups: []", "allow_ips: []",
        "deny_ips: []", "max_body_bytes:", "enabled:", "consumers:", "name: c", "plan:",
        "custom_id:", "groups: []", "keys:", "plans:", "jwt_providers:", "name: p", "issuer:",
        "clock_skew_s:", "jwks_cache_min_s: 60", "jwks_cache_max_s: 86400"};
    qsizetype from = 0;
    for (const char *key : order) {
        const qsizetype at = yaml.indexOf(key, from);
        QVERIFY2(at >= 0, qPrintable(QStringLiteral("%1 missing or out of order in:\n%2")
                                         .arg(QLatin1String(key), QString::fromUtf8(yaml))));
        from = at + 1;
    }
    QVERIFY(yaml.startsWith("format_version: 1\n"));
}

void TestDeclarativeFormat::files()
{
    const QString missing = QStringLiteral("/nonexistent/dir/portico.yaml");
    const ConfigLoadResult notFound = loadDeclarativeFile(missing);
    QCOMPARE(notFound.errors.size(), size_t(1));
    QVERIFY(notFound.errors.front().path.isEmpty());
    QVERIFY2(notFound.errors.front().message.contains(missing),
             qPrintable(notFound.errors.front().message));

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("portico.yaml"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(withMinimal());
    file.close();
    const ConfigLoadResult loaded = loadDeclarativeFile(path);
    QVERIFY2(loaded.ok(), qPrintable(describe(loaded.errors)));
    QCOMPARE(loaded.config.routes.size(), size_t(1));
}

QTEST_GUILESS_MAIN(TestDeclarativeFormat)
#include "tst_declarative_format.moc"

void TestDeclarativeFormat::keysAndConsumers()
{
    const QString hash = QStringLiteral("sha256:") + QString(64, u'a');
    const QByteArray stored = "    keys:\n"
                              "      - id: key_0123456789abcdef\n"
                              "        hash: " + hash.toUtf8() + "\n"
                              "        prefix: pk_AbC\n"
                              "        created: 2026-01-02T03:04:05Z\n"
                              "        expires: 2027-01-02T03:04:05+01:00\n"
                              "        revoked: 2026-06-01T00:00:00Z\n";
    const ConfigLoadResult ok = parseDeclarative(
        withMinimal("consumers:\n  - name: app\n" + stored));
    QVERIFY2(ok.ok(), qPrintable(describe(ok.errors)));
    const ApiKeyConfig &key = ok.config.consumers[0].keys[0];
    QCOMPARE(key.id, QStringLiteral("key_0123456789abcdef"));
    QCOMPARE(key.hash, hash);
    QCOMPARE(key.prefix, QStringLiteral("pk_AbC"));
    QCOMPARE(key.created, QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5), Qt::UTC));
    QCOMPARE(key.expires, QDateTime(QDate(2027, 1, 2), QTime(2, 4, 5), Qt::UTC));
    QVERIFY(key.revoked.isValid());

    QCOMPARE(onlyError(withMinimal("consumers:\n  - name: a\n    plan: gold\n")),
             QStringLiteral("consumers[0].plan: unknown plan \"gold\""));
    QCOMPARE(onlyError(withMinimal("consumers:\n  - name: a\n    keys: [{key: k1, hash: "
                                   + hash.toUtf8() + "}]\n")),
             QStringLiteral("consumers[0].keys[0]: give either key (plaintext) or "
                            "id/hash/prefix, not both"));
    QCOMPARE(onlyError(withMinimal("consumers:\n  - name: a\n    keys: [{prefix: x}]\n")),
             QStringLiteral("consumers[0].keys[0]: expected key (plaintext) or hash"));
    QCOMPARE(onlyError(withMinimal("consumers:\n  - name: a\n    keys: [{hash: md5:1}]\n")),
             QStringLiteral("consumers[0].keys[0].hash: expected sha256: and 64 lowercase hex "
                            "digits"));
    // One key may not belong to two consumers, whichever form it was given in.
    QCOMPARE(onlyError(withMinimal("consumers:\n  - name: a\n    keys: [{key: same-key}]\n"
                                   "  - name: b\n    keys: [{key: same-key}]\n")),
             QStringLiteral("consumers[1].keys[0].hash: the same key as consumers[0].keys[0].hash"));
    QCOMPARE(onlyError(withMinimal("consumers:\n  - name: a\n  - name: a\n")),
             QStringLiteral("consumers[1].name: duplicate name \"a\" (also consumers[0])"));
    QCOMPARE(onlyError(withMinimal("consumers:\n  - name: a\n    keys:\n      - key: k\n"
                                   "        expires: 2026-01-01T00:00:00\n")),
             QStringLiteral("consumers[0].keys[0].expires: expected a UTC time such as "
                            "2026-01-31T12:00:00Z"));
    QCOMPARE(onlyError(withMinimal("plans:\n  - name: p\n    limits: {second: -1}\n")),
             QStringLiteral("plans[0].limits.second: must be between 0 and 1000000000000"));
    QCOMPARE(onlyError(withMinimal("plans:\n  - name: p\n    limits: {weekly: 1}\n")),
             QStringLiteral("plans[0].limits.weekly: unknown field"));
}

void TestDeclarativeFormat::jwtProviders()
{
    const auto provider = [](const QByteArray &fields) {
        return withMinimal("jwt_providers:\n  - name: idp\n    issuer: https://idp.test\n"
                           + fields);
    };
    QVERIFY(parseDeclarative(provider("    algorithms: [HS256, HS512]\n    secret: s\n")).ok());
    QVERIFY(parseDeclarative(
                provider("    algorithms: [RS256, ES256]\n    jwks_url: https://idp.test/jwks\n"))
                .ok());
    QCOMPARE(onlyError(provider("    algorithms: [RS256]\n    secret: s\n")),
             QStringLiteral("jwt_providers[0].secret: public-key algorithms need public_key or "
                            "jwks_url"));
    QCOMPARE(onlyError(provider("    algorithms: [HS256, RS256]\n    secret: s\n")),
             QStringLiteral("jwt_providers[0].algorithms: HS* and public-key algorithms cannot "
                            "be mixed"));
    QVERIFY(onlyError(provider("    algorithms: [none]\n    secret: s\n"))
                .startsWith(QStringLiteral("jwt_providers[0].algorithms[0]: unsupported "
                                           "algorithm \"none\"")));
    QCOMPARE(onlyError(provider("    algorithms: [HS256]\n")),
             QStringLiteral("jwt_providers[0]: give exactly one of secret, public_key or "
                            "jwks_url"));
    QCOMPARE(onlyError(provider("    algorithms: [RS256]\n    public_key: abc\n")),
             QStringLiteral("jwt_providers[0].public_key: not a PEM public key (BEGIN PUBLIC "
                            "KEY) or certificate (BEGIN CERTIFICATE)"));
}

void TestDeclarativeFormat::fullRoundTripYamlAndJson()
{
    const ConfigLoadResult example = parseDeclarative(kDesignExample);
    QVERIFY2(example.ok(), qPrintable(describe(example.errors)));
    Config config = example.config;
    ConsumerConfig second;
    second.name = QStringLiteral("null");
    ApiKeyConfig key;
    key.hash = QStringLiteral("sha256:") + QString(64, u'b');
    key.id = QStringLiteral("key_bbbbbbbbbbbbbbbb");
    key.prefix = QStringLiteral("pk_x");
    key.created = QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC);
    key.expires = QDateTime(QDate(2026, 2, 1), QTime(0, 0), Qt::UTC);
    key.revoked = QDateTime(QDate(2026, 1, 15), QTime(12, 30, 1), Qt::UTC);
    second.keys = {key};
    config.consumers.push_back(second);
    config.jwtProviders[0].audiences.append(QStringLiteral("a \"quoted\"\tname"));

    // export -> import -> export gives the same bytes, in YAML and in JSON.
    const QByteArray yaml = toDeclarativeYaml(config);
    const ConfigLoadResult fromYaml = parseDeclarative(yaml);
    QVERIFY2(fromYaml.ok(), qPrintable(describe(fromYaml.errors)));
    QCOMPARE(toDeclarativeYaml(fromYaml.config), yaml);
    const QByteArray json = toDeclarativeJson(config);
    QVERIFY(json.startsWith("{\n  \"format_version\": 1,\n  \"settings\": {"));
    const ConfigLoadResult fromJson = parseDeclarative(json);
    QVERIFY2(fromJson.ok(), qPrintable(describe(fromJson.errors)));
    QCOMPARE(toDeclarativeJson(fromJson.config), json);
    QCOMPARE(toDeclarativeYaml(fromJson.config), yaml);
    QCOMPARE(fromJson.config.consumers[1].keys[0].revoked, key.revoked);
    QCOMPARE(fromJson.config.jwtProviders[0].audiences.last(),
             QStringLiteral("a \"quoted\"\tname"));
    // Standard JSON tools read it too.
    QJsonParseError error;
    QJsonDocument::fromJson(json, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
}

void TestDeclarativeFormat::serviceTls()
{
    const QByteArray pem = test::TestCertificate::selfSigned().certificatePem;
    QByteArray indented; // a YAML block scalar of the PEM text
    for (const QByteArray &line : pem.trimmed().split('\n'))
        indented += "      " + line + "\n";
    const QByteArray yaml = "format_version: 1\nservices:\n"
                            "  - name: secure\n    url: https://api.internal:8443\n"
                            "    tls_verify: false\n    tls_server_name: api.example.test\n"
                            "    ca_bundle: |\n"
        + indented
        + "  - name: plain\n    url: http://127.0.0.1:9000\n"
          "  - name: plain-with-name\n    url: http://127.0.0.1:9001\n"
          "    tls_server_name: later.example.test\n";
    const ConfigLoadResult parsed = parseDeclarative(yaml);
    QVERIFY2(parsed.ok(), qPrintable(describe(parsed.errors)));
    const ServiceConfig &secure = parsed.config.services[0];
    QCOMPARE(secure.tlsVerify, false);
    QCOMPARE(secure.caBundle.toLatin1(), pem);
    QCOMPARE(secure.tlsServerName, QStringLiteral("api.example.test"));
    QVERIFY(secure.clientCertificate.isEmpty());

    // An https:// service writes all four fields; an http:// one only those that are set.
    const QByteArray exported = toDeclarativeYaml(parsed.config);
    const qsizetype plainAt = exported.indexOf("name: plain\n");
    QVERIFY(plainAt > 0);
    const QByteArray secureText = exported.left(plainAt);
    const QByteArray plainText = exported.mid(plainAt);
    for (const char *field : {"tls_verify: false", "ca_bundle: ", "tls_server_name: api.example",
                              "client_certificate: "})
        QVERIFY2(secureText.contains(field), field);
    QCOMPARE(plainText.count("tls_"), 1); // plain-with-name's tls_server_name
    QVERIFY(!plainText.contains("ca_bundle") && !plainText.contains("client_certificate"));
    QVERIFY(plainText.contains("tls_server_name: later.example.test"));

    for (const bool json : {false, true}) {
        const QByteArray text =
            json ? toDeclarativeJson(parsed.config) : toDeclarativeYaml(parsed.config);
        const ConfigLoadResult again = parseDeclarative(text);
        QVERIFY2(again.ok(), qPrintable(describe(again.errors)));
        QVERIFY(again.config.services == parsed.config.services);
        QCOMPARE(json ? toDeclarativeJson(again.config) : toDeclarativeYaml(again.config), text);
    }

    // client_certificate is read, and must name one of the configuration's certificates.
    const ConfigLoadResult unknown = parseDeclarative(
        "format_version: 1\nservices:\n  - {name: s, url: https://x, client_certificate: "
        "gw}\n");
    QCOMPARE(unknown.config.services[0].clientCertificate, QStringLiteral("gw"));
    QCOMPARE(describe(unknown.errors),
             QStringLiteral("services[0].client_certificate: unknown certificate \"gw\" "
                            "(expected a name in certificates)"));
}

void TestDeclarativeFormat::parts()
{
    const PartLoadResult<RouteConfig> route =
        parseRoutePart(R"({"name": "r", "paths": ["/a"], "service": "s", "rate_limit": {"minute": 9}})");
    QVERIFY2(route.ok(), qPrintable(describe(route.errors)));
    QCOMPARE(route.value.name, QStringLiteral("r"));
    QCOMPARE(route.value.rateLimit.minute, 9);

    const PartLoadResult<RouteConfig> bad = parseRoutePart(R"({"name": "r", "pahts": ["/a"]})");
    QCOMPARE(describe(bad.errors), QStringLiteral("pahts: unknown field"));
    QCOMPARE(describe(parseServicePart("[1, 2]").errors), QStringLiteral("expected an object"));
    QVERIFY(describe(parseServicePart("{").errors).startsWith(QStringLiteral("syntax error")));
    const PartLoadResult<ConsumerConfig> consumer =
        parseConsumerPart(R"({"name": "c", "keys": [{"key": "abcdefghijkl"}]})");
    QVERIFY(consumer.ok());
    QCOMPARE(consumer.value.keys[0].prefix, QStringLiteral("abcd"));
    QCOMPARE(describe(parsePlanPart(R"({"limits": {"second": "x"}})").errors),
             QStringLiteral("limits.second: expected an integer"));

    // The Admin API's parts read the authentication fields too, with the same type checks.
    const PartLoadResult<RouteConfig> auth = parseRoutePart(
        R"({"name": "r", "paths": ["/a"], "service": "s", "auth": ["key", "jwt"],
            "key_header": "X-K", "key_in_query": true, "jwt_providers": ["p"],
            "jwt_anonymous": true, "allow_groups": ["a"], "deny_groups": ["b"],
            "allow_ips": ["10.0.0.0/8"], "deny_ips": ["::1"]})");
    QVERIFY2(auth.ok(), qPrintable(describe(auth.errors)));
    QCOMPARE(auth.value.keyHeader, QStringLiteral("X-K"));
    QVERIFY(auth.value.keyInQuery);
    QCOMPARE(auth.value.jwtProviders, QStringList{"p"});
    QVERIFY(auth.value.jwtAnonymous);
    QCOMPARE(auth.value.allowGroups, QStringList{"a"});
    QCOMPARE(auth.value.denyGroups, QStringList{"b"});
    QCOMPARE(auth.value.allowIps, QStringList{"10.0.0.0/8"});
    QCOMPARE(auth.value.denyIps, QStringList{"::1"});
    QCOMPARE(describe(parseRoutePart(R"({"key_in_query": "true"})").errors),
             QStringLiteral("key_in_query: expected true or false"));
    const PartLoadResult<ConsumerConfig> grouped =
        parseConsumerPart(R"({"name": "c", "custom_id": "ext-7", "groups": ["a", "b"]})");
    QVERIFY2(grouped.ok(), qPrintable(describe(grouped.errors)));
    QCOMPARE(grouped.value.customId, QStringLiteral("ext-7"));
    QCOMPARE(grouped.value.groups, (QStringList{"a", "b"}));
    QCOMPARE(describe(parseConsumerPart(R"({"groups": [1, [2]]})").errors),
             QStringLiteral("groups[1]: expected a string"));
    const PartLoadResult<JwtProviderConfig> provider =
        parseJwtProviderPart(R"({"name": "p", "jwks_cache_min_s": 5, "jwks_cache_max_s": 50})");
    QVERIFY2(provider.ok(), qPrintable(describe(provider.errors)));
    QCOMPARE(provider.value.jwksCacheMinS, 5);
    QCOMPARE(provider.value.jwksCacheMaxS, 50);
}

namespace {

// Every authentication and access field away from its default.
const char kAuthDocument[] = R"(format_version: 1
services:
  - name: s
    url: http://127.0.0.1:9001
routes:
  - name: keyed
    paths: [/k]
    service: s
    auth: [key, jwt]
    key_header: X-Orders-Key
    key_in_query: true
    jwt_providers: [idp-b, idp-a]
    jwt_anonymous: true
    allow_groups: [partners, staff]
    deny_groups: [suspended]
    allow_ips: [10.0.0.0/8, "2001:db8::/32", 192.168.1.7]
    deny_ips: ["::1", 10.0.0.1/8]
  - name: public
    paths: [/p]
    service: s
    allow_ips: ["127.0.0.1"]
consumers:
  - name: app
    custom_id: "ext 42: \"quoted\""
    groups: [partners, staff]
  - name: other
    custom_id: "12345"
    groups: []
jwt_providers:
  - name: idp-a
    issuer: https://a.test
    algorithms: [PS384, PS512]
    jwks_url: https://a.test/jwks
    jwks_cache_min_s: 1
    jwks_cache_max_s: 2592000
  - name: idp-b
    issuer: https://b.test
    algorithms: [ES512]
    jwks_url: https://b.test/jwks
    jwks_cache_min_s: 300
    jwks_cache_max_s: 300
)";

} // namespace

void TestDeclarativeFormat::authenticationFields()
{
    const ConfigLoadResult result = parseDeclarative(kAuthDocument);
    QVERIFY2(result.ok(), qPrintable(describe(result.errors)));
    QVERIFY2(result.warnings.isEmpty(), qPrintable(result.warnings.join(u'\n')));
    const RouteConfig &r = result.config.routes.at(0);
    QCOMPARE(r.keyHeader, QStringLiteral("X-Orders-Key"));
    QCOMPARE(r.keyInQuery, true);
    QCOMPARE(r.jwtProviders, (QStringList{"idp-b", "idp-a"}));
    QCOMPARE(r.jwtAnonymous, true);
    QCOMPARE(r.allowGroups, (QStringList{"partners", "staff"}));
    QCOMPARE(r.denyGroups, QStringList{"suspended"});
    QCOMPARE(r.allowIps, (QStringList{"10.0.0.0/8", "2001:db8::/32", "192.168.1.7"}));
    QCOMPARE(r.denyIps, (QStringList{"::1", "10.0.0.1/8"})); // as written, host bits and all
    QCOMPARE(result.config.routes.at(1).allowIps, QStringList{"127.0.0.1"});
    const ConsumerConfig &c = result.config.consumers.at(0);
    QCOMPARE(c.customId, QStringLiteral("ext 42: \"quoted\""));
    QCOMPARE(c.groups, (QStringList{"partners", "staff"}));
    QCOMPARE(result.config.consumers.at(1).customId, QStringLiteral("12345"));
    QCOMPARE(result.config.jwtProviders.at(0).jwksCacheMinS, 1);
    QCOMPARE(result.config.jwtProviders.at(0).jwksCacheMaxS, 2592000);
    QCOMPARE(result.config.jwtProviders.at(1).jwksCacheMinS, 300);

    // export -> import -> export: the same bytes and the same values, in YAML and in JSON.
    const QByteArray yaml = toDeclarativeYaml(result.config);
    QVERIFY(yaml.contains("    key_header: X-Orders-Key\n    key_in_query: true\n"
                          "    jwt_providers: [idp-b, idp-a]\n    jwt_anonymous: true\n"));
    const ConfigLoadResult fromYaml = parseDeclarative(yaml);
    QVERIFY2(fromYaml.ok(), qPrintable(describe(fromYaml.errors)));
    QVERIFY(fromYaml.config == result.config);
    QCOMPARE(toDeclarativeYaml(fromYaml.config), yaml);
    const QByteArray json = toDeclarativeJson(result.config);
    QVERIFY(json.contains("\"custom_id\": \"ext 42: \\\"quoted\\\"\""));
    const ConfigLoadResult fromJson = parseDeclarative(json);
    QVERIFY2(fromJson.ok(), qPrintable(describe(fromJson.errors)));
    QVERIFY(fromJson.config == result.config);
    QCOMPARE(toDeclarativeJson(fromJson.config), json);
    QCOMPARE(toDeclarativeYaml(fromJson.config), yaml);
}

void TestDeclarativeFormat::authenticationDefaults()
{
    // Absent or null: the defaults, and export writes them out.
    const ConfigLoadResult result = parseDeclarative(withMinimal(
        "    key_header: ~\n    allow_ips:\n"
        "consumers:\n  - {name: c, custom_id: null}\n"
        "jwt_providers:\n  - {name: p, issuer: i, algorithms: [HS256], secret: s}\n"));
    QVERIFY2(result.ok(), qPrintable(describe(result.errors)));
    const RouteConfig &r = result.config.routes.at(0);
    const RouteConfig defaults;
    QCOMPARE(r.keyHeader, QStringLiteral("X-API-Key"));
    QCOMPARE(r.keyInQuery, defaults.keyInQuery);
    QVERIFY(r.jwtProviders.isEmpty() && r.allowGroups.isEmpty() && r.denyGroups.isEmpty()
            && r.allowIps.isEmpty() && r.denyIps.isEmpty() && !r.jwtAnonymous);
    QVERIFY(result.config.consumers.at(0).customId.isEmpty());
    QVERIFY(result.config.consumers.at(0).groups.isEmpty());
    QCOMPARE(result.config.jwtProviders.at(0).jwksCacheMinS, 60);
    QCOMPARE(result.config.jwtProviders.at(0).jwksCacheMaxS, 86400);
    const QByteArray yaml = toDeclarativeYaml(result.config);
    QVERIFY(yaml.contains("    custom_id: \"\"\n    groups: []\n"));
    QVERIFY(yaml.contains("    allow_ips: []\n    deny_ips: []\n"));
    const ConfigLoadResult again = parseDeclarative(yaml);
    QVERIFY2(again.ok(), qPrintable(describe(again.errors)));
    QVERIFY(again.config == result.config);
}

void TestDeclarativeFormat::authenticationErrors()
{
    // Validation names the field in the file, as for every other field.
    const QByteArray keyed = "    auth: [key]\n";
    QCOMPARE(onlyError(withMinimal(keyed + "    key_header: Host\n")),
             QStringLiteral("routes[0].key_header: header \"Host\" is reserved (the gateway sets "
                            "it, or it frames the message)"));
    QCOMPARE(onlyError(withMinimal("    key_in_query: true\n")),
             QStringLiteral("routes[0].key_in_query: needs auth: [key]"));
    QCOMPARE(onlyError(withMinimal(keyed + "    jwt_anonymous: true\n")),
             QStringLiteral("routes[0].jwt_anonymous: needs auth: [jwt]"));
    QCOMPARE(onlyError(withMinimal("    auth: [jwt]\n    jwt_providers: [nope]\n")),
             QStringLiteral("routes[0].jwt_providers[0]: unknown jwt provider \"nope\""));
    QCOMPARE(onlyError(withMinimal("    allow_groups: [staff]\n")),
             QStringLiteral("routes[0].allow_groups: needs auth: groups belong to an "
                            "authenticated consumer"));
    QCOMPARE(onlyError(withMinimal("    deny_ips: [10.0.0.0/33]\n")),
             QStringLiteral("routes[0].deny_ips[0]: invalid prefix length \"33\" (expected "
                            "0-32)"));
    QCOMPARE(onlyError(withMinimal("consumers:\n  - {name: a, custom_id: x}\n"
                                   "  - {name: b, custom_id: x}\n")),
             QStringLiteral("consumers[1].custom_id: duplicate custom_id \"x\" (also "
                            "consumers[0])"));
    QCOMPARE(onlyError(withMinimal("consumers:\n  - {name: a, groups: [a, a]}\n")),
             QStringLiteral("consumers[0].groups[1]: duplicate group \"a\""));
    QCOMPARE(onlyError(withMinimal("jwt_providers:\n  - {name: p, issuer: i, algorithms: "
                                   "[HS256], secret: s, jwks_cache_min_s: 600, "
                                   "jwks_cache_max_s: 60}\n")),
             QStringLiteral("jwt_providers[0].jwks_cache_min_s: must not be above "
                            "jwks_cache_max_s (60)"));
    // A list item that failed to read is not judged again by validation.
    QCOMPARE(onlyError(withMinimal(keyed + "    allow_groups: [[x]]\n")),
             QStringLiteral("routes[0].allow_groups[0]: expected a string"));
}
