#include "TestCertificate.h"
#include "config/ApiKeys.h"
#include "config/ConfigValidator.h"
#include "config/DeclarativeFormat.h"
#include "config/foreign/ForeignNames.h"
#include "config/foreign/KongFormat.h"
#include "config/foreign/KongPaths.h"
#include "config/foreign/NginxExport.h"
#include "config/foreign/NginxText.h"
#include "config/foreign/OpenApiImport.h"
#include "routing/Router.h"

#include "TestCertificate.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <yaml-cpp/yaml.h>

using namespace portico;

namespace {

// PEM text as the lines of a YAML literal block at six spaces.
QByteArray indentedPem(const QByteArray &pem)
{
    QByteArray out;
    for (const QByteArray &line : pem.trimmed().split('\n'))
        out += "      " + line + "\n";
    return out;
}

} // namespace

namespace {

QByteArray readSample(const QString &name)
{
    const QString path = QFINDTESTDATA(QStringLiteral("../data/foreign/") + name);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read test data %s", qPrintable(name));
    return file.readAll();
}

Config loadSample(const QString &name)
{
    const ConfigLoadResult loaded = parseDeclarative(readSample(name));
    if (!loaded.ok())
        qFatal("invalid sample %s: %s", qPrintable(name),
               qPrintable(loaded.errors.front().toString()));
    return loaded.config;
}

QString describe(const ConfigErrors &errors)
{
    QStringList lines;
    for (const ConfigError &e : errors)
        lines.append(e.toString());
    return lines.join(QStringLiteral("; "));
}

// True when some line of `lines` contains every one of `parts`.
bool hasLine(const QStringList &lines, const QStringList &parts)
{
    return std::any_of(lines.cbegin(), lines.cend(), [&](const QString &line) {
        return std::all_of(parts.cbegin(), parts.cend(),
                           [&](const QString &part) { return line.contains(part); });
    });
}

#define QVERIFY_LINE(lines, ...) \
    QVERIFY2(hasLine(lines, {__VA_ARGS__}), qPrintable((lines).join(QLatin1Char('\n'))))

const RouteConfig *findRoute(const Config &config, const QString &name)
{
    for (const RouteConfig &r : config.routes) {
        if (r.name == name)
            return &r;
    }
    return nullptr;
}

const ServiceConfig *findService(const Config &config, const QString &name)
{
    for (const ServiceConfig &s : config.services) {
        if (s.name == name)
            return &s;
    }
    return nullptr;
}

QStringList routeNames(const Config &config)
{
    QStringList names;
    for (const RouteConfig &r : config.routes)
        names.append(r.name);
    return names;
}

QString text(const YAML::Node &node)
{
    return QString::fromStdString(node.as<std::string>());
}

YAML::Node findNamed(const YAML::Node &list, const char *key, const QString &value)
{
    for (const YAML::Node &item : list) {
        if (item[key] && text(item[key]) == value)
            return item;
    }
    return YAML::Node(YAML::NodeType::Undefined);
}

// The location matches of each server block, keyed by its server_name line.
QMap<QString, QStringList> nginxServers(const QByteArray &conf)
{
    QMap<QString, QStringList> servers;
    QString current;
    static const QRegularExpression serverName(QStringLiteral("^    server_name (.*);$"));
    static const QRegularExpression location(QStringLiteral("^    location (.*) \\{$"));
    for (const QByteArray &line : conf.split('\n')) {
        const QString l = QString::fromUtf8(line);
        if (const auto m = serverName.match(l); m.hasMatch())
            current = m.captured(1);
        else if (const auto m = location.match(l); m.hasMatch())
            servers[current].append(m.captured(1));
    }
    return servers;
}

// The text of the first block that opens with `header` ("location = /healthz").
QString nginxBlock(const QByteArray &conf, const QString &header)
{
    const QString all = QString::fromUtf8(conf);
    const qsizetype from = all.indexOf(header + QStringLiteral(" {"));
    if (from < 0)
        return {};
    int depth = 0; // counted after the header, whose regex may hold braces
    for (qsizetype i = from + header.size(); i < all.size(); ++i) {
        if (all[i] == u'{')
            ++depth;
        else if (all[i] == u'}' && --depth == 0)
            return all.mid(from, i - from + 1);
    }
    return {};
}

bool bracesBalance(const QByteArray &conf)
{
    int depth = 0;
    for (char c : conf) {
        depth += c == '{' ? 1 : c == '}' ? -1 : 0;
        if (depth < 0)
            return false;
    }
    return depth == 0;
}

} // namespace

class TestForeignFormats : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void names();
    void kongPaths_data();
    void kongPaths();
    void kongRegexSemantics_data();
    void kongRegexSemantics();
    void kongExport();
    void kongImport();
    void kongImportJson();
    void kongImportErrors();
    void kongRoundTrip();
    void kongImportAccess();
    void kongRateLimitSettings();
    void kongCertificates();
    void nginxExport();
    void nginxRateLimits();
    void nginxEdgeCases();
    void nginxExportFiles();
    void upstreamTls();
    void openApiImport();
    void openApiJoinsService();
    void openApiErrors();
};

void TestForeignFormats::names()
{
    QCOMPARE(sanitizeName(QStringLiteral("search service")), QStringLiteral("search-service"));
    QCOMPARE(sanitizeName(QStringLiteral("get /pets/{id}")), QStringLiteral("get-pets-id"));
    QCOMPARE(sanitizeName(QStringLiteral("ok_name.1-2")), QStringLiteral("ok_name.1-2"));
    QCOMPARE(sanitizeName(QStringLiteral("-")), QStringLiteral("-"));
    QCOMPARE(sanitizeName(QStringLiteral("//")), QString());
    QCOMPARE(sanitizeName(QString(200, u'a')).size(), 128);
    QVERIFY(checkName(sanitizeName(QStringLiteral("çafé: bar"))).isEmpty());
    QSet<QString> taken = {QStringLiteral("a"), QStringLiteral("a-2")};
    QCOMPARE(uniqueName(QStringLiteral("a"), taken), QStringLiteral("a-3"));
    QCOMPARE(uniqueName(QStringLiteral("b"), taken), QStringLiteral("b"));
    QVERIFY(taken.contains(QStringLiteral("a-3")));
    QCOMPARE(escapeRegexLiteral(QStringLiteral("/a.b(c)$")), QStringLiteral("/a\\.b\\(c\\)\\$"));
    QCOMPARE(regexLiteral(QStringLiteral("/a\\.b")), QStringLiteral("/a.b"));
    QCOMPARE(regexLiteral(QStringLiteral("/a\\d")), QString());
}

void TestForeignFormats::kongPaths_data()
{
    QTest::addColumn<QString>("portico");
    QTest::addColumn<QString>("kong");
    QTest::newRow("prefix") << "/users"
                            << "/users";
    QTest::newRow("prefix slash") << "/users/"
                                  << "/users/";
    QTest::newRow("root") << "/"
                          << "/";
    QTest::newRow("exact") << "=/users/me"
                           << "~/users/me$";
    QTest::newRow("exact escaped") << "=/a.b(c)"
                                   << "~/a\\.b\\(c\\)$";
    QTest::newRow("anchored regex") << "~^/x/[0-9]+$"
                                    << "~/x/[0-9]+$";
    QTest::newRow("unanchored regex") << "~/v[0-9]+"
                                      << "~.*(?:/v[0-9]+)";
    QTest::newRow("alternation") << "~^/a|/b"
                                 << "~/a|/b";
}

void TestForeignFormats::kongPaths()
{
    QFETCH(QString, portico);
    QFETCH(QString, kong);
    QCOMPARE(porticoToKongPath(portico), kong);
    QCOMPARE(kongToPorticoPath(kong), portico);
    // Kong-native spellings read back as the Portico form that means the same.
    QCOMPARE(kongToPorticoPath(QStringLiteral("~/healthz$")), QStringLiteral("=/healthz"));
    QCOMPARE(kongToPorticoPath(QStringLiteral("~/orders/\\d+$")),
             QStringLiteral("~^/orders/\\d+$"));
    QCOMPARE(kongToPorticoPath(QStringLiteral("~^/a")), QStringLiteral("~^/a"));
}

// A Portico regex and its Kong form (which Kong anchors with "^") match the same paths.
void TestForeignFormats::kongRegexSemantics_data()
{
    QTest::addColumn<QString>("portico");
    QTest::newRow("unanchored") << "~/v[0-9]+";
    QTest::newRow("anchored") << "~^/orders/[0-9]+$";
    QTest::newRow("alternation") << "~^/a|/b";
    QTest::newRow("exact") << "=/a.b";
}

void TestForeignFormats::kongRegexSemantics()
{
    QFETCH(QString, portico);
    const QString kong = porticoToKongPath(portico);
    QVERIFY(kong.startsWith(u'~'));
    const QRegularExpression kongRe(QStringLiteral("^") + kong.sliced(1));
    const QRegularExpression porticoRe(portico.startsWith(u'=') ? QStringLiteral("^")
                                               + QRegularExpression::escape(portico.sliced(1))
                                               + QStringLiteral("$")
                                                                : portico.sliced(1));
    const QStringList samples = {"/v1",  "/api/v2/x", "/orders/42", "/orders/42/x", "/a",
                                 "/x/b", "/b",        "/a.b",       "/axb",         "/a.b/"};
    for (const QString &path : samples)
        QVERIFY2(kongRe.match(path).hasMatch() == porticoRe.match(path).hasMatch(),
                 qPrintable(path));
}

