#include "KongFormat.h"

#include "ForeignNames.h"
#include "KongAccess.h"
#include "KongCertificates.h"
#include "KongPaths.h"
#include "config/Addresses.h"
#include "config/TreeValue.h"

#include <QHash>
#include <QSet>
#include <QUrl>

#include <algorithm>

namespace portico {

namespace {

// Where rate-limiting counters live: Kong sets this per plugin, Portico once in settings.
struct CounterStore
{
    bool redis = false;
    QString host;
    int port = 6379;
    int database = 0;
};

CounterStore counterStore(const QString &setting)
{
    CounterStore store;
    if (setting == QStringLiteral("local"))
        return store;
    const QUrl url(setting);
    store.redis = true;
    store.host = url.host();
    store.port = url.port(6379);
    store.database = url.path().size() > 1 ? url.path().sliced(1).toInt() : 0;
    return store;
}

QString hostForKong(const QString &host)
{
    return host.contains(u':') ? QLatin1Char('[') + host + QLatin1Char(']') : host;
}

// Upstream names must be host names: no '_'.
QString upstreamName(const QString &service, QSet<QString> &taken)
{
    QString name = service;
    name.replace(u'_', u'-');
    return uniqueName(name + QStringLiteral(".upstream"), taken);
}

class KongExporter
{
public:
    KongExporter(const Config &config, PrivateKeys keys)
        : m_config(config)
        , m_keys(keys)
        , m_store(counterStore(config.settings.rateLimitStore))
    {
    }

    ForeignExport run();

private:
    void reportSettings();
    void reportRateLimitSettings();
    TreeValue service(qsizetype index, TreeValue &upstreams);
    // https:// services: tls_verify, and what Kong keeps elsewhere reported.
    void exportServiceTls(const ServiceConfig &s, const QString &protocol,
                          const std::vector<TargetUrl> &urls, const QString &where,
                          TreeValue &tree);
    TreeValue route(qsizetype index, const ServiceConfig &service);
    TreeValue consumer(qsizetype index);
    TreeValue rateLimiting(const LimitsConfig &limits) const;
    void reportPlansAndProviders();
    void assignRegexPriorities();

    void notCarried(const QString &line) { m_report.notCarried.append(line); }
    void note(const QString &line) { m_report.notes.append(line); }

