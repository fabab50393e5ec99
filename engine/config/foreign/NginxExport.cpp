#include "NginxExport.h"

#include "ForeignNames.h"
#include "NginxText.h"
#include "config/Addresses.h"

#include <QHash>
#include <QSet>

#include <algorithm>

namespace portico {

namespace {

class NginxExporter
{
public:
    explicit NginxExporter(const Config &config)
        : m_config(config)
    {
    }
    ForeignExport run();

private:
    // One server block: its server_name list and the routes it serves, own ones first.
    struct Server
    {
        QStringList names;
        std::vector<qsizetype> routes;
    };
    struct Entry
    {
        qsizetype route;
        QString path;
        QString match;
    };

    const ServiceConfig *serviceOf(const RouteConfig &route) const;
    void reportRoute(qsizetype index);
    void reportConfigWide();
    void writeUpstream(NginxWriter &out, qsizetype index);
    void writeRateZones(NginxWriter &out);
    void reportRateLimit(qsizetype index);
    void writeServer(NginxWriter &out, const Server &server,
                     const std::vector<qsizetype> &fallback);
    std::vector<Entry> locationsOf(const std::vector<qsizetype> &routes, const QStringList &names);
    QString listenAddress();
    // fail_timeout takes whole seconds only (nginx refuses "ms" there).
    qint64 failTimeoutSeconds() const
    {
        return std::max<qint64>(1, (m_config.settings.ejectDurationMs + 999) / 1000);
    }

    void notCarried(const QString &line) { m_report.notCarried.append(line); }
    void note(const QString &line) { m_report.notes.append(line); }
    QString routeLabel(qsizetype i) const
    {
        return entityLabel(indexed(QStringLiteral("routes"), i), m_config.routes[size_t(i)].name);
    }