void TestForeignFormats::kongExport()
{
    const Config config = loadSample(QStringLiteral("portico.yaml"));
    const ForeignExport exported = exportKong(config);
    QVERIFY(exported.text.startsWith("_format_version: \"3.0\"\n"));
    QCOMPARE(exportKong(config).text, exported.text); // deterministic

    const YAML::Node root = YAML::Load(exported.text.toStdString());
    QCOMPARE(text(root["_format_version"]), QStringLiteral("3.0"));
    QCOMPARE(root["services"].size(), size_t(2));

    // Weighted targets: an upstream the service's host names.
    const YAML::Node orders = findNamed(root["services"], "name", QStringLiteral("orders"));
    QVERIFY(orders.IsDefined());
    QCOMPARE(text(orders["host"]), QStringLiteral("orders.upstream"));
    QCOMPARE(orders["connect_timeout"].as<int>(), 1000);
    QCOMPARE(orders["read_timeout"].as<int>(), 15000);
    QCOMPARE(orders["retries"].as<int>(), 2);
    const YAML::Node upstream =
        findNamed(root["upstreams"], "name", QStringLiteral("orders.upstream"));
    QVERIFY(upstream.IsDefined());
    QCOMPARE(upstream["targets"].size(), size_t(3));
    QCOMPARE(text(upstream["targets"][0]["target"]), QStringLiteral("127.0.0.1:9001"));
    QCOMPARE(upstream["targets"][0]["weight"].as<int>(), 90);
    QCOMPARE(upstream["targets"][1]["weight"].as<int>(), 10);
    QCOMPARE(upstream["targets"][2]["weight"].as<int>(), 0);

    // One target: host, port and path on the service itself.
    const YAML::Node accounts = findNamed(root["services"], "name", QStringLiteral("accounts"));
    QCOMPARE(text(accounts["host"]), QStringLiteral("127.0.0.1"));
    QCOMPARE(accounts["port"].as<int>(), 9003);
    QCOMPARE(text(accounts["path"]), QStringLiteral("/api"));

    const YAML::Node ordersRoute = findNamed(orders["routes"], "name", QStringLiteral("orders"));
    QCOMPARE(text(ordersRoute["paths"][0]), QStringLiteral("/orders"));
    QCOMPARE(ordersRoute["methods"].size(), size_t(3));
    QCOMPARE(ordersRoute["strip_path"].as<bool>(), false);
    QCOMPARE(ordersRoute["preserve_host"].as<bool>(), true);
    const YAML::Node keyAuth =
        findNamed(ordersRoute["plugins"], "name", QStringLiteral("key-auth"));
    QCOMPARE(keyAuth["config"]["key_names"].size(), size_t(1));
    QCOMPARE(text(keyAuth["config"]["key_names"][0]), QStringLiteral("X-Orders-Key"));
    QCOMPARE(keyAuth["config"]["key_in_query"].as<bool>(), true);
    QCOMPARE(keyAuth["config"]["hide_credentials"].as<bool>(), true);
    const YAML::Node ordersAcl = findNamed(ordersRoute["plugins"], "name", QStringLiteral("acl"));
    QCOMPARE(ordersAcl["config"]["allow"].size(), size_t(2));
    QCOMPARE(text(ordersAcl["config"]["allow"][1]), QStringLiteral("staff"));
    QVERIFY(!ordersAcl["config"]["deny"]);
    QCOMPARE(ordersAcl["config"]["hide_groups_header"].as<bool>(), true);
    const YAML::Node limit =
        findNamed(ordersRoute["plugins"], "name", QStringLiteral("rate-limiting"));
    QCOMPARE(limit["config"]["minute"].as<int>(), 120);
    QCOMPARE(limit["config"]["hour"].as<int>(), 5000);
    QVERIFY(!limit["config"]["second"]);
    QCOMPARE(text(limit["config"]["limit_by"]), QStringLiteral("consumer"));
    QCOMPARE(text(limit["config"]["policy"]), QStringLiteral("redis"));
    QCOMPARE(limit["config"]["redis_database"].as<int>(), 2);
    QCOMPARE(limit["config"]["redis_timeout"].as<int>(), 500);
    QCOMPARE(limit["config"]["fault_tolerant"].as<bool>(), false); // rate_limit_redis_down
    QCOMPARE(limit["config"]["hide_client_headers"].as<bool>(), true); // rate_limit_headers

    const YAML::Node cancel = findNamed(orders["routes"], "name", QStringLiteral("order-cancel"));
    QCOMPARE(text(cancel["paths"][0]), QStringLiteral("~/orders/[0-9]+/cancel$"));
    QVERIFY(findNamed(cancel["plugins"], "name", QStringLiteral("jwt")).IsDefined());
    QCOMPARE(findNamed(cancel["plugins"], "name", QStringLiteral("key-auth"))["config"]
                 ["key_in_query"]
                     .as<bool>(),
             false);
    const YAML::Node cancelAcl = findNamed(cancel["plugins"], "name", QStringLiteral("acl"));
    QCOMPARE(text(cancelAcl["config"]["deny"][0]), QStringLiteral("suspended"));
    QVERIFY(!cancelAcl["config"]["allow"]);
    const YAML::Node search = findNamed(orders["routes"], "name", QStringLiteral("order-search"));
    QCOMPARE(text(search["paths"][0]), QStringLiteral("~.*(?:/search/[a-z]+)"));
    // Exact before regexes, regexes in config order.
    QVERIFY(cancel["regex_priority"].as<int>() > search["regex_priority"].as<int>());
    const YAML::Node health = findNamed(accounts["routes"], "name", QStringLiteral("health"));
    QCOMPARE(text(health["paths"][0]), QStringLiteral("~/healthz$"));
    QCOMPARE(health["strip_path"].as<bool>(), true);
    QVERIFY(health["regex_priority"].as<int>() > cancel["regex_priority"].as<int>());
    const YAML::Node ips = findNamed(health["plugins"], "name", QStringLiteral("ip-restriction"));
    QCOMPARE(ips["config"]["allow"].size(), size_t(2));
    QCOMPARE(text(ips["config"]["allow"][1]), QStringLiteral("2001:db8::/32"));
    QCOMPARE(text(ips["config"]["deny"][0]), QStringLiteral("10.0.0.13"));
    const YAML::Node v1 = findNamed(accounts["routes"], "name", QStringLiteral("accounts-v1"));
    QCOMPARE(text(v1["hosts"][1]), QStringLiteral("*.example.test"));
    const YAML::Node size =
        findNamed(v1["plugins"], "name", QStringLiteral("request-size-limiting"));
    QCOMPARE(size["config"]["allowed_payload_size"].as<int>(), 65536);
    QCOMPARE(text(size["config"]["size_unit"]), QStringLiteral("bytes"));
    QVERIFY(!exported.text.contains("accounts-beta")); // disabled: left out, reported

    // Plans: one rate-limiting plugin per consumer, tagged with the plan.
    QCOMPARE(root["consumers"].size(), size_t(3));
    const YAML::Node mobile =
        findNamed(root["consumers"], "username", QStringLiteral("mobile-app"));
    const YAML::Node plan = mobile["plugins"][0];
    QCOMPARE(text(plan["name"]), QStringLiteral("rate-limiting"));
    QCOMPARE(plan["config"]["second"].as<int>(), 5);
    QCOMPARE(plan["config"]["day"].as<int>(), 10000);
    QCOMPARE(text(plan["tags"][0]), QStringLiteral("portico-plan:free"));
    QVERIFY(!mobile["custom_id"]);
    QCOMPARE(text(mobile["acls"][0]["group"]), QStringLiteral("staff"));
    const YAML::Node partner =
        findNamed(root["consumers"], "username", QStringLiteral("partner"));
    QCOMPARE(text(partner["custom_id"]), QStringLiteral("partner-42"));
    QCOMPARE(partner["acls"].size(), size_t(1));
    QCOMPARE(text(partner["acls"][0]["group"]), QStringLiteral("partners"));
    QVERIFY(!findNamed(root["consumers"], "username", QStringLiteral("internal"))["acls"]);
    QVERIFY(!findNamed(root["consumers"], "username", QStringLiteral("internal"))["plugins"]);
    const YAML::Node global =
        findNamed(root["plugins"], "name", QStringLiteral("request-size-limiting"));
    QCOMPARE(global["config"]["allowed_payload_size"].as<int>(), 1048576);

    // Keys cannot go: neither hashes nor plaintext appear; the report says why, per consumer.
    QVERIFY(!exported.text.contains("sha256:"));
    QVERIFY(!exported.text.contains("portico-mobile-key"));
    QVERIFY(!exported.text.contains("keyauth_credentials"));
    const QStringList &lost = exported.report.notCarried;
    QVERIFY_LINE(lost, "consumers[1] (partner)", "2 API key(s) not carried", "plaintext");
    QVERIFY_LINE(lost, "routes[6] (accounts-beta)", "disabled");
    QVERIFY_LINE(lost, "routes[1] (order-cancel)", "auth [key, jwt]");
    QVERIFY_LINE(lost, "jwt_providers[0] (local-idp)", "jwt_secret");
    QVERIFY_LINE(lost, "plans[2] (unused)", "no consumer");
    QVERIFY_LINE(lost, "settings.listen (127.0.0.1:8080)", "proxy_listen");
    QVERIFY_LINE(lost, "consumer's plugin takes precedence");
    QVERIFY_LINE(lost, "settings.quota_timezone (Europe/Berlin)", "midnight UTC");
    QVERIFY(!hasLine(lost, {"settings.rate_limit_headers"})); // none is carried
    QVERIFY_LINE(lost, "routes[1] (order-cancel)", "jwt_providers [local-idp] not carried");
    QVERIFY_LINE(lost, "routes[1] (order-cancel)", "jwt_anonymous not carried");
    QVERIFY_LINE(lost, "routes[4] (accounts-v1)", "deny_groups [suspended] not carried",
                 "allow or deny");
    const QStringList &notes = exported.report.notes;
    QVERIFY_LINE(notes, "Authorization: Bearer", "(2 routes with auth key)");
    QVERIFY_LINE(notes, "routes[0] (orders)", "query parameter X-Orders-Key", "apikey");
    QVERIFY_LINE(notes, "not bounded by segments", "(1 prefix paths)");
    QVERIFY_LINE(notes, "routes[2] (order-search)", "\"~/search/[a-z]+\"",
                 "\"~.*(?:/search/[a-z]+)\"");
    QCOMPARE(notes.filter(QStringLiteral("not bounded by segments")).size(), 1);
}