    const Config &m_config;
    PrivateKeys m_keys;
    CounterStore m_store;
    ForeignReport m_report;
    QSet<QString> m_upstreamNames;
    QHash<qsizetype, int> m_regexPriority; // route index -> Kong regex_priority
    int m_prefixPaths = 0;                 // prefixes whose Kong match is wider
    int m_keyRoutes = 0;                   // routes with key-auth
};

ForeignExport KongExporter::run()
{
    assignRegexPriorities();
    TreeValue upstreams = TreeValue::list();
    TreeValue services = TreeValue::list();
    for (qsizetype i = 0; i < qsizetype(m_config.services.size()); ++i)
        services.append(service(i, upstreams));
    QSet<QString> serviceNames;
    for (const ServiceConfig &s : m_config.services)
        serviceNames.insert(s.name);
    for (qsizetype i = 0; i < qsizetype(m_config.routes.size()); ++i) {
        const RouteConfig &r = m_config.routes[size_t(i)];
        if (!serviceNames.contains(r.service))
            notCarried(entityLabel(indexed(QStringLiteral("routes"), i), r.name)
                       + QStringLiteral(": its service \"%1\" does not exist").arg(r.service));
    }
    if (m_prefixPaths > 0)
        note(QStringLiteral("routes: Kong path prefixes are not bounded by segments: \"/users\" "
                            "also matches \"/usersx\" in Kong (%1 prefix paths)")
                 .arg(m_prefixPaths));
    if (m_keyRoutes > 0)
        note(QStringLiteral("routes: Portico also accepts an API key as \"Authorization: Bearer "
                            "<key>\"; Kong's key-auth reads only key_names (%1 routes with auth "
                            "key)")
                 .arg(m_keyRoutes));
    if (m_config.routes.size() > 1)
        note(QStringLiteral("routes: Kong ranks routes by how many of hosts, methods and paths "
                            "they set before comparing paths; when several routes match a request "
                            "the winner can differ from Portico's precedence (docs/routing.md)"));

    TreeValue consumers = TreeValue::list();
    for (qsizetype i = 0; i < qsizetype(m_config.consumers.size()); ++i)
        consumers.append(consumer(i));
    reportPlansAndProviders();
    reportSettings();

    // settings.max_body_bytes is Portico's default for every route.
    TreeValue sizeLimit = TreeValue::map();
    sizeLimit.insert("allowed_payload_size", m_config.settings.limits.maxBodyBytes)
        .insert("size_unit", "bytes");
    TreeValue plugins = TreeValue::list();
    plugins.append(kongPlugin("request-size-limiting", std::move(sizeLimit)));

    TreeValue root = TreeValue::map();
    root.insert("_format_version", "3.0").insert("services", std::move(services));
    if (!upstreams.isEmpty())
        root.insert("upstreams", std::move(upstreams));
    if (!consumers.isEmpty())
        root.insert("consumers", std::move(consumers));
    TreeValue certificates = kongCertificates(m_config, m_keys, m_report);
    if (!certificates.isEmpty())
        root.insert("certificates", std::move(certificates));
    root.insert("plugins", std::move(plugins));
    // decK wants the version as a string; yaml-cpp would write the plain (float-looking) 3.0.
    QByteArray yaml = root.toYaml();
    const QByteArray plain = "_format_version: 3.0\n";
    if (yaml.startsWith(plain))
        yaml.replace(0, plain.size(), "_format_version: \"3.0\"\n");
    return {yaml, m_report};
}

// Kong tries regex paths by regex_priority (highest first); Portico tries exact paths first,
// then regexes in config order.
void KongExporter::assignRegexPriorities()
{
    int regexRoutes = 0;
    for (const RouteConfig &r : m_config.routes) {
        if (r.enabled && std::any_of(r.paths.cbegin(), r.paths.cend(), [](const QString &p) {
                return p.startsWith(u'~');
            }))
            ++regexRoutes;
    }
    int next = regexRoutes;
    for (qsizetype i = 0; i < qsizetype(m_config.routes.size()); ++i) {
        const RouteConfig &r = m_config.routes[size_t(i)];
        if (!r.enabled)
            continue;
        const bool exact = std::any_of(r.paths.cbegin(), r.paths.cend(),
                                       [](const QString &p) { return p.startsWith(u'='); });
        const bool regex = std::any_of(r.paths.cbegin(), r.paths.cend(),
                                       [](const QString &p) { return p.startsWith(u'~'); });
        if (exact)
            m_regexPriority.insert(i, regexRoutes + 1);
        else if (regex)
            m_regexPriority.insert(i, next--);
    }
}

TreeValue KongExporter::service(qsizetype index, TreeValue &upstreams)
{
    const ServiceConfig &s = m_config.services[size_t(index)];
    const QString where = entityLabel(indexed(QStringLiteral("services"), index), s.name);
    std::vector<TargetUrl> urls;
    for (const TargetConfig &t : s.targets) {
        if (const auto url = parseTargetUrl(t.url))
            urls.push_back(*url);
    }
    // A Kong service has one protocol: the first target's.
    const QString protocol = urls.empty() ? QStringLiteral("http") : urls.front().scheme;
    TreeValue tree = TreeValue::map();
    tree.insert("name", s.name).insert("protocol", protocol);
    if (urls.size() == 1 && !urls.front().host.contains(u':')) {
        tree.insert("host", urls.front().host).insert("port", int(urls.front().port));
    } else {
        // Several targets share the load through an upstream the service's host names.
        const QString name = upstreamName(s.name, m_upstreamNames);
        TreeValue targets = TreeValue::list();
        for (size_t t = 0; t < urls.size(); ++t) {
            TreeValue target = TreeValue::map();
            target
                .insert("target",
                        hostForKong(urls[t].host) + QLatin1Char(':')
                            + QString::number(urls[t].port))
                .insert("weight", s.targets[t].weight)
                .setFlow();
            targets.append(std::move(target));
        }
        TreeValue upstream = TreeValue::map();
        upstream.insert("name", name)
            .insert("algorithm", "round-robin")
            .insert("targets", std::move(targets));
        upstreams.append(std::move(upstream));
        tree.insert("host", name).insert("port", protocol == QStringLiteral("https") ? 443 : 80);
    }
    if (!urls.empty() && !urls.front().basePath.isEmpty())
        tree.insert("path", QString::fromUtf8(urls.front().basePath));
    for (size_t t = 1; t < urls.size(); ++t) {
        if (urls[t].basePath != urls.front().basePath) {
            notCarried(where
                       + QStringLiteral(": targets have different base paths; a Kong "
                                        "service has one path, \"%1\" is carried")
                             .arg(QString::fromUtf8(urls.front().basePath)));
            break;
        }
    }
    tree.insert("connect_timeout", s.connectTimeoutMs)
        .insert("read_timeout", s.readTimeoutMs)
        .insert("retries", s.retries);
    exportServiceTls(s, protocol, urls, where, tree);

    TreeValue routes = TreeValue::list();
    for (qsizetype r = 0; r < qsizetype(m_config.routes.size()); ++r) {
        if (m_config.routes[size_t(r)].service == s.name) {
            TreeValue kongRoute = route(r, s);
            if (!kongRoute.isEmpty())
                routes.append(std::move(kongRoute));
        }
    }
    if (!routes.isEmpty())
        tree.insert("routes", std::move(routes));
    return tree;
}

void KongExporter::exportServiceTls(const ServiceConfig &s, const QString &protocol,
                                    const std::vector<TargetUrl> &urls, const QString &where,
                                    TreeValue &tree)
{
    if (std::any_of(urls.begin(), urls.end(),
                    [&](const TargetUrl &url) { return url.scheme != protocol; }))
        notCarried(where
                   + QStringLiteral(": targets mix http:// and https://; a Kong service has "
                                    "one protocol, %1 is carried")
                         .arg(protocol));
    if (protocol != QStringLiteral("https"))
        return;
    tree.insert("tls_verify", s.tlsVerify);
    if (!s.caBundle.isEmpty())
        notCarried(where
                   + QStringLiteral(": ca_bundle not carried (add it to Kong as "
                                    "ca_certificates and list their ids on the service)"));
    if (!s.tlsServerName.isEmpty())
        notCarried(where
                   + QStringLiteral(": tls_server_name \"%1\" not carried (Kong verifies "
                                    "and sends the service's host)")
                         .arg(s.tlsServerName));
    if (!s.clientCertificate.isEmpty())
        notCarried(where
                   + QStringLiteral(": client_certificate \"%1\" not carried (add it to Kong "
                                    "as a certificate and give its id on the service)")
                         .arg(s.clientCertificate));
}

TreeValue KongExporter::route(qsizetype index, const ServiceConfig &service)
{
    const RouteConfig &r = m_config.routes[size_t(index)];
    const QString path = indexed(QStringLiteral("routes"), index);
    const QString where = entityLabel(path, r.name);
    if (!r.enabled) {
        notCarried(where
                   + QStringLiteral(": disabled; Kong routes cannot be disabled, so it is "
                                    "left out"));
        return {};
    }
    QStringList paths;
    for (qsizetype p = 0; p < r.paths.size(); ++p) {
        const QString &portico = r.paths[p];
        paths.append(porticoToKongPath(portico));
        if (portico.startsWith(u'/') && !portico.endsWith(u'/'))
            ++m_prefixPaths;
        if (!portico.startsWith(u'~'))
            continue;
        const QString caveat = kongRegexCaveat(portico);
        if (!caveat.isEmpty())
            notCarried(where + QStringLiteral(": regex path \"%1\" %2").arg(portico, caveat));
        if (!portico.startsWith(QStringLiteral("~^"))) {
            note(where
                 + QStringLiteral(": regex path \"%1\" carried as Kong regex path \"%2\" "
                                  "(Kong anchors regex paths at the start)")
                       .arg(portico, paths.back()));
            if (r.stripPath)
                notCarried(where
                           + QStringLiteral(": strip_path on the unanchored regex \"%1\": "
                                            "Kong strips everything up to the end of the "
                                            "match, Portico only a match at the start")
                                 .arg(portico));
        }
    }
    TreeValue tree = TreeValue::map();
    tree.insert("name", r.name).insert("paths", TreeValue::flowList(paths));
    if (!r.hosts.isEmpty())
        tree.insert("hosts", TreeValue::flowList(r.hosts));
    if (!r.methods.isEmpty())
        tree.insert("methods", TreeValue::flowList(r.methods));
    tree.insert("strip_path", r.stripPath).insert("preserve_host", service.preserveHost);
    if (m_regexPriority.contains(index))
        tree.insert("regex_priority", m_regexPriority.value(index));

    TreeValue plugins = TreeValue::list();
    appendKongAccessPlugins(r, where, plugins, m_report);
    m_keyRoutes += r.auth.contains(QStringLiteral("key")) ? 1 : 0;
    if (!r.rateLimit.isEmpty())
        plugins.append(kongPlugin("rate-limiting", rateLimiting(r.rateLimit)));
    if (r.maxBodyBytes >= 0) {
        TreeValue config = TreeValue::map();
        config.insert("allowed_payload_size", r.maxBodyBytes).insert("size_unit", "bytes");
        plugins.append(kongPlugin("request-size-limiting", std::move(config)));
    }
    if (!plugins.isEmpty())
        tree.insert("plugins", std::move(plugins));
    return tree;
}

TreeValue KongExporter::rateLimiting(const LimitsConfig &l) const
{
    TreeValue config = TreeValue::map();
    for (const auto &[name, value] : l.windows()) {
        if (value)
            config.insert(name, value);
    }
    // Kong falls back to the client IP when no consumer is known, as Portico does.
    config.insert("limit_by", "consumer");
    const SettingsConfig &s = m_config.settings;
    if (m_store.redis) {
        config.insert("policy", "redis")
            .insert("redis_host", m_store.host)
            .insert("redis_port", m_store.port)
            .insert("redis_database", m_store.database)
            .insert("redis_timeout", s.rateLimitRedisTimeoutMs)
            // Kong has no local fallback: it either admits uncounted or refuses (with 500).
            .insert("fault_tolerant", s.rateLimitRedisDown != QStringLiteral("closed"));
    } else {
        config.insert("policy", "local");
    }
    if (s.rateLimitHeaders == QStringLiteral("none"))
        config.insert("hide_client_headers", true);
    return config;
}

TreeValue KongExporter::consumer(qsizetype index)
{
    const ConsumerConfig &c = m_config.consumers[size_t(index)];
    const QString where = entityLabel(indexed(QStringLiteral("consumers"), index), c.name);
    TreeValue tree = TreeValue::map();
    tree.insert("username", c.name);
    addKongConsumerAccess(c, tree);
    if (!c.keys.empty())
        notCarried(where
                   + QStringLiteral(": %1 API key(s) not carried: Portico keeps only their "
                                    "sha256 hashes and Kong's key-auth needs the plaintext; "
                                    "issue new keys in Kong (keyauth_credentials)")
                         .arg(c.keys.size()));
    const auto plan = std::find_if(m_config.plans.cbegin(), m_config.plans.cend(),
                                   [&](const PlanConfig &p) { return p.name == c.plan; });
    if (plan != m_config.plans.cend() && !plan->limits.isEmpty()) {
        // One rate-limiting plugin per consumer (works in every Kong 3.x, unlike consumer
        // groups); the tag names the plan so that importing it back restores the plan.
        TreeValue limits = kongPlugin("rate-limiting", rateLimiting(plan->limits));
        limits.insert("tags", TreeValue::flowList({QStringLiteral("portico-plan:") + c.plan}));
        TreeValue plugins = TreeValue::list();
        plugins.append(std::move(limits));
        tree.insert("plugins", std::move(plugins));
    }
    return tree;
}

void KongExporter::reportPlansAndProviders()
{
    bool planLimits = false;
    for (qsizetype i = 0; i < qsizetype(m_config.plans.size()); ++i) {
        const PlanConfig &p = m_config.plans[size_t(i)];
        const bool used = std::any_of(m_config.consumers.cbegin(), m_config.consumers.cend(),
                                      [&](const ConsumerConfig &c) { return c.plan == p.name; });
        planLimits = planLimits || (used && !p.limits.isEmpty());
        if (!used)
            notCarried(entityLabel(indexed(QStringLiteral("plans"), i), p.name)
                       + QStringLiteral(": no consumer is on it; plans are carried only as "
                                        "rate-limiting plugins on their consumers"));
        else if (p.limits.isEmpty())
            notCarried(entityLabel(indexed(QStringLiteral("plans"), i), p.name)
                       + QStringLiteral(": has no limits, so its consumers get no "
                                        "rate-limiting plugin and the plan name is not carried"));
    }
    const bool routeLimits =
        std::any_of(m_config.routes.cbegin(), m_config.routes.cend(),
                    [](const RouteConfig &r) { return r.enabled && !r.rateLimit.isEmpty(); });
    if (planLimits && routeLimits)
        notCarried(QStringLiteral("plans and routes[].rate_limit: Kong runs one rate-limiting "
                                  "plugin per request, and a consumer's plugin takes precedence "
                                  "over a route's; Portico applies both limits"));
    for (qsizetype i = 0; i < qsizetype(m_config.jwtProviders.size()); ++i) {
        const JwtProviderConfig &p = m_config.jwtProviders[size_t(i)];
        notCarried(entityLabel(indexed(QStringLiteral("jwt_providers"), i), p.name)
                   + QStringLiteral(": not carried: Kong's jwt plugin looks a token's iss claim "
                                    "up among consumers' jwt_secrets; create a jwt_secret with "
                                    "key \"%1\" for each consumer (routes with auth jwt get the "
                                    "jwt plugin, which rejects every token until then)%2")
                         .arg(p.issuer,
                              p.jwksUrl.isEmpty() ? QString()
                                                  : QStringLiteral("; Kong's jwt plugin cannot "
                                                                   "fetch jwks_url")));
    }
}

void KongExporter::reportSettings()
{
    const SettingsConfig &s = m_config.settings;
    const auto setting = [&](const char *field, const QString &value, const char *kong) {
        notCarried(QStringLiteral("settings.%1 (%2): not carried; the nearest Kong setting is %3 "
                                  "in kong.conf")
                       .arg(QLatin1String(field), value, QLatin1String(kong)));
    };
    setting("listen", s.listen, "proxy_listen");
    if (!s.listenTls.isEmpty())
        setting("listen_tls", s.listenTls, "proxy_listen with the ssl flag");
    if (s.redirectHttp)
        notCarried(QStringLiteral("settings.redirect_http: not carried; Kong routes redirect "
                                  "with protocols: [https] and https_redirect_status_code"));
    if (s.hstsMaxAgeS > 0)
        notCarried(QStringLiteral("settings.hsts_max_age_s (%1): not carried; add the header "
                                  "with the response-transformer plugin")
                       .arg(s.hstsMaxAgeS));
    setting("admin_listen", s.adminListen, "admin_listen");
    if (!s.adminToken.isEmpty())
        notCarried(QStringLiteral("settings.admin_token: not carried (a secret; protect Kong's "
                                  "Admin API by its own means)"));
    setting("workers", QString::number(s.workers), "nginx_worker_processes");
    setting("max_uri_bytes", QString::number(s.limits.maxUriBytes),
            "nginx_http_large_client_header_buffers");
    setting("max_header_bytes", QString::number(s.limits.maxHeaderBytes),
            "nginx_http_large_client_header_buffers");
    setting("header_timeout_ms", QString::number(s.limits.headerTimeoutMs),
            "nginx_http_client_header_timeout");
    setting("idle_timeout_ms", QString::number(s.limits.idleTimeoutMs),
            "nginx_http_keepalive_timeout");
    setting("upstream_idle_timeout_ms", QString::number(s.upstreamIdleTimeoutMs),
            "upstream_keepalive_idle_timeout");
    setting("upstream_pool_size", QString::number(s.upstreamPoolSize),
            "upstream_keepalive_pool_size");
    notCarried(QStringLiteral("settings.eject_after_failures (%1) and eject_duration_ms (%2): not "
                              "carried; Kong's passive health checks (upstreams[].healthchecks) "
                              "do not re-admit a target by themselves")
                   .arg(s.ejectAfterFailures)
                   .arg(s.ejectDurationMs));
    setting("shutdown_timeout_ms", QString::number(s.shutdownTimeoutMs),
            "nginx_main_worker_shutdown_timeout");
    if (m_store.redis)
        note(QStringLiteral("settings.rate_limit_store: carried as policy redis on every "
                            "rate-limiting plugin"));
    reportRateLimitSettings();
}

// The rate-limit settings Kong sets per rate-limiting plugin, or not at all.
void KongExporter::reportRateLimitSettings()
{
    const SettingsConfig &s = m_config.settings;
    const bool limits =
        std::any_of(m_config.routes.cbegin(), m_config.routes.cend(),
                    [](const RouteConfig &r) { return r.enabled && !r.rateLimit.isEmpty(); })
        || std::any_of(m_config.plans.cbegin(), m_config.plans.cend(),
                       [](const PlanConfig &p) { return !p.limits.isEmpty(); });
    if (limits && s.rateLimitHeaders != QStringLiteral("none"))
        notCarried(QStringLiteral("settings.rate_limit_headers (%1): not carried; Kong's "
                                  "rate-limiting sends its own RateLimit-Limit/-Remaining/-Reset "
                                  "and X-RateLimit-*-<window> headers (only none is carried, as "
                                  "hide_client_headers)")
                       .arg(s.rateLimitHeaders));
    if (m_store.redis && s.rateLimitRedisDown == QStringLiteral("local"))
        notCarried(QStringLiteral("settings.rate_limit_redis_down (local): not carried; Kong "
                                  "cannot count locally while Redis is away, written as "
                                  "fault_tolerant true (requests pass uncounted)"));
    else if (m_store.redis && s.rateLimitRedisDown == QStringLiteral("closed"))
        note(QStringLiteral("settings.rate_limit_redis_down (closed): carried as fault_tolerant "
                            "false; Kong answers 500 where Portico answers 503"));
    if (s.quotaTimezone != QStringLiteral("UTC"))
        notCarried(QStringLiteral("settings.quota_timezone (%1): not carried; Kong's day and "
                                  "month windows start at midnight UTC")
                       .arg(s.quotaTimezone));
}

} // namespace

ForeignExport exportKong(const Config &config, PrivateKeys keys)
{
    return KongExporter(config, keys).run();
}

} // namespace portico