    const Config &m_config;
    ForeignReport m_report;
    QSet<QString> m_shadowed; // "route match" already reported
    QString m_listen;
};

// The settings that go with a route's auth, none of which nginx checks either.
QString authSettings(const RouteConfig &r)
{
    QStringList fields;
    const RouteConfig defaults;
    const std::pair<const char *, bool> settings[] = {
        {"key_header", r.keyHeader != defaults.keyHeader},
        {"key_in_query", r.keyInQuery},
        {"jwt_providers", !r.jwtProviders.isEmpty()},
        {"jwt_anonymous", r.jwtAnonymous},
        {"allow_groups", !r.allowGroups.isEmpty()},
        {"deny_groups", !r.denyGroups.isEmpty()},
        {"allow_ips", !r.allowIps.isEmpty()},
        {"deny_ips", !r.denyIps.isEmpty()}};
    for (const auto &[field, set] : settings) {
        if (set)
            fields.append(QLatin1String(field));
    }
    return fields.isEmpty() ? QString()
                            : QStringLiteral(", nor its %1").arg(fields.join(QStringLiteral(", ")));
}

const ServiceConfig *NginxExporter::serviceOf(const RouteConfig &route) const
{
    for (const ServiceConfig &s : m_config.services) {
        if (s.name == route.service)
            return &s;
    }
    return nullptr;
}

ForeignExport NginxExporter::run()
{
    NginxWriter out;
    out.comment(QStringLiteral("nginx configuration exported from Portico. Include it inside "
                               "http {}:"));
    out.comment(QStringLiteral("    http { include portico.conf; }"));
    out.comment(QStringLiteral("What nginx cannot express is in the export report "
                               "(docs/formats.md)."));
    for (qsizetype i = 0; i < qsizetype(m_config.services.size()); ++i) {
        out.blank();
        writeUpstream(out, i);
    }

    writeRateZones(out);
    m_listen = listenAddress();
    std::vector<qsizetype> hostless;
    QStringList hostOrder;
    QHash<QString, std::vector<qsizetype>> byHost;
    for (qsizetype i = 0; i < qsizetype(m_config.routes.size()); ++i) {
        reportRoute(i);
        const RouteConfig &r = m_config.routes[size_t(i)];
        if (!r.enabled || !serviceOf(r))
            continue;
        if (r.hosts.isEmpty())
            hostless.push_back(i);
        for (const QString &host : r.hosts) {
            std::vector<qsizetype> &routes = byHost[host.toLower()];
            if (routes.empty())
                hostOrder.append(host.toLower());
            if (routes.empty() || routes.back() != i)
                routes.push_back(i);
        }
    }
    // Hosts served by the same routes share one server block.
    std::vector<Server> servers;
    for (const QString &host : hostOrder) {
        const auto same = std::find_if(servers.begin(), servers.end(), [&](const Server &s) {
            return s.routes == byHost.value(host);
        });
        if (same != servers.end())
            same->names.append(host);
        else
            servers.push_back({{host}, byHost.value(host)});
    }
    out.blank();
    writeServer(out, {{}, hostless}, {});
    for (const Server &server : servers) {
        out.blank();
        writeServer(out, server, hostless);
    }
    if (!servers.empty() && !hostless.empty())
        note(QStringLiteral("servers: each host's server block repeats the routes without hosts, "
                            "so requests fall back to them as in Portico; but nginx picks the best "
                            "location across both, where Portico tries the host's routes first"));
    reportConfigWide();
    return {out.text(), m_report};
}

QString NginxExporter::listenAddress()
{
    const auto address = parseHostPort(m_config.settings.listen);
    if (!address)
        return QStringLiteral("127.0.0.1:8080");
    const QString host = address->host.contains(u':') ? u'[' + address->host + u']' : address->host;
    if (address->port == 0) {
        notCarried(QStringLiteral("settings.listen (%1): nginx needs a fixed port; written as "
                                  "port 8080")
                       .arg(m_config.settings.listen));
        return host + QStringLiteral(":8080");
    }
    return host + u':' + QString::number(address->port);
}

void NginxExporter::writeUpstream(NginxWriter &out, qsizetype index)
{
    const ServiceConfig &s = m_config.services[size_t(index)];
    const SettingsConfig &settings = m_config.settings;
    const QString where = entityLabel(indexed(QStringLiteral("services"), index), s.name);
    out.open(QStringLiteral("upstream ") + nginxUpstreamName(s.name));
    QByteArray firstBase;
    QString firstHost, firstScheme;
    bool mixedBase = false, mixedHost = false, mixedScheme = false, names = false;
    for (size_t t = 0; t < s.targets.size(); ++t) {
        const auto url = parseTargetUrl(s.targets[t].url);
        if (!url)
            continue;
        const QString host = url->host.contains(u':') ? u'[' + url->host + u']' : url->host;
        const QString hostPort = host + u':' + QString::number(url->port);
        if (t == 0) {
            firstBase = url->basePath;
            firstHost = hostPort;
            firstScheme = url->scheme;
        }
        mixedBase = mixedBase || url->basePath != firstBase;
        mixedScheme = mixedScheme || url->scheme != firstScheme;
        mixedHost = mixedHost || hostPort != firstHost;
        names = names || !isIpAddress(url->host);
        const int weight = s.targets[t].weight;
        out.line(weight == 0 ? QStringLiteral("server %1 down;").arg(hostPort)
                             : QStringLiteral("server %1 weight=%2 max_fails=%3 fail_timeout=%4s;")
                                   .arg(hostPort)
                                   .arg(weight)
                                   .arg(settings.ejectAfterFailures)
                                   .arg(failTimeoutSeconds()));
    }
    out.line(QStringLiteral("keepalive %1;").arg(settings.upstreamPoolSize));
    out.line(QStringLiteral("keepalive_timeout %1ms;").arg(settings.upstreamIdleTimeoutMs));
    out.close();
    if (firstBase.contains('$'))
        notCarried(where
                   + QStringLiteral(": base path \"%1\" contains '$', which nginx reads as "
                                    "a variable in proxy_pass and rewrite")
                         .arg(QString::fromUtf8(firstBase)));
    if (mixedBase)
        notCarried(where
                   + QStringLiteral(": targets have different base paths; proxy_pass takes "
                                    "one, \"%1\" is carried")
                         .arg(QString::fromUtf8(firstBase)));
    if (mixedScheme)
        notCarried(where
                   + QStringLiteral(": targets mix http:// and https://; proxy_pass takes one "
                                    "scheme, %1 is carried")
                         .arg(firstScheme));
    if (mixedHost && firstScheme == QStringLiteral("https") && s.tlsServerName.isEmpty())
        notCarried(where
                   + QStringLiteral(": targets have different hosts; nginx sends one TLS name "
                                    "(proxy_ssl_name) to all of them"));
    if (mixedHost && !s.preserveHost)
        notCarried(where
                   + QStringLiteral(": preserve_host false sends each target its own "
                                    "host:port; nginx sends \"%1\" to all of them")
                         .arg(firstHost));
    if (names)
        note(where + QStringLiteral(": nginx resolves target host names once, when it starts"));
}

// One limit_req_zone per route with a rate_limit nginx can express, keyed by client address.
void NginxExporter::writeRateZones(NginxWriter &out)
{
    bool first = true;
    for (const RouteConfig &r : m_config.routes) {
        const auto rate = nginxRequestRate(r.rateLimit);
        if (!rate || !r.enabled || !serviceOf(r))
            continue;
        if (first) {
            out.blank();
            out.comment(QStringLiteral("Routes' rate_limit, counted per client address."));
            first = false;
        }
        out.line(QStringLiteral("limit_req_zone $binary_remote_addr zone=%1:10m rate=%2;")
                     .arg(nginxZoneName(r.name), rate->rate()));
    }
}

void NginxExporter::writeServer(NginxWriter &out, const Server &server,
                                const std::vector<qsizetype> &fallback)
{
    const SettingsConfig &s = m_config.settings;
    out.open(QStringLiteral("server"));
    if (server.names.isEmpty()) {
        out.line(QStringLiteral("listen %1 default_server;").arg(m_listen));
        out.line(QStringLiteral("server_name _;"));
    } else {
        out.line(QStringLiteral("listen %1;").arg(m_listen));
        QStringList names;
        for (const QString &name : server.names)
            names.append(nginxQuote(name));
        out.line(QStringLiteral("server_name %1;").arg(names.join(u' ')));
    }
    out.line(
        QStringLiteral("client_max_body_size %1;").arg(std::max<qint64>(1, s.limits.maxBodyBytes)));
    out.line(QStringLiteral("client_header_timeout %1ms;").arg(s.limits.headerTimeoutMs));
    out.line(QStringLiteral("keepalive_timeout %1ms;").arg(s.limits.idleTimeoutMs));
    std::vector<Entry> entries = locationsOf(server.routes, server.names);
    // Routes without hosts follow, where the host's own routes leave a location free.
    QSet<QString> taken;
    for (const Entry &e : entries)
        taken.insert(e.match);
    for (const Entry &e : locationsOf(fallback, server.names)) {
        if (!taken.contains(e.match))
            entries.push_back(e);
    }
    bool root = false;
    for (const Entry &e : entries) {
        const RouteConfig &route = m_config.routes[size_t(e.route)];
        out.blank();
        writeNginxLocation(out, {route, *serviceOf(route), s}, e.path, e.match);
        root = root || e.match == QStringLiteral("/");
    }
    if (!root) {
        // Without it nginx would serve files from its html directory.
        out.blank();
        out.open(QStringLiteral("location /"));
        out.line(QStringLiteral("return 404;"));
        out.close();
    }
    out.close();
}

// The locations of `routes`: exact paths first (they win over a prefix's "= /x" in Portico),
// the first route to claim a location keeping it.
std::vector<NginxExporter::Entry> NginxExporter::locationsOf(const std::vector<qsizetype> &routes,
                                                             const QStringList &names)
{
    std::vector<Entry> entries;
    QHash<QString, qsizetype> owner;
    for (const bool exactPass : {true, false}) {
        for (qsizetype i : routes) {
            for (const QString &path : m_config.routes[size_t(i)].paths) {
                if (path.startsWith(u'=') != exactPass)
                    continue;
                for (const QString &match : nginxLocationMatches(path)) {
                    const auto it = owner.constFind(match);
                    if (it == owner.cend()) {
                        owner.insert(match, i);
                        entries.push_back({i, path, match});
                        continue;
                    }
                    const bool implied = !path.startsWith(u'=') && match.startsWith(u'=');
                    const QString key = QString::number(i) + u' ' + match;
                    if (*it == i || implied || m_shadowed.contains(key))
                        continue;
                    m_shadowed.insert(key);
                    notCarried(routeLabel(i)
                               + QStringLiteral(": location %1 (server %2) already belongs to %3; "
                                                "nginx cannot choose between them by method, so "
                                                "this one is left out")
                                     .arg(match,
                                          names.isEmpty() ? QStringLiteral("_") : names.join(u' '),
                                          routeLabel(*it)));
                }
            }
        }
    }
    return entries;
}

void NginxExporter::reportRoute(qsizetype i)
{
    const RouteConfig &r = m_config.routes[size_t(i)];
    const QString where = routeLabel(i);
    if (!r.enabled) {
        notCarried(where + QStringLiteral(": disabled; left out"));
        return;
    }
    if (!serviceOf(r)) {
        notCarried(
            where + QStringLiteral(": its service \"%1\" does not exist; left out").arg(r.service));
        return;
    }
    if (!r.auth.isEmpty())
        notCarried(where
                   + QStringLiteral(": auth [%1] not carried (nginx has no API-key or JWT "
                                    "check in this export)%2; its locations are written "
                                    "closed (deny all)")
                         .arg(r.auth.join(QStringLiteral(", ")), authSettings(r)));
    else if (!r.methods.isEmpty() && nginxLimitExceptMethods(r.methods).isEmpty()
             && (!r.allowIps.isEmpty() || !r.denyIps.isEmpty()))
        notCarried(where
                   + QStringLiteral(": allow_ips/deny_ips not written: the route is written "
                                    "closed for its methods"));
    reportRateLimit(i);
    const QStringList methods = nginxLimitExceptMethods(r.methods);
    for (const QString &method : r.methods) {
        if (!methods.contains(method))
            notCarried(where
                       + QStringLiteral(": method %1 not carried (limit_except knows only "
                                        "the standard methods)%2")
                             .arg(method,
                                  methods.isEmpty() ? QStringLiteral("; the route is written "
                                                                     "closed")
                                                    : QString()));
    }
    if (methods.contains(QStringLiteral("GET")) && !methods.contains(QStringLiteral("HEAD")))
        note(where
             + QStringLiteral(": methods [%1]: nginx's limit_except GET also allows HEAD")
                   .arg(r.methods.join(QStringLiteral(", "))));
    if (r.maxBodyBytes == 0)
        note(where
             + QStringLiteral(": max_body_bytes 0 written as client_max_body_size 1 "
                              "(nginx's 0 means no limit)"));
    for (const QString &path : r.paths) {
        if (!path.startsWith(u'~') && path.contains(QStringLiteral("%2F"), Qt::CaseInsensitive))
            note(where
                 + QStringLiteral(": path \"%1\": nginx matches the decoded path, where "
                                  "%2F is a segment separator")
                       .arg(path));
    }
}

void NginxExporter::reportRateLimit(qsizetype index)
{
    const LimitsConfig &limits = m_config.routes[size_t(index)].rateLimit;
    const QString where = routeLabel(index);
    const auto rate = nginxRequestRate(limits);
    if (rate)
        note(where
             + QStringLiteral(": rate_limit %1 carried as limit_req (burst %2, nodelay), per "
                              "client address where Portico counts per consumer when the caller "
                              "is one; nginx refills the burst evenly instead of per window")
                   .arg(rate->rate())
                   .arg(rate->requests));
    const char *written = !rate ? nullptr : rate->perSecond ? "second" : "minute";
    QStringList lost;
    for (const auto &[window, value] : limits.windows()) {
        if (value && !(written && qstrcmp(window, written) == 0))
            lost.append(QStringLiteral("%1 %2").arg(QLatin1String(window)).arg(value));
    }
    if (!lost.isEmpty())
        notCarried(
            where
            + QStringLiteral(": rate_limit %1 not carried (limit_req takes one rate, per "
                             "second or minute%2)")
                  .arg(lost.join(QStringLiteral(", ")),
                       written
                           ? QStringLiteral("; the %1 one is written").arg(QLatin1String(written))
                           : QString()));
}

void NginxExporter::reportConfigWide()
{
    const bool anyMethods = std::any_of(m_config.routes.cbegin(), m_config.routes.cend(),
                                        [](const RouteConfig &r) { return !r.methods.isEmpty(); });
    if (anyMethods)
        note(QStringLiteral("routes: limit_except answers a method a route does not list with "
                            "403; Portico tries the other routes (and answers 404/405)"));
    if (!m_config.services.empty())
        note(QStringLiteral("settings.eject_after_failures/eject_duration_ms: carried as "
                            "max_fails/fail_timeout (whole seconds: %1s); nginx counts failures "
                            "within fail_timeout, not in a row")
                 .arg(failTimeoutSeconds()));
    qsizetype keys = 0;
    for (const ConsumerConfig &c : m_config.consumers)
        keys += qsizetype(c.keys.size());
    if (!m_config.consumers.empty())
        notCarried(QStringLiteral("consumers: %1 consumer(s) with %2 API key(s) not carried "
                                  "(nginx has no consumers)")
                       .arg(m_config.consumers.size())
                       .arg(keys));
    if (!m_config.plans.empty())
        notCarried(QStringLiteral("plans: %1 plan(s) not carried (no quotas in nginx)")
                       .arg(m_config.plans.size()));
    if (!m_config.jwtProviders.empty())
        notCarried(QStringLiteral("jwt_providers: %1 provider(s) not carried (nginx has no JWT "
                                  "check without NGINX Plus or a module)")
                       .arg(m_config.jwtProviders.size()));
    const SettingsConfig &s = m_config.settings;
    const auto setting = [&](const char *field, const QString &value, const char *nginx) {
        notCarried(QStringLiteral("settings.%1 (%2): not carried; %3")
                       .arg(QLatin1String(field), value, QLatin1String(nginx)));
    };
    setting("admin_listen", s.adminListen, "nginx has no Portico Admin API");
    if (!s.listenTls.isEmpty() || !m_config.certificates.empty())
        notCarried(QStringLiteral("settings.listen_tls (%1) and %2 certificate(s): not carried; "
                                  "nginx reads certificates from files: add \"listen PORT ssl;\" "
                                  "with ssl_certificate and ssl_certificate_key to the server "
                                  "blocks")
                       .arg(s.listenTls.isEmpty() ? QStringLiteral("none") : s.listenTls)
                       .arg(m_config.certificates.size()));
    if (!s.adminToken.isEmpty())
        notCarried(QStringLiteral("settings.admin_token: not carried (a secret)"));
    setting("workers", QString::number(s.workers),
            "the nearest nginx setting is worker_processes (main context)");
    const bool limited =
        std::any_of(m_config.routes.cbegin(), m_config.routes.cend(), [](const RouteConfig &r) {
            return r.enabled && nginxRequestRate(r.rateLimit).has_value();
        });
    if (s.rateLimitStore != QStringLiteral("local")) {
        setting("rate_limit_store", s.rateLimitStore,
                "limit_req counts in each nginx's own shared memory");
        notCarried(QStringLiteral("settings.rate_limit_redis_down (%1) and "
                                  "rate_limit_redis_timeout_ms (%2): not carried; nginx uses no "
                                  "Redis")
                       .arg(s.rateLimitRedisDown)
                       .arg(s.rateLimitRedisTimeoutMs));
    }
    if (limited && s.rateLimitHeaders != QStringLiteral("none"))
        setting("rate_limit_headers", s.rateLimitHeaders, "limit_req sends no rate-limit headers");
    if (s.quotaTimezone != QStringLiteral("UTC"))
        setting("quota_timezone", s.quotaTimezone, "nginx has no day or month quotas");
    setting("max_uri_bytes", QString::number(s.limits.maxUriBytes),
            "the nearest nginx setting is large_client_header_buffers");
    setting("max_header_bytes", QString::number(s.limits.maxHeaderBytes),
            "the nearest nginx setting is large_client_header_buffers");
    setting("shutdown_timeout_ms", QString::number(s.shutdownTimeoutMs),
            "the nearest nginx setting is worker_shutdown_timeout (main context)");
}

} // namespace

ForeignExport exportNginx(const Config &config)
{
    return NginxExporter(config).run();
}

} // namespace portico