void TestForeignFormats::kongImport()
{
    const ForeignImport imported = importKong(readSample(QStringLiteral("kong.yaml")));
    QVERIFY2(imported.ok(), qPrintable(describe(imported.errors)));
    const Config &config = imported.config;
    QVERIFY(validateConfig(config).empty());

    QCOMPARE(config.services.size(), size_t(4));
    const ServiceConfig *orders = findService(config, QStringLiteral("orders"));
    QVERIFY(orders);
    QCOMPARE(orders->targets.size(), size_t(3));
    QCOMPARE(orders->targets[0].url, QStringLiteral("http://10.0.0.11:8080/api"));
    QCOMPARE(orders->targets[0].weight, 90);
    QCOMPARE(orders->targets[1].weight, 10);
    QCOMPARE(orders->targets[2].url, QStringLiteral("http://10.0.0.13:8000/api")); // Kong's port
    QCOMPARE(orders->targets[2].weight, 0);
    QCOMPARE(orders->connectTimeoutMs, 1000);
    QCOMPARE(orders->readTimeoutMs, 15000);
    QCOMPARE(orders->retries, 2);
    QCOMPARE(orders->preserveHost, true);
    const ServiceConfig *accounts = findService(config, QStringLiteral("accounts"));
    QCOMPARE(accounts->targets.size(), size_t(1));
    QCOMPARE(accounts->targets[0].url, QStringLiteral("http://127.0.0.1:9003/v2"));
    QCOMPARE(accounts->connectTimeoutMs, 60000); // Kong's defaults
    QCOMPARE(accounts->retries, 5);
    QCOMPARE(accounts->preserveHost, false);
    QVERIFY(findService(config, QStringLiteral("search-service")));
    const ServiceConfig *billing = findService(config, QStringLiteral("billing"));
    QVERIFY(billing);
    QCOMPARE(billing->targets.size(), size_t(1));
    QCOMPARE(billing->targets[0].url, QStringLiteral("https://10.0.0.21:8443"));
    QCOMPARE(billing->tlsVerify, true); // Portico's default, noted below

    QCOMPARE(routeNames(config),
             QStringList({"orders", "order-by-id", "orders-route-3", "accounts", "health",
                          "invoices", "search-v1"}));
    const RouteConfig *ordersRoute = findRoute(config, QStringLiteral("orders"));
    QCOMPARE(ordersRoute->paths, QStringList{QStringLiteral("/orders")});
    QCOMPARE(ordersRoute->methods, QStringList({"GET", "POST"}));
    QCOMPARE(ordersRoute->auth, QStringList{QStringLiteral("key")}); // service-wide key-auth
    QCOMPARE(ordersRoute->keyHeader, QStringLiteral("X-API-Key"));
    QCOMPARE(ordersRoute->keyInQuery, true); // Kong's default
    QCOMPARE(ordersRoute->allowGroups, QStringList{QStringLiteral("partners")});
    QVERIFY(ordersRoute->denyGroups.isEmpty());
    QCOMPARE(ordersRoute->rateLimit.minute, 120);
    QCOMPARE(ordersRoute->rateLimit.hour, 5000);
    QCOMPARE(ordersRoute->stripPath, false);
    QCOMPARE(findRoute(config, QStringLiteral("order-by-id"))->paths,
             QStringList{QStringLiteral("~^/orders/\\d+$")});
    QCOMPARE(findRoute(config, QStringLiteral("orders-route-3"))->stripPath, true);
    QCOMPARE(findRoute(config, QStringLiteral("orders-route-3"))->auth,
             QStringList{QStringLiteral("key")});
    const RouteConfig *accountsRoute = findRoute(config, QStringLiteral("accounts"));
    QCOMPARE(accountsRoute->hosts, QStringList({"accounts.example.test", "*.example.test"}));
    QCOMPARE(accountsRoute->stripPath, true); // Kong's default
    QCOMPARE(accountsRoute->maxBodyBytes, 64 * 1024);
    QCOMPARE(accountsRoute->auth, QStringList{QStringLiteral("jwt")});
    QCOMPARE(accountsRoute->allowIps, (QStringList{"10.0.0.0/8", "2001:db8::/32"}));
    QCOMPARE(accountsRoute->denyIps, QStringList{QStringLiteral("10.0.0.13")});
    QVERIFY(findRoute(config, QStringLiteral("health"))->allowIps.isEmpty());
    QCOMPARE(findRoute(config, QStringLiteral("health"))->paths,
             QStringList{QStringLiteral("=/healthz")});
    QVERIFY(findRoute(config, QStringLiteral("search-v1"))->auth.isEmpty());
    QCOMPARE(config.settings.limits.maxBodyBytes, 8 * 1024 * 1024);

    // Keys: hashed on the way in, with the id and prefix derived like Portico's own.
    QCOMPARE(config.consumers.size(), size_t(3));
    const ConsumerConfig &mobile = config.consumers[0];
    QCOMPARE(mobile.name, QStringLiteral("mobile-app"));
    QCOMPARE(mobile.keys.size(), size_t(2));
    QCOMPARE(mobile.keys[0].hash, hashApiKey(u"mobile-secret-key-0001"));
    QCOMPARE(mobile.keys[0].id, apiKeyIdFromHash(mobile.keys[0].hash));
    QCOMPARE(mobile.keys[0].prefix, apiKeyDisplayPrefix(u"mobile-secret-key-0001"));
    QCOMPARE(mobile.keys[0].created.time().msec(), 0);
    QCOMPARE(mobile.keys[0].created.timeSpec(), Qt::UTC);
    QVERIFY(!mobile.keys[0].expires.isValid());
    QCOMPARE(mobile.keys[1].created.secsTo(mobile.keys[1].expires), 86400);

    // Consumer limits: one generated plan per distinct set of limits.
    QCOMPARE(config.plans.size(), size_t(1));
    QCOMPARE(config.plans[0].limits.second, 5);
    QCOMPARE(config.plans[0].limits.minute, 100);
    QCOMPARE(config.plans[0].limits.day, 10000);
    QCOMPARE(mobile.plan, config.plans[0].name);
    QCOMPARE(config.consumers[1].plan, config.plans[0].name);
    QVERIFY(config.consumers[2].plan.isEmpty());
    // custom_id and acls groups are carried.
    QCOMPARE(config.consumers[1].customId, QStringLiteral("partner-42"));
    QCOMPARE(config.consumers[1].groups, QStringList{QStringLiteral("partners")});
    QVERIFY(config.consumers[0].customId.isEmpty() && config.consumers[0].groups.isEmpty());

    // The plaintext is nowhere: not in the model's export, not in the report.
    const QByteArray yaml = toDeclarativeYaml(config) + toDeclarativeJson(config);
    QVERIFY(!yaml.contains("secret-key"));
    const QString report = (imported.report.notCarried + imported.report.notes).join(u'\n');
    QVERIFY(!report.contains(QStringLiteral("secret-key")));

    const QStringList &lost = imported.report.notCarried;
    QVERIFY(!hasLine(lost, {"services[2] (billing)"}));
    QVERIFY_LINE(imported.report.notes, "services[2] (billing)", "tls_verify not set",
                 "tls_verify false");
    QVERIFY_LINE(lost, "services[1].routes[0].plugins[1] (cors)", "not carried");
    QVERIFY_LINE(lost, "plugins[0] (prometheus)", "(global)");
    QVERIFY_LINE(lost, "services[1].routes[0] (accounts)", "\"example.*\"");
    QVERIFY(!hasLine(lost, {"consumers[1] (partner)"}));
    QVERIFY_LINE(lost, "tags", "1 entities");
    QVERIFY_LINE(lost, "auth jwt", "jwt_providers");
    const QStringList &notes = imported.report.notes;
    QVERIFY_LINE(notes, "services[0].routes[2]", "no name", "\"orders-route-3\"");
    QVERIFY_LINE(notes, "services[3] (search service)", "\"search-service\"");
    QVERIFY_LINE(notes, "services[3].routes[0] (search v1)", "\"search-v1\"");
    QVERIFY_LINE(notes, "consumers[0] (mobile-app)", "plan");
    QVERIFY_LINE(notes, "segment boundaries");
    QVERIFY_LINE(notes, "services[0].plugins[0] (key-auth) on service orders",
                 "hide_credentials false");
    QVERIFY_LINE(notes, "services[0].routes[0].plugins[1] (acl)", "X-Consumer-Groups");
    QVERIFY_LINE(notes, "services[0].plugins[0] (key-auth)", "query parameter X-API-Key");
}

void TestForeignFormats::kongImportJson()
{
    const ForeignImport imported = importKong(readSample(QStringLiteral("kong.json")));
    QVERIFY2(imported.ok(), qPrintable(describe(imported.errors)));
    const RouteConfig *route = findRoute(imported.config, QStringLiteral("catalog-items"));
    QVERIFY(route);
    QCOMPARE(route->paths, QStringList({"/items", "~^/items/[0-9]+/reviews$"}));
    QCOMPARE(route->auth, QStringList{QStringLiteral("key")}); // global key-auth
    QCOMPARE(route->rateLimit.second, 10);
    QCOMPARE(imported.config.services[0].retries, 1);
    QCOMPARE(imported.config.consumers[0].keys[0].hash, hashApiKey(u"json-secret-key-0001"));
    QVERIFY_LINE(imported.report.notCarried, "year limit 1000000");
    QCOMPARE(route->keyHeader, QStringLiteral("apikey")); // key_names [apikey]
    QCOMPARE(route->keyInQuery, true);
    QVERIFY(!hasLine(imported.report.notCarried, {"key_names"}));
    QVERIFY(!hasLine(imported.report.notes, {"query parameter"})); // apikey, as in Portico
    QVERIFY_LINE(imported.report.notes, "settings.max_body_bytes", "10485760");
}

