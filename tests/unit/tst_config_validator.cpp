#include "JwtTestTokens.h"
#include "TestCertificate.h"
#include "config/Addresses.h"
#include "config/ConfigValidator.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTest>

#include <functional>

using namespace portico;

namespace {

Config validConfig()
{
    Config config;
    ServiceConfig users;
    users.name = QStringLiteral("users");
    users.targets = {{QStringLiteral("http://127.0.0.1:9001"), 90},
                     {QStringLiteral("http://127.0.0.1:9002/base"), 10}};
    config.services.push_back(users);
    ServiceConfig orders;
    orders.name = QStringLiteral("orders");
    orders.targets = {{QStringLiteral("http://orders.internal"), 100}};
    config.services.push_back(orders);
    ServiceConfig spare; // referenced by no route, so renaming it breaks nothing else
    spare.name = QStringLiteral("spare");
    spare.targets = {{QStringLiteral("http://spare.internal:81"), 1}};
    config.services.push_back(spare);
    for (int i = 0; i < 4; ++i) {
        RouteConfig route;
        route.name = QStringLiteral("route-%1").arg(i);
        route.paths = {QStringLiteral("/r%1").arg(i)};
        route.service = i % 2 ? QStringLiteral("orders") : QStringLiteral("users");
        config.routes.push_back(route);
    }
    config.routes[1].hosts = {QStringLiteral("api.example.test"),
                              QStringLiteral("*.Example.Test")};
    config.routes[1].methods = {QStringLiteral("GET"), QStringLiteral("M-SEARCH")};
    config.routes[2].paths = {QStringLiteral("=/exact"), QStringLiteral("~^/v[0-9]+/items$"),
                              QStringLiteral("/dir/")};
    config.routes[2].auth = {QStringLiteral("key"), QStringLiteral("jwt")};
    config.routes[3].maxBodyBytes = 0;
    JwtProviderConfig idp;
    idp.name = QStringLiteral("idp");
    idp.issuer = QStringLiteral("https://idp.example.test");
    idp.algorithms = {QStringLiteral("HS256")};
    idp.secret = QStringLiteral("s3cret");
    config.jwtProviders.push_back(idp);
    return config;
}

ConsumerConfig makeConsumer(const QString &name, const QString &customId = {},
                            const QStringList &groups = {})
{
    ConsumerConfig consumer;
    consumer.name = name;
    consumer.customId = customId;
    consumer.groups = groups;
    return consumer;
}

QString describe(const ConfigErrors &errors)
{
    QStringList lines;
    for (const ConfigError &e : errors)
        lines.append(e.toString());
    return lines.isEmpty() ? QStringLiteral("(no errors)") : lines.join(QStringLiteral("; "));
}

struct Case
{
    const char *name;
    std::function<void(Config &)> mutate;
    QString path;    // empty: the mutated config must be valid
    QString message; // a substring of the message
};

} // namespace

class TestConfigValidator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void validConfigPasses();
    void defaultConfigPasses();
    void cases();
    void regexErrorFormat();
    void unknownServiceFormat();
    void errorsInConfigOrder();
    void validBaseGivesTheSameAnswer();
    void authenticationCases();
    void serviceTlsCases();
    void keyHeaderCheck();
    void publicKeyMustFitItsAlgorithms();
    void ipRules();
    void manyConsumersWithCustomIds();
    void hostPort();
    void targetUrl();
};

void TestConfigValidator::validConfigPasses()
{
    const ConfigErrors errors = validateConfig(validConfig());
    QVERIFY2(errors.empty(), qPrintable(describe(errors)));
}

void TestConfigValidator::defaultConfigPasses()
{
    const ConfigErrors errors = validateConfig(Config());
    QVERIFY2(errors.empty(), qPrintable(describe(errors)));
}