void TestForeignFormats::kongImportErrors()
{
    const auto errorsOf = [](const QByteArray &yaml) {
        const ForeignImport imported = importKong(yaml);
        QStringList lines;
        for (const ConfigError &e : imported.errors)
            lines.append(e.toString());
        return lines;
    };
    QVERIFY_LINE(errorsOf("services: [\n"), "syntax error at line");
    QVERIFY_LINE(errorsOf("- a\n"), "expected a mapping at the top level");

    // Validation errors name the place in the decK file, not in the Portico model.
    const QByteArray nested = "_format_version: \"3.0\"\n"
                              "services:\n"
                              "  - name: a\n"
                              "    url: http://127.0.0.1:9001\n"
                              "    routes:\n"
                              "      - name: r\n"
                              "        paths: [users]\n"
                              "        hosts: [\"example.*\", \"bad host\"]\n";
    QVERIFY_LINE(errorsOf(nested), "services[0].routes[0].paths[0]: must start with");
    QVERIFY_LINE(errorsOf(nested), "services[0].routes[0].hosts[1]: invalid host name");

    QVERIFY_LINE(errorsOf("services:\n  - name: a\n    url: http://127.0.0.1:9001\n"
                          "    routes:\n      - {name: r, paths: [/a], strip_path: yes}\n"),
                 "services[0].routes[0].strip_path: expected true or false");
    QVERIFY_LINE(errorsOf("services:\n  - {name: a, url: http://127.0.0.1:9001}\n"
                          "routes:\n  - {name: r, paths: [/a], service: b}\n"),
                 "routes[0].service: unknown service \"b\"");
    QVERIFY_LINE(errorsOf("services:\n  - {name: a, url: http://127.0.0.1:9001, "
                          "connect_timeout: soon}\n"),
                 "services[0].connect_timeout: expected an integer");
    QVERIFY_LINE(errorsOf("upstreams:\n  - name: up\n    targets: [{target: \"bad host:80\"}]\n"
                          "services:\n  - {name: a, host: up}\n"),
                 "upstreams[0].targets[0].url");
    // The same key on two consumers: named by where the second one is.
    QVERIFY_LINE(errorsOf("consumers:\n"
                          "  - {username: a, keyauth_credentials: [{key: same-key-0001}]}\n"
                          "  - {username: b, keyauth_credentials: [{key: same-key-0001}]}\n"),
                 "consumers[1].keyauth_credentials[0].hash: the same key as");
}

void TestForeignFormats::kongRoundTrip()
{
    const Config original = loadSample(QStringLiteral("portico.yaml"));
    const ForeignExport exported = exportKong(original);
    const ForeignImport back = importKong(exported.text);
    QVERIFY2(back.ok(), qPrintable(describe(back.errors)));
    const Config &config = back.config;

    QCOMPARE(config.services.size(), original.services.size());
    for (const ServiceConfig &s : original.services) {
        const ServiceConfig *t = findService(config, s.name);
        QVERIFY2(t, qPrintable(s.name));
        QCOMPARE(t->targets.size(), s.targets.size());
        for (size_t i = 0; i < s.targets.size(); ++i) {
            QCOMPARE(t->targets[i].url, s.targets[i].url);
            QCOMPARE(t->targets[i].weight, s.targets[i].weight);
        }
        QCOMPARE(t->connectTimeoutMs, s.connectTimeoutMs);
        QCOMPARE(t->readTimeoutMs, s.readTimeoutMs);
        QCOMPARE(t->retries, s.retries);
        QCOMPARE(t->preserveHost, s.preserveHost);
    }
    int enabled = 0;
    for (const RouteConfig &r : original.routes) {
        const RouteConfig *t = findRoute(config, r.name);
        if (!r.enabled) {
            QVERIFY(!t); // Kong has no disabled routes; the export report says so
            continue;
        }
        ++enabled;
        QVERIFY2(t, qPrintable(r.name));
        QCOMPARE(t->paths, r.paths);
        QCOMPARE(t->hosts, r.hosts);
        QCOMPARE(t->methods, r.methods);
        QCOMPARE(t->stripPath, r.stripPath);
        QCOMPARE(t->service, r.service);
        QCOMPARE(t->auth, r.auth);
        QCOMPARE(t->maxBodyBytes, r.maxBodyBytes);
        QCOMPARE(t->rateLimit, r.rateLimit);
        QCOMPARE(t->keyHeader, r.keyHeader);
        QCOMPARE(t->keyInQuery, r.keyInQuery);
        QCOMPARE(t->allowGroups, r.allowGroups);
        // Kong's acl takes one list: deny_groups next to allow_groups is reported, not carried.
        QCOMPARE(t->denyGroups, r.allowGroups.isEmpty() ? r.denyGroups : QStringList());
        QCOMPARE(t->allowIps, r.allowIps);
        QCOMPARE(t->denyIps, r.denyIps);
        QVERIFY(t->jwtProviders.isEmpty() && !t->jwtAnonymous); // reported by the export
    }
    QCOMPARE(int(config.routes.size()), enabled);
    QCOMPARE(config.settings.limits.maxBodyBytes, original.settings.limits.maxBodyBytes);
    QCOMPARE(config.settings.rateLimitStore, original.settings.rateLimitStore);
    QCOMPARE(config.settings.rateLimitHeaders, QStringLiteral("none"));
    QCOMPARE(config.settings.rateLimitRedisDown, QStringLiteral("closed"));
    QCOMPARE(config.settings.rateLimitRedisTimeoutMs, 500);
    QCOMPARE(config.settings.quotaTimezone, QStringLiteral("UTC")); // reported by the export

    // Consumers and their plans come back (the plan tag names them); their keys do not.
    QCOMPARE(config.consumers.size(), original.consumers.size());
    for (qsizetype i = 0; i < original.consumers.size(); ++i) {
        QCOMPARE(config.consumers[i].name, original.consumers[i].name);
        QCOMPARE(config.consumers[i].plan, original.consumers[i].plan);
        QCOMPARE(config.consumers[i].customId, original.consumers[i].customId);
        QCOMPARE(config.consumers[i].groups, original.consumers[i].groups);
        QVERIFY(config.consumers[i].keys.empty());
    }
    QCOMPARE(config.plans.size(), size_t(2)); // "unused" had no consumer
    QCOMPARE(config.plans[0].name, QStringLiteral("free"));
    QCOMPARE(config.plans[0].limits, original.plans[0].limits);
    QCOMPARE(config.plans[1].name, QStringLiteral("gold"));
    QCOMPARE(config.plans[1].limits, original.plans[1].limits);
    QVERIFY(config.jwtProviders.empty());
    QVERIFY_LINE(exported.report.notCarried, "API key(s) not carried");
    QVERIFY_LINE(back.report.notCarried, "jwt_providers");

    // The second trip changes nothing more.
    QCOMPARE(exportKong(config).text, exportKong(importKong(exportKong(config).text).config).text);
}

void TestForeignFormats::kongImportAccess()
{
    const ForeignImport imported = importKong(R"(_format_version: "3.0"
services:
  - name: s
    url: http://127.0.0.1:9001
    plugins:
      - name: acl
        config: {deny: [blocked group]}
      - name: ip-restriction
        config: {whitelist: [192.168.0.0/16]}
    routes:
      - name: keyed
        paths: [/k]
        plugins:
          - name: key-auth
            config: {key_names: [x-key, apikey], key_in_query: false, hide_credentials: true}
          - name: acl
            config: {allow: [blocked group, gold], hide_groups_header: true}
          - name: ip-restriction
            config: {deny: ["::1"], status: 401}
      - name: bad-key-name
        paths: [/b]
        plugins:
          - name: key-auth
            config: {key_names: [Authorization], hide_credentials: true}
      - name: open
        paths: [/o]
consumers:
  - username: a
    custom_id: ext-1
    acls: [{group: gold}, {group: blocked group}, {group: gold}]
  - custom_id: only-id
)");
    QVERIFY2(imported.ok(), qPrintable(describe(imported.errors)));
    const Config &config = imported.config;
    const RouteConfig *keyed = findRoute(config, QStringLiteral("keyed"));
    QCOMPARE(keyed->auth, QStringList{QStringLiteral("key")});
    QCOMPARE(keyed->keyHeader, QStringLiteral("x-key"));
    QCOMPARE(keyed->keyInQuery, false);
    // The route's own plugins win over the service's.
    QCOMPARE(keyed->allowGroups, (QStringList{"blocked-group", "gold"}));
    QVERIFY(keyed->denyGroups.isEmpty());
    QVERIFY(keyed->allowIps.isEmpty());
    QCOMPARE(keyed->denyIps, QStringList{QStringLiteral("::1")});
    const RouteConfig *badKey = findRoute(config, QStringLiteral("bad-key-name"));
    QCOMPARE(badKey->keyHeader, QStringLiteral("X-API-Key"));
    QCOMPARE(badKey->keyInQuery, true);
    QCOMPARE(badKey->denyGroups, QStringList{QStringLiteral("blocked-group")});
    QCOMPARE(badKey->allowIps, QStringList{QStringLiteral("192.168.0.0/16")}); // whitelist
    // acl without authentication: Kong refuses everyone; Portico imports it closed.
    const RouteConfig *open = findRoute(config, QStringLiteral("open"));
    QCOMPARE(open->enabled, false);
    QVERIFY(open->allowGroups.isEmpty() && open->denyGroups.isEmpty());
    QCOMPARE(open->allowIps, QStringList{QStringLiteral("192.168.0.0/16")});
    QCOMPARE(config.consumers[0].customId, QStringLiteral("ext-1"));
    QCOMPARE(config.consumers[0].groups, (QStringList{"gold", "blocked-group"}));
    QCOMPARE(config.consumers[1].name, QStringLiteral("only-id"));
    QCOMPARE(config.consumers[1].customId, QStringLiteral("only-id"));

    const QStringList &lost = imported.report.notCarried;
    QVERIFY_LINE(lost, "services[0].routes[0].plugins[0] (key-auth)", "key_names [x-key, apikey]",
                 "only x-key is carried");
    QVERIFY_LINE(lost, "services[0].routes[1].plugins[0] (key-auth)",
                 "key name \"Authorization\" not carried", "reserved");
    QVERIFY_LINE(lost, "services[0].routes[2] (open)", "acl without an authentication plugin",
                 "disabled");
    QVERIFY_LINE(lost, "services[0].routes[0].plugins[2] (ip-restriction)", "config.status (401)");
    QCOMPARE(lost.filter(QStringLiteral("hide_credentials")).size(), 0);
    const QStringList &notes = imported.report.notes;
    QVERIFY_LINE(notes, "group \"blocked group\"", "\"blocked-group\"");
    QVERIFY_LINE(notes, "services[0].plugins[0] (acl) on service s", "X-Consumer-Groups");
    QVERIFY_LINE(notes, "services[0].routes[1].plugins[0] (key-auth)",
                 "query parameter Authorization");
    QVERIFY(!hasLine(notes, {"services[0].routes[0].plugins[1] (acl)"})); // hides the header
    QVERIFY(!hasLine(notes, {"hide_credentials"}));

    const auto errorsOf = [](const QByteArray &yaml) {
        QStringList lines;
        for (const ConfigError &e : importKong(yaml).errors)
            lines.append(e.toString());
        return lines;
    };
    QVERIFY_LINE(errorsOf("services:\n  - name: s\n    url: http://127.0.0.1:9001\n"
                          "    routes: [{name: r, paths: [/r]}]\n"
                          "plugins:\n  - name: ip-restriction\n"
                          "    config: {allow: [10.0.0.0/8, 10.0.0.0/40]}\n"),
                 "plugins[0].config.allow[1]: invalid prefix length \"40\"");
    QVERIFY_LINE(errorsOf(QByteArray("consumers:\n  - {username: a, custom_id: ")
                          + QByteArray(300, 'x') + "}\n"),
                 "consumers[0].custom_id: longer than 256 characters");
    QVERIFY_LINE(errorsOf("consumers:\n  - {username: a, custom_id: x}\n"
                          "  - {username: b, custom_id: x}\n"),
                 "consumers[1].custom_id: duplicate custom_id");
}

void TestForeignFormats::kongRateLimitSettings()
{
    // hide_client_headers on only some plugins: Portico has one setting, so it is reported.
    const QByteArray mixed = R"(_format_version: "3.0"
services:
  - name: s
    url: http://127.0.0.1:9001
    routes:
      - name: a
        paths: [/a]
        plugins:
          - name: rate-limiting
            config: {second: 5, hide_client_headers: true, policy: redis, redis_host: r.test,
                     redis_timeout: 20000}
      - name: b
        paths: [/b]
        plugins:
          - name: rate-limiting
            config: {minute: 5, policy: redis, redis_host: r.test, redis_timeout: 300,
                     fault_tolerant: false}
      - name: c
        paths: [/c]
        plugins:
          - name: rate-limiting
            config: {minute: 7, fault_tolerant: false}
)";
    const ForeignImport imported = importKong(mixed);
    QVERIFY2(imported.ok(), qPrintable(describe(imported.errors)));
    const SettingsConfig &s = imported.config.settings;
    QCOMPARE(s.rateLimitHeaders, QStringLiteral("ietf"));
    QCOMPARE(s.rateLimitStore, QStringLiteral("redis://r.test:6379/0"));
    // fault_tolerant is Kong's default true on the first Redis plugin: open, and it stays.
    QCOMPARE(s.rateLimitRedisDown, QStringLiteral("open"));
    QCOMPARE(s.rateLimitRedisTimeoutMs, 300);
    const QStringList &lost = imported.report.notCarried;
    QVERIFY_LINE(lost, "hide_client_headers: true on 1 of 3", "rate_limit_headers stays ietf");
    QVERIFY_LINE(lost, "services[0].routes[0].plugins[0] (rate-limiting)",
                 "redis_timeout 20000 not carried");
    QVERIFY_LINE(lost, "services[0].routes[1].plugins[0] (rate-limiting)",
                 "rate_limit_redis_down closed not carried", "(open)");
    // Without Redis, fault_tolerant means nothing to Portico's local counters.
    QVERIFY_LINE(lost, "services[0].routes[2].plugins[0] (rate-limiting)",
                 "config.fault_tolerant (false) not carried");
    QVERIFY(!hasLine(lost, {"services[0].routes[1].plugins[0]", "fault_tolerant (false)"}));

    // On every plugin: carried as rate_limit_headers none.
    QByteArray all = mixed;
    all.replace("{minute: 5, policy", "{minute: 5, hide_client_headers: true, policy");
    all.replace("{minute: 7, fault", "{minute: 7, hide_client_headers: true, fault");
    QCOMPARE(importKong(all).config.settings.rateLimitHeaders, QStringLiteral("none"));

    // Export without Redis: no Redis fields; local redis_down is reported only with Redis.
    Config config = loadSample(QStringLiteral("portico.yaml"));
    config.settings.rateLimitStore = QStringLiteral("local");
    config.settings.rateLimitHeaders = QStringLiteral("legacy");
    config.settings.quotaTimezone = QStringLiteral("UTC");
    ForeignExport exported = exportKong(config);
    QVERIFY(!exported.text.contains("fault_tolerant"));
    QVERIFY(!exported.text.contains("redis_timeout"));
    QVERIFY(!exported.text.contains("hide_client_headers"));
    QVERIFY_LINE(exported.report.notCarried, "settings.rate_limit_headers (legacy)",
                 "X-RateLimit-*-<window>");
    QVERIFY(!hasLine(exported.report.notCarried, {"settings.quota_timezone"}));
    QVERIFY(!hasLine(exported.report.notCarried, {"settings.rate_limit_redis_down"}));
    config.settings.rateLimitStore = QStringLiteral("redis://127.0.0.1:6379/0");
    config.settings.rateLimitRedisDown = QStringLiteral("local");
    exported = exportKong(config);
    QVERIFY(exported.text.contains("fault_tolerant: true"));
    QVERIFY_LINE(exported.report.notCarried, "settings.rate_limit_redis_down (local)",
                 "pass uncounted");
    QCOMPARE(importKong(exported.text).config.settings.rateLimitRedisDown,
             QStringLiteral("open"));
}

void TestForeignFormats::kongCertificates()
{
    const test::TestCertificate made = test::TestCertificate::selfSigned();
    Config config;
    config.settings.listen = QStringLiteral("127.0.0.1:8080");
    config.settings.listenTls = QStringLiteral("127.0.0.1:8443");
    config.certificates = {{QStringLiteral("local"),
                            {QStringLiteral("localhost"), QStringLiteral("*.app.test")},
                            QString::fromUtf8(made.certificatePem),
                            QString::fromUtf8(made.keyPem)}};
    QVERIFY(validateConfig(config).empty());

    // Without keys decK cannot take a certificate: reported, not written.
    ForeignExport exported = exportKong(config);
    QVERIFY(!exported.text.contains("certificates:"));
    QVERIFY(!exported.text.contains("PRIVATE KEY"));
    QVERIFY(exported.report.notCarried.contains(QStringLiteral(
        "certificates[0] (local): not carried: decK needs the private key (export with keys to "
        "carry it)")));
    QVERIFY(std::any_of(exported.report.notCarried.cbegin(), exported.report.notCarried.cend(),
                        [](const QString &line) {
                            return line.startsWith(QStringLiteral("settings.listen_tls"));
                        }));

    exported = exportKong(config, PrivateKeys::Include);
    QVERIFY2(exported.text.contains("certificates:\n  - cert: |\n      -----BEGIN CERTIFICATE"),
             exported.text.constData());
    QVERIFY(exported.text.contains("    snis: [localhost, \"*.app.test\"]")
            || exported.text.contains("    snis:\n      - localhost\n      - \"*.app.test\"\n"));

    // And back: the certificate, its key and its names.
    const ForeignImport back = importKong(exported.text);
    QVERIFY2(back.ok(), qPrintable(describe(back.errors)));
    QCOMPARE(back.config.certificates.size(), size_t(1));
    const CertificateConfig &c = back.config.certificates[0];
    QCOMPARE(c.name, QStringLiteral("localhost"));
    QCOMPARE(c.hosts, config.certificates[0].hosts);
    QCOMPARE(c.certificate, config.certificates[0].certificate);
    QCOMPARE(c.key, config.certificates[0].key);

    // A certificate without snis, with snis as objects.
    const QByteArray deck = "_format_version: \"3.0\"\ncertificates:\n  - cert: |\n"
        + indentedPem(made.certificatePem) + "    key: |\n" + indentedPem(made.keyPem)
        + "    snis: [{name: \"*.api.test\"}]\n  - cert: |\n" + indentedPem(made.certificatePem)
        + "    key: |\n" + indentedPem(made.keyPem);
    const ForeignImport two = importKong(deck);
    QVERIFY2(two.ok(), qPrintable(describe(two.errors)));
    QCOMPARE(two.config.certificates.size(), size_t(2));
    QCOMPARE(two.config.certificates[0].name, QStringLiteral("wildcard.api.test"));
    QCOMPARE(two.config.certificates[0].hosts, QStringList{QStringLiteral("*.api.test")});
    QCOMPARE(two.config.certificates[1].name, QStringLiteral("certificate-2"));
}