void TestConfigValidator::cases()
{
    auto settings = [](auto f) { return [f](Config &c) { f(c.settings); }; };
    auto service = [](auto f) { return [f](Config &c) { f(c.services[0]); }; };
    auto target = [](const QString &url) {
        return [url](Config &c) { c.services[0].targets[0].url = url; };
    };
    auto route = [](auto f) { return [f](Config &c) { f(c.routes[0]); }; };
    auto path = [](const QString &p) { return [p](Config &c) { c.routes[0].paths = {p}; }; };
    auto host = [](const QString &h) { return [h](Config &c) { c.routes[0].hosts = {h}; }; };
    auto method = [](const QString &m) { return [m](Config &c) { c.routes[0].methods = {m}; }; };

    const Case cases[] = {
        {"version", [](Config &c) { c.formatVersion = 2; }, "format_version",
         "unsupported version 2"},
        {"listen no port", settings([](auto &s) { s.listen = "localhost"; }), "settings.listen",
         "missing port"},
        {"listen port 0", settings([](auto &s) { s.listen = "127.0.0.1:0"; }), "", ""},
        {"listen v6", settings([](auto &s) { s.listen = "[::1]:8080"; }), "", ""},
        {"listen hostname", settings([](auto &s) { s.listen = "gateway.local:80"; }), "", ""},
        {"listen bare v6", settings([](auto &s) { s.listen = "::1:8080"; }), "settings.listen",
         "brackets"},
        {"listen bad v4", settings([](auto &s) { s.listen = "256.1.1.1:80"; }), "settings.listen",
         "invalid IPv4"},
        {"listen bad v6", settings([](auto &s) { s.listen = "[fe::zz]:80"; }), "settings.listen",
         "invalid IPv6"},
        {"listen big port", settings([](auto &s) { s.listen = "h:70000"; }), "settings.listen",
         "invalid port"},
        {"listen bad host", settings([](auto &s) { s.listen = "-bad-:80"; }), "settings.listen",
         "invalid host name"},
        {"listen empty", settings([](auto &s) { s.listen = ""; }), "settings.listen",
         "expected host:port"},
        {"admin port 0", settings([](auto &s) { s.adminListen = "127.0.0.1:0"; }), "", ""},
        {"both port 0",
         settings([](auto &s) { s.listen = "127.0.0.1:0"; s.adminListen = "127.0.0.1:0"; }), "",
         ""},
        {"admin public", settings([](auto &s) { s.adminListen = "0.0.0.0:9000"; }),
         "settings.admin_token", "required"},
        {"admin public token",
         settings([](auto &s) { s.adminListen = "0.0.0.0:9000"; s.adminToken = "s3cret"; }), "",
         ""},
        {"admin v6 loopback", settings([](auto &s) { s.adminListen = "[::1]:9000"; }), "", ""},
        {"admin off", settings([](auto &s) { s.adminListen = ""; }), "", ""},
        {"admin off with token", settings([](auto &s) { s.adminListen = ""; s.adminToken = "t"; }),
         "", ""},
        {"admin no port", settings([](auto &s) { s.adminListen = "127.0.0.1"; }),
         "settings.admin_listen", "missing port"},
        {"admin same", settings([](auto &s) { s.adminListen = s.listen; }),
         "settings.admin_listen", "same address"},
        {"token space", settings([](auto &s) { s.adminToken = "a b"; }), "settings.admin_token",
         "visible ASCII"},
        {"workers high", settings([](auto &s) { s.workers = 257; }), "settings.workers",
         "between 0 and 256"},
        {"workers negative", settings([](auto &s) { s.workers = -1; }), "settings.workers", ""},
        {"redis", settings([](auto &s) { s.rateLimitStore = "redis://127.0.0.1:6379/0"; }), "", ""},
        {"store", settings([](auto &s) { s.rateLimitStore = "memcached://x"; }),
         "settings.rate_limit_store", "redis://"},
        {"store credentials",
         settings([](auto &s) { s.rateLimitStore = "redis://u:p@h:6379/0"; }),
         "settings.rate_limit_store", "user names and passwords are not supported"},
        {"headers legacy", settings([](auto &s) { s.rateLimitHeaders = "legacy"; }), "", ""},
        {"headers none", settings([](auto &s) { s.rateLimitHeaders = "none"; }), "", ""},
        {"headers", settings([](auto &s) { s.rateLimitHeaders = "IETF"; }),
         "settings.rate_limit_headers", "unknown value \"IETF\" (expected \"ietf\", \"legacy\""},
        {"redis down closed", settings([](auto &s) { s.rateLimitRedisDown = "closed"; }), "", ""},
        {"redis down", settings([](auto &s) { s.rateLimitRedisDown = "fail"; }),
         "settings.rate_limit_redis_down", "expected \"local\", \"open\", \"closed\""},
        {"redis timeout max", settings([](auto &s) { s.rateLimitRedisTimeoutMs = 10'000; }), "",
         ""},
        {"redis timeout 0", settings([](auto &s) { s.rateLimitRedisTimeoutMs = 0; }),
         "settings.rate_limit_redis_timeout_ms", "between 1 and 10000"},
        {"redis timeout big", settings([](auto &s) { s.rateLimitRedisTimeoutMs = 10'001; }),
         "settings.rate_limit_redis_timeout_ms", "between 1 and 10000"},
        {"timezone", settings([](auto &s) { s.quotaTimezone = "Europe/Berlin"; }), "", ""},
        {"timezone bad", settings([](auto &s) { s.quotaTimezone = "Mars/Base"; }),
         "settings.quota_timezone", "unknown time zone \"Mars/Base\""},
        {"timezone empty", settings([](auto &s) { s.quotaTimezone = ""; }),
         "settings.quota_timezone", "unknown time zone \"\""},
        {"uri bytes", settings([](auto &s) { s.limits.maxUriBytes = 0; }),
         "settings.max_uri_bytes", ""},
        {"header bytes", settings([](auto &s) { s.limits.maxHeaderBytes = -5; }),
         "settings.max_header_bytes", ""},
        {"body bytes", settings([](auto &s) { s.limits.maxBodyBytes = -1; }),
         "settings.max_body_bytes", ""},
        {"header timeout", settings([](auto &s) { s.limits.headerTimeoutMs = 0; }),
         "settings.header_timeout_ms", ""},
        {"idle timeout", settings([](auto &s) { s.limits.idleTimeoutMs = 0; }),
         "settings.idle_timeout_ms", ""},
        {"upstream idle", settings([](auto &s) { s.upstreamIdleTimeoutMs = 0; }),
         "settings.upstream_idle_timeout_ms", ""},
        {"pool", settings([](auto &s) { s.upstreamPoolSize = 0; }), "settings.upstream_pool_size",
         ""},
        {"eject after", settings([](auto &s) { s.ejectAfterFailures = 0; }),
         "settings.eject_after_failures", ""},
        {"eject duration", settings([](auto &s) { s.ejectDurationMs = 0; }),
         "settings.eject_duration_ms", ""},
        {"shutdown", settings([](auto &s) { s.shutdownTimeoutMs = 0; }),
         "settings.shutdown_timeout_ms", ""},
        {"capture off", settings([](auto &s) { s.observe.captureRecords = 0; }), "", ""},
        {"capture records", settings([](auto &s) { s.observe.captureRecords = -1; }),
         "settings.capture_records", "between 0 and 1000000"},
        {"capture bytes", settings([](auto &s) { s.observe.captureBytes = 1000; }),
         "settings.capture_bytes", "between 65536"},
        {"capture headers", settings([](auto &s) { s.observe.capture = "never"; }),
         "settings.capture", "unknown value \"never\" (expected \"watched\""},
        {"capture body", settings([](auto &s) { s.observe.captureBodyKib = 2048; }),
         "settings.capture_body_kib", "between 0 and 1024"},
        {"redact header", settings([](auto &s) { s.observe.redactHeaders = {"X-Ok", "bad name"}; }),
         "settings.redact_headers[1]", "\"bad name\" is not a header field name"},
        {"access log folder", settings([](auto &s) { s.observe.accessLog = "/nonexistent/a.log"; }),
         "settings.access_log", "folder \"/nonexistent\" does not exist or is not writable"},
        {"access log is a folder", settings([](auto &s) { s.observe.accessLog = "/tmp"; }),
         "settings.access_log", "\"/tmp\" is a folder, not a file"},
        {"access log size", settings([](auto &s) { s.observe.accessLogMaxBytes = 10; }),
         "settings.access_log_max_bytes", "between 4096"},
        {"access log files", settings([](auto &s) { s.observe.accessLogFiles = 101; }),
         "settings.access_log_files", "between 0 and 100"},
        {"service name chars", [](Config &c) { c.services[2].name = "bad name"; },
         "services[2].name", "only letters"},
        {"service name empty", [](Config &c) { c.services[2].name = ""; }, "services[2].name",
         "missing"},
        {"service name long", [](Config &c) { c.services[2].name = QString(129, 'a'); },
         "services[2].name", "128"},
        {"service name dots", [](Config &c) { c.services[2].name = "a.b_c-D9"; }, "", ""},
        {"service dup", [](Config &c) { c.services[2].name = "users"; }, "services[2].name",
         "duplicate name \"users\" (also services[0])"},
        {"no targets", service([](auto &s) { s.targets.clear(); }), "services[0].targets",
         "at least one target"},
        {"ftp", target("ftp://x"), "services[0].targets[0].url", "unsupported scheme \"ftp\""},
        {"no scheme", target("127.0.0.1:9000"), "services[0].targets[0].url", "expected http://"},
        {"query", target("http://x/a?q=1"), "services[0].targets[0].url", "query"},
        {"fragment", target("http://x#f"), "services[0].targets[0].url", "fragment"},
        {"userinfo", target("http://u:p@x"), "services[0].targets[0].url", "user info"},
        {"no host", target("http://:80"), "services[0].targets[0].url", "missing host"},
        {"port 0", target("http://x:0"), "services[0].targets[0].url", "port"},
        {"port big", target("http://x:99999"), "services[0].targets[0].url", "port"},
        {"path space", target("http://x/a b"), "services[0].targets[0].url", "invalid character"},
        {"https", target("HTTPS://x.test:8443/base/"), "", ""},
        {"v6 target", target("http://[::1]:9000/base"), "", ""},
        {"weight", service([](auto &s) { s.targets[0].weight = 1001; }),
         "services[0].targets[0].weight", "between 0 and 1000"},
        {"weights zero", service([](auto &s) { s.targets[0].weight = s.targets[1].weight = 0; }),
         "services[0].targets", "weight above 0"},
        {"one weight zero", service([](auto &s) { s.targets[0].weight = 0; }), "", ""},
        {"connect", service([](auto &s) { s.connectTimeoutMs = 0; }),
         "services[0].connect_timeout_ms", ""},
        {"read", service([](auto &s) { s.readTimeoutMs = -1; }), "services[0].read_timeout_ms",
         ""},
        {"retries", service([](auto &s) { s.retries = 6; }), "services[0].retries",
         "between 0 and 5"},
        {"route name", route([](auto &r) { r.name = "a/b"; }), "routes[0].name", "only letters"},
        {"route dup", [](Config &c) { c.routes[2].name = "route-0"; }, "routes[2].name",
         "also routes[0]"},
        {"no paths", route([](auto &r) { r.paths.clear(); }), "routes[0].paths",
         "at least one path"},
        {"empty path", path(""), "routes[0].paths[0]", "empty path"},
        {"relative", path("users"), "routes[0].paths[0]", "must start with"},
        {"exact relative", path("=users"), "routes[0].paths[0]", "must start with \"/\""},
        {"dotdot", path("/a/../b"), "routes[0].paths[0]", "write \"/b\""},
        {"double slash", path("/a//b"), "routes[0].paths[0]", "normalized"},
        {"encoded unreserved", path("/%7Euser"), "routes[0].paths[0]", "write \"/~user\""},
        {"above root", path("/.."), "routes[0].paths[0]", "above the root"},
        {"space", path("/a b"), "routes[0].paths[0]", "invalid character"},
        {"bad escape", path("/%zz"), "routes[0].paths[0]", "percent-encoding"},
        {"encoded slash ok", path("/a%2Fb"), "", ""},
        {"exact ok", path("=/x/"), "", ""},
        {"empty regex", path("~"), "routes[0].paths[0]", "empty regex"},
        {"wildcard mid", host("a.*.test"), "routes[0].hosts[0]", "first label"},
        {"star", host("*"), "routes[0].hosts[0]", ""},
        {"host port", host("api.test:80"), "routes[0].hosts[0]", "port"},
        {"host v6", host("[::1]"), "", ""},
        {"host v6 bare", host("::1"), "routes[0].hosts[0]", "brackets"},
        {"host v4", host("10.0.0.1"), "", ""},
        {"host chars", host("bad!host"), "routes[0].hosts[0]", "invalid host name"},
        {"host empty", host(""), "routes[0].hosts[0]", "empty host"},
        {"host label", host("a..b"), "routes[0].hosts[0]", "invalid host name"},
        {"method lower", method("get"), "routes[0].methods[0]", "write \"GET\""},
        {"method space", method("GE T"), "routes[0].methods[0]", "invalid method"},
        {"method custom", method("PURGE"), "", ""},
        {"service missing", route([](auto &r) { r.service = ""; }), "routes[0].service",
         "missing"},
        {"auth", route([](auto &r) { r.auth = {"basic"}; }), "routes[0].auth[0]",
         "unknown auth \"basic\""},
        {"auth dup", route([](auto &r) { r.auth = {"key", "key"}; }), "routes[0].auth[1]",
         "duplicate"},
        {"body", route([](auto &r) { r.maxBodyBytes = -2; }), "routes[0].max_body_bytes", "-1"},
        {"disabled still checked", route([](auto &r) { r.enabled = false; r.paths = {"x"}; }),
         "routes[0].paths[0]", ""},
    };

    for (const Case &c : cases) {
        Config config = validConfig();
        c.mutate(config);
        const ConfigErrors errors = validateConfig(config);
        const QString got = describe(errors);
        if (c.path.isEmpty()) {
            QVERIFY2(errors.empty(), qPrintable(QString::fromLatin1(c.name) + ": " + got));
            continue;
        }
        QVERIFY2(errors.size() == 1, qPrintable(QString::fromLatin1(c.name) + ": " + got));
        QVERIFY2(errors.front().path == c.path,
                 qPrintable(QString::fromLatin1(c.name) + ": " + got));
        QVERIFY2(errors.front().message.contains(c.message),
                 qPrintable(QString::fromLatin1(c.name) + ": " + got));
    }
}

namespace {

void runCases(const Case *begin, const Case *end)
{
    for (const Case *c = begin; c != end; ++c) {
        Config config = validConfig();
        c->mutate(config);
        const ConfigErrors errors = validateConfig(config);
        const QString got = QString::fromLatin1(c->name) + ": " + describe(errors);
        if (c->path.isEmpty()) {
            QVERIFY2(errors.empty(), qPrintable(got));
            continue;
        }
        QVERIFY2(errors.size() == 1, qPrintable(got));
        QVERIFY2(errors.front().path == c->path, qPrintable(got));
        QVERIFY2(errors.front().message.contains(c->message), qPrintable(got));
    }
}

} // namespace

void TestConfigValidator::authenticationCases()
{
    // routes[0] is public, routes[2] has auth [key, jwt]; jwt_providers[0] is "idp".
    auto open = [](auto f) { return [f](Config &c) { f(c.routes[0]); }; };
    auto both = [](auto f) { return [f](Config &c) { f(c.routes[2]); }; };
    auto header = [](const QString &h) { return [h](Config &c) { c.routes[2].keyHeader = h; }; };
    auto allowIp = [](const QStringList &ips) {
        return [ips](Config &c) { c.routes[0].allowIps = ips; };
    };
    auto consumers = [](const QList<ConsumerConfig> &list) {
        return [list](Config &c) { c.consumers = list; };
    };
    auto provider = [](auto f) { return [f](Config &c) { f(c.jwtProviders[0]); }; };
    const QString s257(257, u'x');

    const Case cases[] = {
        {"key header", header("X-Orders-Key"), "", ""},
        {"key header token chars", header("x-key_2.v!#$%&'*+^`|~"), "", ""},
        {"key header empty", header(""), "routes[2].key_header", "empty header name"},
        {"key header space", header("X Key"), "routes[2].key_header",
         "invalid header name \"X Key\""},
        {"key header colon", header("X-Key:"), "routes[2].key_header", "invalid header name"},
        {"key header host", header("host"), "routes[2].key_header",
         "header \"host\" is reserved (the gateway sets it"},
        {"key header authorization", header("Authorization"), "routes[2].key_header",
         "\"Authorization: Bearer <key>\" is always accepted"},
        {"key header length", header("content-length"), "routes[2].key_header", "reserved"},
        {"key header te", header("Transfer-Encoding"), "routes[2].key_header", "reserved"},
        {"key header connection", header("CONNECTION"), "routes[2].key_header", "reserved"},
        {"key header cookie", header("Cookie"), "routes[2].key_header", "reserved"},
        {"key header xff", header("X-Forwarded-For"), "routes[2].key_header", "reserved"},
        {"key header proto", header("x-forwarded-proto"), "routes[2].key_header", "reserved"},
        {"key header fwd host", header("X-Forwarded-Host"), "routes[2].key_header", "reserved"},
        {"key header request id", header("X-Request-Id"), "routes[2].key_header", "reserved"},
        {"key header via", header("via"), "routes[2].key_header", "reserved"},
        {"key header consumer", header("X-Consumer-Name"), "routes[2].key_header", "reserved"},
        {"key header consumer id", header("x-consumer-id"), "routes[2].key_header", "reserved"},
        {"key header subject", header("X-Authenticated-Subject"), "routes[2].key_header",
         "reserved"},
        {"key header scope", header("X-Authenticated-Scope"), "routes[2].key_header", "reserved"},
        {"key header no key auth", open([](auto &r) { r.keyHeader = "X-Other"; }),
         "routes[0].key_header", "needs auth: [key]"},
        {"key header default any case", open([](auto &r) { r.keyHeader = "x-api-key"; }), "", ""},
        {"key header jwt only",
         open([](auto &r) { r.auth = {"jwt"}; r.keyHeader = "X-Other"; }), "routes[0].key_header",
         "needs auth: [key]"},
        {"key in query", both([](auto &r) { r.keyInQuery = true; }), "", ""},
        {"key in query no key auth", open([](auto &r) { r.keyInQuery = true; }),
         "routes[0].key_in_query", "needs auth: [key]"},
        {"jwt providers", both([](auto &r) { r.jwtProviders = {"idp"}; }), "", ""},
        {"jwt provider unknown", both([](auto &r) { r.jwtProviders = {"idp", "nope"}; }),
         "routes[2].jwt_providers[1]", "unknown jwt provider \"nope\""},
        {"jwt provider dup", both([](auto &r) { r.jwtProviders = {"idp", "idp"}; }),
         "routes[2].jwt_providers[1]", "duplicate jwt provider \"idp\""},
        {"jwt provider empty", both([](auto &r) { r.jwtProviders = {""}; }),
         "routes[2].jwt_providers[0]", "empty provider name"},
        {"jwt providers public", open([](auto &r) { r.jwtProviders = {"idp"}; }),
         "routes[0].jwt_providers", "needs auth: [jwt]"},
        {"jwt providers key only",
         open([](auto &r) { r.auth = {"key"}; r.jwtProviders = {"idp"}; }),
         "routes[0].jwt_providers", "needs auth: [jwt]"},
        {"jwt anonymous", both([](auto &r) { r.jwtAnonymous = true; }), "", ""},
        {"jwt anonymous public", open([](auto &r) { r.jwtAnonymous = true; }),
         "routes[0].jwt_anonymous", "needs auth: [jwt]"},
        {"groups", both([](auto &r) { r.allowGroups = {"a.b", "c_d-9"}; r.denyGroups = {"x"}; }),
         "", ""},
        {"groups key only", open([](auto &r) { r.auth = {"key"}; r.allowGroups = {"a"}; }), "",
         ""},
        {"allow groups public", open([](auto &r) { r.allowGroups = {"a"}; }),
         "routes[0].allow_groups", "needs auth"},
        {"deny groups public", open([](auto &r) { r.denyGroups = {"a"}; }),
         "routes[0].deny_groups", "authenticated consumer"},
        {"group dup", both([](auto &r) { r.allowGroups = {"a", "b", "a"}; }),
         "routes[2].allow_groups[2]", "duplicate group \"a\""},
        {"group chars", both([](auto &r) { r.denyGroups = {"bad group"}; }),
         "routes[2].deny_groups[0]", "only letters"},
        {"group empty", both([](auto &r) { r.denyGroups = {""}; }), "routes[2].deny_groups[0]",
         "empty group name"},
        {"group long", both([](auto &r) { r.allowGroups = {QString(129, u'g')}; }),
         "routes[2].allow_groups[0]", "128"},
        {"ips", open([](auto &r) {
             r.allowIps = {"10.0.0.0/8", "2001:db8::/32", "::1", "172.16.0.1/12", "0.0.0.0/0"};
             r.denyIps = {"192.168.1.7", "::ffff:10.1.2.3", "::/0"};
         }),
         "", ""},
        {"ip garbage", allowIp({"10.0.0.0/8", "nope"}), "routes[0].allow_ips[1]",
         "expected an IPv4 or IPv6 address, or a CIDR block"},
        {"ip host name", allowIp({"localhost"}), "routes[0].allow_ips[0]", "expected an IPv4"},
        {"ip empty", allowIp({""}), "routes[0].allow_ips[0]", "expected an IPv4"},
        {"ip prefix v4", allowIp({"10.0.0.0/33"}), "routes[0].allow_ips[0]",
         "invalid prefix length \"33\" (expected 0-32)"},
        {"ip prefix v6", allowIp({"2001:db8::/129"}), "routes[0].allow_ips[0]",
         "(expected 0-128)"},
        {"ip prefix empty", allowIp({"10.0.0.0/"}), "routes[0].allow_ips[0]", "prefix length"},
        {"ip prefix sign", allowIp({"10.0.0.0/+8"}), "routes[0].allow_ips[0]", "prefix length"},
        {"ip netmask", allowIp({"10.0.0.0/255.0.0.0"}), "routes[0].allow_ips[0]",
         "prefix length"},
        {"ip short v4", allowIp({"10/8"}), "routes[0].allow_ips[0]", "expected an IPv4"},
        {"ip inet_aton", allowIp({"127.1"}), "routes[0].allow_ips[0]", "expected an IPv4"},
        {"ip octet", allowIp({"10.0.0.256"}), "routes[0].allow_ips[0]", "expected an IPv4"},
        {"ip zone", allowIp({"fe80::1%eth0"}), "routes[0].allow_ips[0]", "expected an IPv4"},
        {"ip brackets", allowIp({"[::1]"}), "routes[0].allow_ips[0]", "expected an IPv4"},
        {"ip port", allowIp({"10.0.0.1:80"}), "routes[0].allow_ips[0]", "expected an IPv4"},
        {"ip dup", open([](auto &r) { r.denyIps = {"::1", "0:0::1/128"}; }),
         "routes[0].deny_ips[1]", "duplicate address \"0:0::1/128\" (also routes[0].deny_ips[0])"},
        {"ip dup block", allowIp({"10.0.0.0/8", "10.1.2.3/8"}), "routes[0].allow_ips[1]",
         "duplicate address"},
        {"ip same in both lists", open([](auto &r) { r.allowIps = r.denyIps = {"10.0.0.1"}; }),
         "", ""},
        {"custom ids", consumers({makeConsumer("a", "ext-1"), makeConsumer("b", "ext-2"),
                                  makeConsumer("c"), makeConsumer("d")}),
         "", ""},
        {"custom id dup", consumers({makeConsumer("a", "ext-1"), makeConsumer("b", "ext-1")}),
         "consumers[1].custom_id", "duplicate custom_id \"ext-1\" (also consumers[0])"},
        {"custom id is another's name", consumers({makeConsumer("a"), makeConsumer("b", "a")}),
         "", ""},
        {"custom id 256", consumers({makeConsumer("a", QString(256, u'i'))}), "", ""},
        {"custom id long", consumers({makeConsumer("a", s257)}), "consumers[0].custom_id",
         "longer than 256 characters"},
        {"custom id newline", consumers({makeConsumer("a", "x\r\nX-Consumer-Name: b")}),
         "consumers[0].custom_id", "control characters"},
        {"custom id space", consumers({makeConsumer("a", "x ")}), "consumers[0].custom_id",
         "must not start or end with a space"},
        {"custom id inner space", consumers({makeConsumer("a", "Acme Corp #42")}), "", ""},
        {"consumer groups", consumers({makeConsumer("a", {}, {"x", "y"})}), "", ""},
        {"consumer group dup", consumers({makeConsumer("a", {}, {"x", "y", "x"})}),
         "consumers[0].groups[2]", "duplicate group \"x\""},
        {"consumer group chars", consumers({makeConsumer("a", {}, {"x y"})}),
         "consumers[0].groups[0]", "only letters"},
        {"consumer group empty", consumers({makeConsumer("a", {}, {""})}),
         "consumers[0].groups[0]", "empty group name"},
        {"jwks bounds", provider([](auto &p) { p.jwksCacheMinS = 1; p.jwksCacheMaxS = 2592000; }),
         "", ""},
        {"jwks equal", provider([](auto &p) { p.jwksCacheMinS = p.jwksCacheMaxS = 600; }), "",
         ""},
        {"jwks min 0", provider([](auto &p) { p.jwksCacheMinS = 0; }),
         "jwt_providers[0].jwks_cache_min_s", "must be between 1 and 2592000"},
        {"jwks max big", provider([](auto &p) { p.jwksCacheMaxS = 2592001; }),
         "jwt_providers[0].jwks_cache_max_s", "must be between 1 and 2592000"},
        {"jwks min above max",
         provider([](auto &p) { p.jwksCacheMinS = 100; p.jwksCacheMaxS = 50; }),
         "jwt_providers[0].jwks_cache_min_s", "must not be above jwks_cache_max_s (50)"},
        {"new algorithms", provider([](auto &p) {
             p.algorithms = {"PS384", "PS512", "ES512", "PS256", "ES256", "EdDSA"};
             p.secret.clear();
             p.jwksUrl = "https://idp.example.test/jwks";
         }),
         "", ""},
        {"algorithm unknown", provider([](auto &p) { p.algorithms = {"ES256K"}; }),
         "jwt_providers[0].algorithms[0]", "PS384, PS512, ES256, ES384, ES512, EdDSA"},
    };
    runCases(std::begin(cases), std::end(cases));
}

void TestConfigValidator::keyHeaderCheck()
{
    QVERIFY(checkKeyHeader(QStringLiteral("X-API-Key")).isEmpty());
    QVERIFY(checkKeyHeader(QStringLiteral("apikey")).isEmpty());
    QVERIFY(!checkKeyHeader(QStringLiteral("AUTHORIZATION")).isEmpty());
    QVERIFY(!checkKeyHeader(QStringLiteral("X-API-Kéy")).isEmpty());
    QVERIFY(!checkKeyHeader(QStringLiteral("X-(Key)")).isEmpty());
}

void TestConfigValidator::publicKeyMustFitItsAlgorithms()
{
    Config config = validConfig();
    JwtProviderConfig provider;
    provider.name = QStringLiteral("idp");
    provider.issuer = QStringLiteral("https://idp.test");
    provider.algorithms = {QStringLiteral("RS256"), QStringLiteral("PS256")};
    provider.publicKey = QString::fromLatin1(test::RsaSigningKey("k").publicPem());
    config.jwtProviders = {provider};
    QVERIFY(validateConfig(config).empty());

    // An RSA key cannot verify ES256: every token would be refused at run time.
    config.jwtProviders[0].algorithms = {QStringLiteral("RS256"), QStringLiteral("ES256")};
    ConfigErrors errors = validateConfig(config);
    QCOMPARE(errors.size(), size_t(1));
    QCOMPARE(errors[0].toString(), QStringLiteral("jwt_providers[0].algorithms[1]: the public_key "
                                                  "cannot verify ES256 (wrong key type or size)"));

    // A PEM that is only shaped like one.
    config.jwtProviders[0].algorithms = {QStringLiteral("RS256")};
    config.jwtProviders[0].publicKey =
        QStringLiteral("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
    errors = validateConfig(config);
    QCOMPARE(errors.size(), size_t(1));
    QCOMPARE(errors[0].path, QStringLiteral("jwt_providers[0].public_key"));

    // Too short an RSA key for RS256 (RFC 7518 3.3).
    const test::RsaSigningKey shortKey("k", 1024);
    config.jwtProviders[0].publicKey = QString::fromLatin1(shortKey.publicPem());
    errors = validateConfig(config);
    QCOMPARE(errors.size(), size_t(1));
    QCOMPARE(errors[0].path, QStringLiteral("jwt_providers[0].algorithms[0]"));
}

void TestConfigValidator::serviceTlsCases()
{
    const test::TestCertificate ca = test::TestCertificate::selfSigned();
    const QString pem = QString::fromLatin1(ca.certificatePem);
    auto https = [](auto f) {
        return [f](Config &c) {
            c.services[0].targets[0].url = QStringLiteral("https://127.0.0.1:9443");
            f(c.services[0]);
        };
    };
    auto bundle = [&](const QString &text) {
        return https([text](ServiceConfig &s) { s.caBundle = text; });
    };
    auto withCertificate = [&ca](const QString &name) {
        return [name, &ca](Config &c) {
            CertificateConfig certificate;
            certificate.name = QStringLiteral("gateway-client");
            certificate.certificate = QString::fromLatin1(ca.certificatePem);
            certificate.key = QString::fromLatin1(ca.keyPem);
            c.certificates.push_back(certificate);
            c.services[0].clientCertificate = name;
        };
    };
    const Case cases[] = {
        {"https, system CAs", https([](ServiceConfig &) {}), "", ""},
        {"bundle", bundle(pem), "", ""},
        {"bundle of two, commented", bundle("# ours\n" + pem + "# again\n" + pem), "", ""},
        {"bundle not PEM", bundle("not a certificate"), "services[0].ca_bundle",
         "expected at least one PEM certificate"},
        {"bundle with a key", bundle(pem + QString::fromLatin1(ca.keyPem)),
         "services[0].ca_bundle", "block 2 is a \"PRIVATE KEY\", not a CERTIFICATE"},
        {"bundle damaged",
         bundle("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
         "services[0].ca_bundle", "certificate 1 does not parse"},
        {"bundle on plain http", [&](Config &c) { c.services[0].caBundle = "junk"; },
         "services[0].ca_bundle", "expected at least one PEM certificate"},
        {"server name", https([](ServiceConfig &s) { s.tlsServerName = "api.internal"; }), "",
         ""},
        {"server name bad", https([](ServiceConfig &s) { s.tlsServerName = "api internal"; }),
         "services[0].tls_server_name", "invalid host name \"api internal\""},
        {"verify off", https([](ServiceConfig &s) { s.tlsVerify = false; }), "", ""},
        {"client certificate", withCertificate("gateway-client"), "", ""},
        {"client certificate unknown", withCertificate("nope"), "services[0].client_certificate",
         "unknown certificate \"nope\" (expected a name in certificates)"},
    };
    runCases(std::begin(cases), std::end(cases));
}

void TestConfigValidator::ipRules()
{
    const auto rule = parseIpRule(u"10.1.2.3/8");
    QVERIFY(rule);
    QCOMPARE(rule->first, QHostAddress(QStringLiteral("10.0.0.0")));
    QCOMPARE(rule->second, 8);
    QVERIFY(QHostAddress(QStringLiteral("10.200.0.1")).isInSubnet(*rule));
    QVERIFY(!QHostAddress(QStringLiteral("11.0.0.1")).isInSubnet(*rule));
    const auto single = parseIpRule(u"::1");
    QVERIFY(single);
    QCOMPARE(single->second, 128);
    QCOMPARE(parseIpRule(u"192.168.0.1")->second, 32);
    QString why;
    QVERIFY(!parseIpRule(u"10.0.0.0/33", &why));
    QCOMPARE(why, QStringLiteral("invalid prefix length \"33\" (expected 0-32)"));
    QVERIFY(!parseIpRule(u"1.2.3", &why));
    QVERIFY(!parseIpRule(u"::1/1x", &why));
}

void TestConfigValidator::manyConsumersWithCustomIds()
{
    // 100,000 consumers with custom ids and groups: the repeats are found by one sort, not a
    // comparison of every pair, and the answer is the one the small cases give.
    Config config = validConfig();
    for (int i = 0; i < 100'000; ++i)
        config.consumers.append(makeConsumer(QStringLiteral("c%1").arg(i),
                                             QStringLiteral("ext-%1").arg(i),
                                             {QStringLiteral("g%1").arg(i % 7)}));
    config.consumers[99'999].customId = QStringLiteral("ext-5");
    config.consumers[50'000].groups.append(QStringLiteral("g6")); // 50,000 % 7 == 6
    QElapsedTimer timer;
    timer.start();
    const ConfigErrors errors = validateConfig(config);
    qInfo("validated 100,000 consumers in %lld ms", timer.elapsed());
    QCOMPARE(describe(errors),
             QStringLiteral("consumers[50000].groups[1]: duplicate group \"g6\"; "
                            "consumers[99999].custom_id: duplicate custom_id \"ext-5\" (also "
                            "consumers[5])"));
}

void TestConfigValidator::regexErrorFormat()
{
    Config config = validConfig();
    config.routes[3].paths = {QStringLiteral("/ok"), QStringLiteral("~^/users/(")};
    const ConfigErrors errors = validateConfig(config);
    QCOMPARE(errors.size(), size_t(1));
    QCOMPARE(errors.front().path, QStringLiteral("routes[3].paths[1]"));
    const QRegularExpression expected(QStringLiteral("^invalid regex: .+ at offset \\d+$"));
    QVERIFY2(expected.match(errors.front().message).hasMatch(), qPrintable(describe(errors)));

    const QRegularExpression bad(QStringLiteral("^/users/("));
    QCOMPARE(errors.front().message, QStringLiteral("invalid regex: %1 at offset %2")
                                         .arg(bad.errorString())
                                         .arg(bad.patternErrorOffset()));
}

void TestConfigValidator::unknownServiceFormat()
{
    Config config = validConfig();
    config.routes[3].service = QStringLiteral("x");
    const ConfigErrors errors = validateConfig(config);
    QCOMPARE(errors.size(), size_t(1));
    QCOMPARE(errors.front().toString(), QStringLiteral("routes[3].service: unknown service \"x\""));
}

void TestConfigValidator::errorsInConfigOrder()
{
    Config config = validConfig();
    config.settings.workers = 1000;
    config.services[1].retries = 9;
    config.routes[0].paths = {QStringLiteral("nope")};
    config.routes[2].service = QStringLiteral("gone");
    const ConfigErrors errors = validateConfig(config);
    QStringList paths;
    for (const ConfigError &e : errors)
        paths.append(e.path);
    QCOMPARE(paths, (QStringList{"settings.workers", "services[1].retries", "routes[0].paths[0]",
                                 "routes[2].service"}));
}

void TestConfigValidator::hostPort()
{
    auto hp = parseHostPort(QStringLiteral("[::1]:8080"));
    QVERIFY(hp);
    QCOMPARE(hp->host, QStringLiteral("::1"));
    QCOMPARE(hp->port, quint16(8080));
    hp = parseHostPort(QStringLiteral("example.test:0"));
    QVERIFY(hp);
    QCOMPARE(hp->host, QStringLiteral("example.test"));
    QCOMPARE(hp->port, quint16(0));
    QString why;
    QVERIFY(!parseHostPort(QStringLiteral("1.2.3:80"), &why));
    QVERIFY2(why.contains(QStringLiteral("IPv4")), qPrintable(why));
    QVERIFY(!parseHostPort(QStringLiteral("host:"), &why));
    QVERIFY(!parseHostPort(QStringLiteral("host:8o"), &why));
    QVERIFY(!parseHostPort(QStringLiteral("[::1]8080"), &why));
    QVERIFY(isLoopbackHost(QStringLiteral("127.0.0.2")));
    QVERIFY(isLoopbackHost(QStringLiteral("::1")));
    QVERIFY(isLoopbackHost(QStringLiteral("LocalHost")));
    QVERIFY(!isLoopbackHost(QStringLiteral("0.0.0.0")));
    QVERIFY(!isLoopbackHost(QStringLiteral("example.test")));
}

void TestConfigValidator::targetUrl()
{
    auto url = parseTargetUrl(QStringLiteral("http://127.0.0.1:9001"));
    QVERIFY(url);
    QCOMPARE(url->scheme, QStringLiteral("http"));
    QCOMPARE(url->host, QStringLiteral("127.0.0.1"));
    QCOMPARE(url->port, quint16(9001));
    QCOMPARE(url->basePath, QByteArray());

    url = parseTargetUrl(QStringLiteral("HTTP://Users.Internal/api/v1/"));
    QVERIFY(url);
    QCOMPARE(url->scheme, QStringLiteral("http"));
    QCOMPARE(url->host, QStringLiteral("Users.Internal"));
    QCOMPARE(url->port, quint16(80));
    QCOMPARE(url->basePath, QByteArray("/api/v1"));

    url = parseTargetUrl(QStringLiteral("https://[::1]/"));
    QVERIFY(url);
    QCOMPARE(url->host, QStringLiteral("::1"));
    QCOMPARE(url->port, quint16(443));
    QCOMPARE(url->basePath, QByteArray());

    url = parseTargetUrl(QStringLiteral("http://x:8080/a%20b"));
    QVERIFY(url);
    QCOMPARE(url->basePath, QByteArray("/a%20b"));

    QVERIFY(!parseTargetUrl(QStringLiteral("http://x/a%2")));
    QVERIFY(!parseTargetUrl(QStringLiteral("ws://x")));
    QVERIFY(!parseTargetUrl(QString()));
}

void TestConfigValidator::validBaseGivesTheSameAnswer()
{
    Config base = validConfig();
    PlanConfig plan;
    plan.name = QStringLiteral("free");
    base.plans.push_back(plan);
    for (int i = 0; i < 3; ++i) {
        ConsumerConfig consumer;
        consumer.name = QStringLiteral("c%1").arg(i);
        consumer.plan = QStringLiteral("free");
        base.consumers.push_back(consumer);
    }
    QVERIFY(validateConfig(base).empty());

    // The errors with the base, after checking they are those without it.
    const auto sameAnswer = [&](const Config &edited) {
        QStringList full, incremental;
        for (const ConfigError &e : validateConfig(edited))
            full.append(e.toString());
        for (const ConfigError &e : validateConfig(edited, &base))
            incremental.append(e.toString());
        return incremental == full ? full : QStringList{QStringLiteral("differs")};
    };
    // A route edit leaves the consumers shared: nothing to find there, same answer.
    Config edited = base;
    edited.routes[0].paths = {QStringLiteral("bad")};
    QVERIFY(edited.consumers.isSharedWith(base.consumers));
    QCOMPARE(sameAnswer(edited).size(), 1);
    // A consumer edit detaches the list: checked again, and its error found.
    edited = base;
    edited.consumers[1].plan = QStringLiteral("gold");
    QCOMPARE(sameAnswer(edited),
             QStringList{QStringLiteral("consumers[1].plan: unknown plan \"gold\"")});
    // Renaming the plan touches only the plans: the consumers must be checked again.
    edited = base;
    edited.plans[0].name = QStringLiteral("basic");
    QVERIFY(edited.consumers.isSharedWith(base.consumers));
    QCOMPARE(sameAnswer(edited).size(), 3);
    // A repeated custom_id and a bad group are found with a base too.
    edited = base;
    edited.consumers[0].customId = QStringLiteral("same");
    edited.consumers[2].customId = QStringLiteral("same");
    edited.consumers[1].groups = {QStringLiteral("bad group")};
    QCOMPARE(sameAnswer(edited),
             (QStringList{QStringLiteral("consumers[1].groups[0]: only letters, digits, '.', '_' "
                                         "and '-' are allowed"),
                          QStringLiteral("consumers[2].custom_id: duplicate custom_id \"same\" "
                                         "(also consumers[0])")}));
}

QTEST_GUILESS_MAIN(TestConfigValidator)
#include "tst_config_validator.moc"