void TestForeignFormats::nginxExport()
{
    const Config config = loadSample(QStringLiteral("portico.yaml"));
    const ForeignExport exported = exportNginx(config);
    const QByteArray &conf = exported.text;
    QVERIFY(bracesBalance(conf));
    QCOMPARE(exportNginx(config).text, conf);

    const QString upstream = nginxBlock(conf, QStringLiteral("upstream portico_orders"));
    QVERIFY(upstream.contains(QStringLiteral("server 127.0.0.1:9001 weight=90 max_fails=3 "
                                             "fail_timeout=10s;")));
    QVERIFY(upstream.contains(QStringLiteral("server 127.0.0.1:9002 weight=10 ")));
    QVERIFY(upstream.contains(QStringLiteral("server 127.0.0.1:9004 down;")));
    QVERIFY(upstream.contains(QStringLiteral("keepalive 64;")));
    QVERIFY(conf.contains("upstream portico_accounts {"));

    // One default server for the routes without hosts, one for the host pair; the host's
    // server repeats the host-less routes after its own, as Portico falls back to them.
    const QMap<QString, QStringList> servers = nginxServers(conf);
    QCOMPARE(servers.keys(), QStringList({"_", "accounts.example.test *.example.test"}));
    QCOMPARE(servers.value(QStringLiteral("_")),
             QStringList({"= /healthz", "/orders/", "= /orders", "~ ^/orders/[0-9]+/cancel$",
                          "~ /search/[a-z]+", "/"}));
    QCOMPARE(servers.value(QStringLiteral("accounts.example.test *.example.test")),
             QStringList({"/v1/", "~ ^/legacy/v[0-9]+", "= /healthz", "/orders/", "= /orders",
                          "~ ^/orders/[0-9]+/cancel$", "~ /search/[a-z]+", "/"}));
    QVERIFY(conf.contains("    listen 127.0.0.1:8080 default_server;\n    server_name _;\n"));
    QVERIFY(conf.contains("    client_max_body_size 1048576;\n"));
    QVERIFY(!conf.contains("beta")); // disabled

    // Exact route with strip_path: everything goes, the base path comes in front.
    const QString health = nginxBlock(conf, QStringLiteral("location = /healthz"));
    QVERIFY(health.contains(QStringLiteral("proxy_pass http://portico_accounts/api/;")));
    QVERIFY(health.contains(QStringLiteral("limit_except GET { deny all; }")));
    QVERIFY(health.contains(QStringLiteral("proxy_set_header Host 127.0.0.1:9003;")));
    QVERIFY(health.contains(QStringLiteral("proxy_connect_timeout 2000ms;")));
    QVERIFY(health.contains(QStringLiteral("proxy_read_timeout 5000ms;")));
    QVERIFY(health.contains(QStringLiteral("proxy_set_header X-Forwarded-For "
                                           "$proxy_add_x_forwarded_for;")));
    // Client address rules: deny first (deny wins), then allow, then everyone else denied.
    QVERIFY2(health.contains(QStringLiteral("        deny 10.0.0.13;\n"
                                            "        allow 10.0.0.0/8;\n"
                                            "        allow 2001:db8::/32;\n"
                                            "        deny all;\n")),
             qPrintable(health));
    // A route with auth is written closed, never open.
    const QString orders = nginxBlock(conf, QStringLiteral("location /orders/"));
    QVERIFY(orders.contains(QStringLiteral("deny all;\n")));
    QVERIFY(orders.contains(QStringLiteral("limit_except GET HEAD POST { deny all; }")));
    QVERIFY(orders.contains(QStringLiteral("proxy_pass http://portico_orders;")));
    QVERIFY(orders.contains(QStringLiteral("proxy_set_header Host $http_host;")));
    QVERIFY(orders.contains(QStringLiteral("proxy_next_upstream_tries 3;")));
    QVERIFY(!orders.contains(QStringLiteral("allow "))); // closed locations are never opened
    QVERIFY(!nginxBlock(conf, QStringLiteral("location ~ /search/[a-z]+"))
                 .contains(QStringLiteral("deny all")));
    // Route limits: one zone per route in the http context, the second limit winning over the
    // minute one; each of the route's locations takes the whole limit as its burst.
    QVERIFY(conf.contains("\nlimit_req_zone $binary_remote_addr zone=route_orders:10m "
                          "rate=120r/m;\n"));
    QVERIFY(conf.contains("\nlimit_req_zone $binary_remote_addr zone=route_order-search:10m "
                          "rate=10r/s;\n"));
    QCOMPARE(conf.count("limit_req_zone "), 2);
    QVERIFY(conf.indexOf("limit_req_zone ") < conf.indexOf("server {"));
    QVERIFY(orders.contains(QStringLiteral("limit_req zone=route_orders burst=120 nodelay;\n"
                                           "        limit_req_status 429;\n")));
    QVERIFY(nginxBlock(conf, QStringLiteral("location = /orders"))
                .contains(QStringLiteral("limit_req zone=route_orders burst=120 nodelay;")));
    QVERIFY(nginxBlock(conf, QStringLiteral("location ~ /search/[a-z]+"))
                .contains(QStringLiteral("limit_req zone=route_order-search burst=10 nodelay;")));
    QVERIFY(!nginxBlock(conf, QStringLiteral("location = /healthz"))
                 .contains(QStringLiteral("limit_req")));
    // Prefix with strip_path and a route body limit.
    const QString v1 = nginxBlock(conf, QStringLiteral("location /v1/"));
    QVERIFY(v1.contains(QStringLiteral("proxy_pass http://portico_accounts/api/;")));
    QVERIFY(v1.contains(QStringLiteral("client_max_body_size 65536;")));
    // Regex with strip_path: rewritten, since proxy_pass takes no URI in a regex location.
    const QString legacy = nginxBlock(conf, QStringLiteral("location ~ ^/legacy/v[0-9]+"));
    QVERIFY(legacy.contains(QStringLiteral(
        "rewrite \"^(?:^/legacy/v[0-9]+)/?(?<portico_rest>.*)$\" /api/$portico_rest break;")));
    QVERIFY(legacy.contains(QStringLiteral("rewrite ^ /api$uri break;")));
    QVERIFY(legacy.contains(QStringLiteral("proxy_pass http://portico_accounts;")));
    QVERIFY(nginxBlock(conf, QStringLiteral("location /")).contains(QStringLiteral("return 404;")));

    const QStringList &lost = exported.report.notCarried;
    QVERIFY_LINE(lost, "routes[0] (orders)", "auth [key] not carried", "deny all");
    QVERIFY_LINE(lost, "routes[0] (orders)", "nor its key_header, key_in_query, allow_groups");
    QVERIFY_LINE(lost, "routes[1] (order-cancel)", "nor its jwt_providers, jwt_anonymous, "
                                                   "deny_groups;");
    QVERIFY(!hasLine(lost, {"routes[3] (health)"}));
    QVERIFY_LINE(lost, "routes[0] (orders)", "rate_limit hour 5000 not carried",
                 "the minute one is written");
    QVERIFY_LINE(lost, "routes[2] (order-search)", "rate_limit minute 300, day 10000 not carried",
                 "the second one is written");
    QVERIFY_LINE(exported.report.notes, "routes[0] (orders)", "rate_limit 120r/m carried",
                 "burst 120", "per client address");
    QVERIFY_LINE(lost, "settings.rate_limit_store (redis://127.0.0.1:6379/2)", "shared memory");
    QVERIFY_LINE(lost, "settings.rate_limit_redis_down (closed)", "timeout_ms (500)");
    QVERIFY_LINE(lost, "settings.quota_timezone (Europe/Berlin)");
    QVERIFY(!hasLine(lost, {"settings.rate_limit_headers"})); // none: nginx sends none either
    QVERIFY_LINE(lost, "routes[6] (accounts-beta)", "disabled");
    QVERIFY_LINE(lost, "consumers: 3 consumer(s) with 3 API key(s)");
    QVERIFY_LINE(lost, "plans: 3 plan(s)");
    QVERIFY_LINE(lost, "jwt_providers: 1 provider(s)");
    QVERIFY_LINE(lost, "settings.workers");
    QVERIFY_LINE(exported.report.notes, "routes[3] (health)", "also allows HEAD");
    QVERIFY_LINE(exported.report.notes, "repeats the routes without hosts");
}

void TestForeignFormats::nginxEdgeCases()
{
    QCOMPARE(nginxQuote(QStringLiteral("/plain/path")), QStringLiteral("/plain/path"));
    QCOMPARE(nginxQuote(QStringLiteral("^/x{2}$")), QStringLiteral("\"^/x{2}$\""));
    QCOMPARE(nginxQuote(QStringLiteral("a\"b\\\\c")), QStringLiteral("\"a\\\"b\\\\\\\\c\""));
    QCOMPARE(nginxLocationMatches(QStringLiteral("/a%20b")),
             std::vector<QString>({"\"/a b/\"", "= \"/a b\""}));

    Config config;
    config.settings.listen = QStringLiteral("0.0.0.0:0");
    config.services.push_back({QStringLiteral("v6"), {{QStringLiteral("http://[::1]:9001"), 5}}});
    RouteConfig get;
    get.name = QStringLiteral("get-items");
    get.paths = {QStringLiteral("/items")};
    get.methods = {QStringLiteral("GET")};
    get.service = QStringLiteral("v6");
    RouteConfig post = get;
    post.name = QStringLiteral("post-items");
    post.methods = {QStringLiteral("POST")};
    RouteConfig purge = get;
    purge.name = QStringLiteral("purge");
    purge.paths = {QStringLiteral("~^/cache/[a-z]{2}$")};
    purge.methods = {QStringLiteral("PURGE")};
    purge.maxBodyBytes = 0;
    purge.allowIps = {QStringLiteral("10.0.0.0/8")};
    config.routes = {get, post, purge};
    QVERIFY2(validateConfig(config).empty(), qPrintable(describe(validateConfig(config))));

    const ForeignExport exported = exportNginx(config);
    QVERIFY(bracesBalance(exported.text));
    QVERIFY(exported.text.contains("server [::1]:9001 weight=5"));
    QVERIFY(exported.text.contains("listen 0.0.0.0:8080 default_server;"));
    const QString purgeBlock =
        nginxBlock(exported.text, QStringLiteral("location ~ \"^/cache/[a-z]{2}$\""));
    QVERIFY(purgeBlock.contains(QStringLiteral("deny all;")));
    QVERIFY(purgeBlock.contains(QStringLiteral("client_max_body_size 1;")));
    QVERIFY(!purgeBlock.contains(QStringLiteral("allow "))); // closed for its method
    QVERIFY_LINE(exported.report.notCarried, "routes[2] (purge)", "allow_ips/deny_ips not written");
    QCOMPARE(nginxServers(exported.text).value(QStringLiteral("_")),
             QStringList({"/items/", "= /items", "~ \"^/cache/[a-z]{2}$\"", "/"}));
    const QStringList &lost = exported.report.notCarried;
    QVERIFY_LINE(lost, "routes[1] (post-items)", "location /items/", "routes[0] (get-items)");
    QVERIFY_LINE(lost, "routes[2] (purge)", "method PURGE", "closed");
    QVERIFY_LINE(lost, "settings.listen", "fixed port");
    QCOMPARE(lost.filter(QStringLiteral("(post-items)")).size(), 1); // "= /items" is implied
    QVERIFY_LINE(exported.report.notes, "routes[2] (purge)", "client_max_body_size 1");
}

void TestForeignFormats::nginxRateLimits()
{
    Config config;
    config.services.push_back(
        {QStringLiteral("s"), {{QStringLiteral("http://127.0.0.1:9001"), 1}}});
    RouteConfig minute;
    minute.name = QStringLiteral("per-minute");
    minute.paths = {QStringLiteral("/m")};
    minute.service = QStringLiteral("s");
    minute.rateLimit.minute = 60;
    RouteConfig day = minute;
    day.name = QStringLiteral("per-day");
    day.paths = {QStringLiteral("/d")};
    day.rateLimit = {};
    day.rateLimit.day = 1000;
    RouteConfig off = minute;
    off.name = QStringLiteral("off");
    off.paths = {QStringLiteral("/o")};
    off.enabled = false;
    config.routes = {minute, day, off};
    config.settings.quotaTimezone = QStringLiteral("Europe/Paris");
    QVERIFY2(validateConfig(config).empty(), qPrintable(describe(validateConfig(config))));

    const ForeignExport exported = exportNginx(config);
    const QByteArray &conf = exported.text;
    QVERIFY(bracesBalance(conf));
    QVERIFY(conf.contains("limit_req_zone $binary_remote_addr zone=route_per-minute:10m "
                          "rate=60r/m;"));
    QCOMPARE(conf.count("limit_req_zone "), 1); // not for a day limit, nor a disabled route
    QVERIFY(nginxBlock(conf, QStringLiteral("location /m/"))
                .contains(QStringLiteral("limit_req zone=route_per-minute burst=60 nodelay;")));
    QVERIFY(!nginxBlock(conf, QStringLiteral("location /d/"))
                 .contains(QStringLiteral("limit_req")));
    const QStringList &lost = exported.report.notCarried;
    QVERIFY_LINE(lost, "routes[1] (per-day)", "rate_limit day 1000 not carried",
                 "second or minute)");
    QVERIFY(!hasLine(lost, {"routes[0] (per-minute)", "rate_limit"}));
    QVERIFY_LINE(lost, "settings.rate_limit_headers (ietf)", "no rate-limit headers");
    QVERIFY_LINE(lost, "settings.quota_timezone (Europe/Paris)");
    QVERIFY(!hasLine(lost, {"settings.rate_limit_store"})); // local: nginx counts locally too
    QVERIFY(!hasLine(lost, {"settings.rate_limit_redis_down"}));

    QCOMPARE(nginxRequestRate(LimitsConfig{3, 200, 0, 0, 0})->rate(), QStringLiteral("3r/s"));
    QCOMPARE(nginxRequestRate(LimitsConfig{0, 200, 5, 0, 0})->rate(), QStringLiteral("200r/m"));
    QVERIFY(!nginxRequestRate(LimitsConfig{0, 0, 5, 6, 7}));
}

// Writes the nginx exports of the samples where tests/foreign/check-nginx-export.sh runs
// `nginx -t` on them (PORTICO_FOREIGN_OUT), else to a temporary directory.
void TestForeignFormats::nginxExportFiles()
{
    QTemporaryDir temporary;
    const QByteArray outEnv = qgetenv("PORTICO_FOREIGN_OUT");
    const QDir out(outEnv.isEmpty() ? temporary.path() : QString::fromLocal8Bit(outEnv));
    QVERIFY(out.exists());

    Config edge;
    edge.services.push_back(
        {QStringLiteral("edge"), {{QStringLiteral("http://127.0.0.1:9001/base"), 1}}});
    const QStringList paths = {"/a%20b", "=/q'uote", "~^/x{2}/\"y\"$", "~/any;thing", "/"};
    for (qsizetype i = 0; i < paths.size(); ++i) {
        RouteConfig r;
        r.name = QStringLiteral("edge-%1").arg(i);
        r.paths = {paths[i]};
        r.service = QStringLiteral("edge");
        r.stripPath = i % 2 == 0;
        r.hosts = i == 1 ? QStringList{QStringLiteral("[::1]"), QStringLiteral("*.edge.test")}
                         : QStringList();
        edge.routes.push_back(r);
    }
    QVERIFY2(validateConfig(edge).empty(), qPrintable(describe(validateConfig(edge))));

    const std::pair<QString, Config> samples[] = {
        {QStringLiteral("portico"), loadSample(QStringLiteral("portico.yaml"))},
        {QStringLiteral("kong"), importKong(readSample(QStringLiteral("kong.yaml"))).config},
        {QStringLiteral("openapi"),
         importOpenApi(readSample(QStringLiteral("petstore.yaml")), Config(),
                       QStringLiteral("pets"))
             .config},
        {QStringLiteral("edge"), edge},
    };
    for (const auto &[name, config] : samples) {
        const QByteArray conf = exportNginx(config).text;
        QVERIFY(bracesBalance(conf));
        QFile file(out.filePath(name + QStringLiteral(".conf")));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QCOMPARE(file.write(conf), conf.size());
    }
}

void TestForeignFormats::openApiImport()
{
    const ForeignImport imported = importOpenApi(readSample(QStringLiteral("petstore.yaml")),
                                                 Config(), QStringLiteral("pets"));
    QVERIFY2(imported.ok(), qPrintable(describe(imported.errors)));
    const Config &config = imported.config;

    // The service did not exist: created from the first http:// server, origin only.
    QCOMPARE(config.services.size(), size_t(1));
    QCOMPARE(config.services[0].name, QStringLiteral("pets"));
    QCOMPARE(config.services[0].targets[0].url, QStringLiteral("http://127.0.0.1:9100"));
    QVERIFY_LINE(imported.report.notes, "\"pets\" created");

    QCOMPARE(routeNames(config),
             QStringList({"listPets", "createPet", "showPetById", "delete-pet",
                          "get-pets-petId-photos-photoId-.jpg", "health", "getInventory"}));
    const RouteConfig *list = findRoute(config, QStringLiteral("listPets"));
    QCOMPARE(list->paths, QStringList{QStringLiteral("=/v1/pets")}); // base path from servers[0]
    QCOMPARE(list->methods, QStringList{QStringLiteral("GET")});
    QCOMPARE(list->auth, QStringList{QStringLiteral("key")}); // the document-wide apiKey
    QCOMPARE(list->service, QStringLiteral("pets"));
    QCOMPARE(findRoute(config, QStringLiteral("createPet"))->auth,
             QStringList{QStringLiteral("jwt")});
    const RouteConfig *show = findRoute(config, QStringLiteral("showPetById"));
    QCOMPARE(show->paths, QStringList{QStringLiteral("~^/v1/pets/[^/]+$")});
    QCOMPARE(show->methods, QStringList{QStringLiteral("GET")});
    // oauth2 has no equivalent: imported, but disabled rather than public.
    const RouteConfig *remove = findRoute(config, QStringLiteral("delete-pet"));
    QCOMPARE(remove->methods, QStringList{QStringLiteral("DELETE")});
    QVERIFY(!remove->enabled);
    QVERIFY(findRoute(config, QStringLiteral("health"))->auth.isEmpty()); // security: []
    QCOMPARE(findRoute(config, QStringLiteral("getInventory"))->auth,
             QStringList{QStringLiteral("key")}); // the header alternative

    // The generated regexes match what the templates mean, in Portico's own router.
    const Router router(config.routes);
    const auto matched = [&](const char *method, const char *path) {
        const auto m = router.match(method, "api.test", path);
        return m ? config.routes[size_t(m->routeIndex)].name : QString();
    };
    QCOMPARE(matched("GET", "/v1/pets/42"), QStringLiteral("showPetById"));
    QCOMPARE(matched("GET", "/v1/pets/42/x"), QString());
    QCOMPARE(matched("GET", "/v1/pets"), QStringLiteral("listPets"));
    QCOMPARE(matched("POST", "/v1/pets"), QStringLiteral("createPet"));
    QCOMPARE(matched("GET", "/v1/pets/"), QString());
    QCOMPARE(matched("GET", "/v1/pets/7/photos/3.jpg"),
             QStringLiteral("get-pets-petId-photos-photoId-.jpg"));
    QCOMPARE(matched("GET", "/v1/pets/7/photos/3xjpg"), QString());
    QCOMPARE(matched("DELETE", "/v1/pets/42"), QString()); // disabled
    const QRegularExpression re(show->paths[0].sliced(1));
    QVERIFY(re.match(QStringLiteral("/v1/pets/42")).hasMatch());
    QVERIFY(!re.match(QStringLiteral("/v1/pets/42/x")).hasMatch());

    const QStringList &lost = imported.report.notCarried;
    QVERIFY_LINE(lost, "components.securitySchemes.oauth", "oauth2 not carried");
    QVERIFY_LINE(lost, "components.securitySchemes.apiKeyQuery", "query \"api_key\"");
    QVERIFY_LINE(lost, "paths./pets/{petId}.delete (delete-pet)", "disabled");
    QVERIFY_LINE(lost, "x-tagGroups: extension not carried");
    QVERIFY_LINE(lost, "paths./pets.post.x-codegen-request-body-name");
    QVERIFY_LINE(lost, "auth jwt", "jwt_providers");
    QVERIFY_LINE(imported.report.notes, "operationId \"delete pet\"", "\"delete-pet\"");
    QVERIFY_LINE(imported.report.notes, "no operationId", "get-pets-petId-photos-photoId-.jpg");
}

void TestForeignFormats::openApiJoinsService()
{
    Config into = loadSample(QStringLiteral("portico.yaml"));
    RouteConfig existing;
    existing.name = QStringLiteral("listPets");
    existing.paths = {QStringLiteral("/old")};
    existing.service = QStringLiteral("orders");
    into.routes.push_back(existing);
    const QByteArray json = R"({
      "openapi": "3.1.0",
      "info": {"title": "t", "version": "1"},
      "servers": [{"url": "/api/v2/"}],
      "paths": {
        "/pets": {"get": {"operationId": "listPets"}},
        "/pets/{id}/toys": {"put": {}}
      }
    })";
    const ForeignImport imported = importOpenApi(json, into, QStringLiteral("orders"));
    QVERIFY2(imported.ok(), qPrintable(describe(imported.errors)));
    QCOMPARE(imported.config.services.size(), into.services.size()); // joined, not created
    QCOMPARE(imported.config.routes.size(), into.routes.size() + 2);
    const RouteConfig *list = findRoute(imported.config, QStringLiteral("listPets-2"));
    QVERIFY(list);
    QCOMPARE(list->paths, QStringList{QStringLiteral("=/api/v2/pets")});
    QCOMPARE(list->service, QStringLiteral("orders"));
    QVERIFY(list->auth.isEmpty());
    const RouteConfig *toys = findRoute(imported.config, QStringLiteral("put-pets-id-toys"));
    QVERIFY(toys);
    QCOMPARE(toys->paths, QStringList{QStringLiteral("~^/api/v2/pets/[^/]+/toys$")});
    QVERIFY_LINE(imported.report.notes, "operationId \"listPets\"", "\"listPets-2\"");
}

void TestForeignFormats::openApiErrors()
{
    const ForeignImport swagger =
        importOpenApi(readSample(QStringLiteral("swagger2.yaml")), Config(), QStringLiteral("s"));
    QCOMPARE(swagger.errors.size(), size_t(1));
    QCOMPARE(swagger.errors[0].path, QStringLiteral("swagger"));
    QVERIFY(swagger.errors[0].message.contains(QStringLiteral("Swagger 2.0")));
    QVERIFY(swagger.errors[0].message.contains(QStringLiteral("OpenAPI 3")));
    QVERIFY(swagger.config.routes.empty());

    const auto onlyError = [](const QByteArray &doc) {
        const ForeignImport imported = importOpenApi(doc, Config(), QStringLiteral("s"));
        return imported.errors.size() == 1 ? imported.errors[0].toString()
                                           : describe(imported.errors);
    };
    QCOMPARE(onlyError("info: {title: t}\n"),
             QStringLiteral("openapi: missing: not an OpenAPI 3 "
                            "document"));
    QCOMPARE(onlyError("openapi: 2.5\n"),
             QStringLiteral("openapi: unsupported version 2.5 (expected 3.x)"));
    QVERIFY(onlyError("openapi: 3.0.0\nservers: [{url: /relative}]\npaths: {}\n")
                .startsWith(QStringLiteral("servers: service \"s\" does not exist")));
    // An https:// server makes an https:// target, verified like any other.
    const ForeignImport secure = importOpenApi(
        "openapi: 3.0.0\nservers: [{url: \"https://api.example.test:8443/v1\"}]\n"
        "paths: {\"/a\": {get: {operationId: a}}}\n",
        Config(), QStringLiteral("s"));
    QVERIFY2(secure.ok(), qPrintable(describe(secure.errors)));
    QCOMPARE(secure.config.services.at(0).targets.at(0).url,
             QStringLiteral("https://api.example.test:8443"));
    QVERIFY(onlyError("openapi: [\n").contains(QStringLiteral("syntax error")));
    // A path that is not a valid Portico path is named by its place in the document.
    QVERIFY(onlyError("openapi: 3.0.0\nservers: [{url: http://127.0.0.1:9}]\n"
                      "paths: {\"/a/../b\": {get: {operationId: x}}}\n")
                .startsWith(QStringLiteral("paths./a/../b.get: not in normalized form")));
    // Characters a Portico path cannot hold are percent-encoded, not refused.
    const ForeignImport spaced = importOpenApi("openapi: 3.0.0\nservers: [{url: http://x:9}]\n"
                                               "paths: {\"/a b/{id}\": {get: {}}}\n",
                                               Config(), QStringLiteral("s"));
    QVERIFY2(spaced.ok(), qPrintable(describe(spaced.errors)));
    QCOMPARE(spaced.config.routes[0].paths, QStringList{QStringLiteral("~^/a%20b/[^/]+$")});
}

void TestForeignFormats::upstreamTls()
{
    // Kong: tls_verify and the https protocol are carried; certificate references are not.
    const ForeignImport imported = importKong(R"(_format_version: "3.0"
services:
  - name: pay
    protocol: https
    host: pay.internal
    tls_verify: false
    tls_verify_depth: 2
    ca_certificates: [4e3ad2e4-0bc4-4638-8e34-c84a417ba39b]
    client_certificate: {id: 2e3ad2e4-0bc4-4638-8e34-c84a417ba39b}
    routes: [{name: pay, paths: [/pay]}]
)");
    QVERIFY2(imported.ok(), qPrintable(describe(imported.errors)));
    const ServiceConfig &pay = imported.config.services[0];
    QCOMPARE(pay.targets[0].url, QStringLiteral("https://pay.internal:443"));
    QCOMPARE(pay.tlsVerify, false);
    const QStringList &lost = imported.report.notCarried;
    QVERIFY_LINE(lost, "services[0] (pay)", "tls_verify_depth not carried");
    QVERIFY_LINE(lost, "services[0] (pay)", "ca_certificates not carried", "ca_bundle");
    QVERIFY_LINE(lost, "services[0] (pay)", "client_certificate not carried");
    QVERIFY(!hasLine(imported.report.notes, {"tls_verify not set"}));

    // Kong export: the protocol and tls_verify; what Kong keeps elsewhere is reported.
    Config config = imported.config;
    config.services[0].tlsServerName = QStringLiteral("pay.example.test");
    const ForeignExport kong = exportKong(config);
    QVERIFY2(kong.text.contains("protocol: https"), kong.text.constData());
    QVERIFY(kong.text.contains("tls_verify: false"));
    QVERIFY_LINE(kong.report.notCarried, "services[0] (pay)", "tls_server_name");
    QCOMPARE(importKong(kong.text).config.services[0].targets, pay.targets);

    // nginx: proxy_pass https:// with the proxy_ssl_* directives.
    config.services[0].tlsVerify = true;
    config.services[0].caBundle =
        QString::fromLatin1(test::TestCertificate::selfSigned().certificatePem);
    QVERIFY2(validateConfig(config).empty(), qPrintable(describe(validateConfig(config))));
    const ForeignExport nginx = exportNginx(config);
    const QString location = nginxBlock(nginx.text, QStringLiteral("location /pay/"));
    for (const char *line : {"proxy_pass https://portico_pay/;", "proxy_ssl_server_name on;",
                             "proxy_ssl_name pay.example.test;", "proxy_ssl_verify on;",
                             "# write service pay's ca_bundle to /etc/nginx/portico/pay-ca.pem",
                             "proxy_ssl_trusted_certificate /etc/nginx/portico/pay-ca.pem;"})
        QVERIFY2(location.contains(QLatin1String(line)), qPrintable(location));
    config.services[0].caBundle.clear();
    config.services[0].tlsServerName.clear();
    const QString system = nginxBlock(exportNginx(config).text, QStringLiteral("location /pay/"));
    QVERIFY(system.contains(QStringLiteral("proxy_ssl_name pay.internal;")));
    QVERIFY(system.contains(
        QStringLiteral("proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;")));
    config.services[0].tlsVerify = false;
    QVERIFY(nginxBlock(exportNginx(config).text, QStringLiteral("location /pay/"))
                .contains(QStringLiteral("proxy_ssl_verify off;")));
}

QTEST_GUILESS_MAIN(TestForeignFormats)
#include "tst_foreign_formats.moc"
