#include "KongImporter.h"

#include "KongPaths.h"

#include <QRegularExpression>
#include <QUrl>

#include <algorithm>

namespace portico {

namespace {

constexpr int kKongTimeoutMs = 60'000; // Kong's default for every service timeout
constexpr int kKongRetries = 5;
constexpr int kKongTargetPort = 8000; // a target without a port
constexpr int kMaxWeight = 1000;      // Portico's; Kong allows up to 65535

QString bracketed(const QString &host)
{
    return host.contains(u':') && !host.startsWith(u'[') ? u'[' + host + u']' : host;
}

// "host:port", "[v6]:port" or a bare host (Kong's port 8000) as {host, port}.
std::pair<QString, int> splitTarget(const QString &target)
{
    if (target.startsWith(u'[')) {
        const qsizetype close = target.indexOf(u']');
        const QString host = target.mid(1, close - 1);
        const int port = target.mid(close + 1).startsWith(u':') ? target.mid(close + 2).toInt()
                                                                : kKongTargetPort;
        return {host, port};
    }
    const qsizetype colon = target.lastIndexOf(u':');
    if (colon < 0 || target.count(u':') > 1)
        return {target, kKongTargetPort};
    return {target.left(colon), target.mid(colon + 1).toInt()};
}

} // namespace

void KongImporter::readUpstream(const YAML::Node &node, const QString &path)
{
    if (!m_yaml.expectMap(node, path))
        return;
    QString name;
    if (!m_yaml.string(get(node, "name"), path + QStringLiteral(".name"), name)) {
        m_yaml.error(path + QStringLiteral(".name"), QStringLiteral("missing"));
        return;
    }
    const QString where = entityLabel(path, name);
    Upstream upstream;
    upstream.source = path;
    const YAML::Node targets = get(node, "targets");
    if (ForeignYaml::isSet(targets)
        && m_yaml.expectList(targets, path + QStringLiteral(".targets"))) {
        for (size_t i = 0; i < targets.size(); ++i) {
            const QString at = indexed(path + QStringLiteral(".targets"), qsizetype(i));
            QString target;
            qint64 weight = 100;
            if (!m_yaml.expectMap(targets[i], at)
                || !m_yaml.string(get(targets[i], "target"), at + QStringLiteral(".target"),
                                  target))
                continue;
            m_yaml.integer(get(targets[i], "weight"), at + QStringLiteral(".weight"), weight);
            const auto [host, port] = splitTarget(target);
            upstream.targets.emplace_back(bracketed(host) + u':' + QString::number(port),
                                          int(weight));
        }
    }
    // Portico's weights go to 1000: scale larger ones, keeping their proportions.
    int maxWeight = 0;
    for (const auto &target : upstream.targets)
        maxWeight = std::max(maxWeight, target.second);
    if (maxWeight > kMaxWeight) {
        for (auto &target : upstream.targets) {
            if (target.second > 0)
                target.second = std::max(1, int(qint64(target.second) * kMaxWeight / maxWeight));
        }
        note(where + QStringLiteral(": weights scaled to Portico's range (at most 1000)"));
    }
    QString algorithm;
    if (m_yaml.string(get(node, "algorithm"), path + QStringLiteral(".algorithm"), algorithm)
        && algorithm != QStringLiteral("round-robin"))
        notCarried(where
                   + QStringLiteral(": algorithm %1 not carried; Portico balances by "
                                    "weighted round robin")
                         .arg(algorithm));
    QString hostHeader;
    if (m_yaml.string(get(node, "host_header"), path + QStringLiteral(".host_header"), hostHeader))
        notCarried(where + QStringLiteral(": host_header not carried"));
    // decK writes the whole default health check block; only enabled checks matter.
    const YAML::Node checks = get(node, "healthchecks");
    const auto check = [&](const char *kind, const char *state, const char *field) {
        const YAML::Node n = get(get(get(checks, kind), state), field);
        return n.IsScalar() && QString::fromStdString(n.Scalar()).toDouble() > 0;
    };
    if (checks.IsMap()
        && ((check("active", "healthy", "interval")) || (check("active", "unhealthy", "interval"))
            || (check("passive", "unhealthy", "http_failures"))
            || (check("passive", "unhealthy", "tcp_failures"))
            || (check("passive", "unhealthy", "timeouts"))))
        notCarried(where
                   + QStringLiteral(": healthchecks not carried; Portico ejects a target "
                                    "after settings.eject_after_failures failed connects"));
    reportTags(node);
    if (!m_upstreams.contains(name))
        m_upstreamOrder.append(name);
    m_upstreams.insert(name, upstream);
}

void KongImporter::readService(const YAML::Node &node, const QString &path)
{
    if (!m_yaml.expectMap(node, path))
        return;
    QString kongName, id;
    m_yaml.string(get(node, "name"), path + QStringLiteral(".name"), kongName);
    m_yaml.string(get(node, "id"), path + QStringLiteral(".id"), id);
    const QString where = entityLabel(path, kongName);
    Service s;
    s.source = path;
    if (!readServiceTarget(node, path, s)) {
        m_skippedServiceRefs.insert(kongName);
        m_skippedServiceRefs.insert(id);
        return;
    }
    const qsizetype index = qsizetype(m_services.size());
    s.service.name =
        nameFor(kongName, where, QStringLiteral("service-%1").arg(index + 1), m_serviceNames);
    // A Kong number read into a Portico field of narrower range, with a line when it is cut.
    const auto clamped = [&](const char *field, qint64 fallback, qint64 min, qint64 max,
                             const QString &why) {
        qint64 read = fallback;
        m_yaml.integer(get(node, field), path + QLatin1Char('.') + QLatin1String(field), read);
        const int carried = int(std::clamp(read, min, max));
        if (read != carried)
            notCarried(where
                       + QStringLiteral(": %1 %2 carried as %3 (%4)")
                             .arg(QLatin1String(field))
                             .arg(read)
                             .arg(carried)
                             .arg(why));
        return carried;
    };
    const QString range = QStringLiteral("Portico's range");
    s.service.connectTimeoutMs = clamped("connect_timeout", kKongTimeoutMs, 1, 3'600'000, range);
    s.service.readTimeoutMs = clamped("read_timeout", kKongTimeoutMs, 1, 86'400'000, range);
    s.service.retries = clamped("retries", kKongRetries, 0, 5,
                                QStringLiteral("Portico retries at most 5 times, and only "
                                               "failed connects"));
    qint64 value = kKongTimeoutMs;
    if (m_yaml.integer(get(node, "write_timeout"), path + QStringLiteral(".write_timeout"), value)
        && value != kKongTimeoutMs)
        notCarried(where
                   + QStringLiteral(": write_timeout %1 not carried (Portico has no write "
                                    "timeout)")
                         .arg(value));
    m_yaml.boolean(get(node, "enabled"), path + QStringLiteral(".enabled"), s.enabled);
    readServiceTls(node, path, where, s);
    static const QSet<QString> known = {QStringLiteral("name"),
                                        QStringLiteral("id"),
                                        QStringLiteral("url"),
                                        QStringLiteral("protocol"),
                                        QStringLiteral("host"),
                                        QStringLiteral("port"),
                                        QStringLiteral("path"),
                                        QStringLiteral("connect_timeout"),
                                        QStringLiteral("read_timeout"),
                                        QStringLiteral("write_timeout"),
                                        QStringLiteral("retries"),
                                        QStringLiteral("enabled"),
                                        QStringLiteral("routes"),
                                        QStringLiteral("plugins"),
                                        QStringLiteral("tags"),
                                        QStringLiteral("tls_verify"),
                                        QStringLiteral("tls_verify_depth"),
                                        QStringLiteral("ca_certificates"),
                                        QStringLiteral("client_certificate"),
                                        QStringLiteral("created_at"),
                                        QStringLiteral("updated_at")};
    for (auto it = node.begin(); it != node.end(); ++it) {
        if (!known.contains(keyOf(it)) && ForeignYaml::isSet(it->second))
            notCarried(where + QStringLiteral(": %1 not carried").arg(keyOf(it)));
    }
    reportTags(node);
    m_services.push_back(s);
    for (const QString &ref : {kongName, id, QStringLiteral("#%1").arg(index)}) {
        if (!ref.isEmpty())
            m_serviceRefs.insert(ref, index);
    }

    const YAML::Node routes = get(node, "routes");
    const QString routesPath = path + QStringLiteral(".routes");
    if (ForeignYaml::isSet(routes) && m_yaml.expectList(routes, routesPath)) {
        for (size_t i = 0; i < routes.size(); ++i)
            readRoute(routes[i], indexed(routesPath, qsizetype(i)), index);
    }
    Plugin scope;
    scope.service = QStringLiteral("#%1").arg(index);
    readPlugins(get(node, "plugins"), path + QStringLiteral(".plugins"), scope);
}

void KongImporter::readServiceTls(const YAML::Node &node, const QString &path, const QString &where,
                                  Service &s)
{
    const bool https = !s.service.targets.empty()
        && s.service.targets.front().url.startsWith(QStringLiteral("https://"));
    if (!m_yaml.boolean(get(node, "tls_verify"), path + QStringLiteral(".tls_verify"),
                        s.service.tlsVerify)
        && https)
        note(where
             + QStringLiteral(": tls_verify not set: Kong then leaves upstream certificates "
                              "unverified, Portico verifies them against the system's CAs "
                              "(set tls_verify false to keep Kong's behaviour)"));
    // Kong refers to its certificate entities by id; Portico keeps the PEM on the service.
    const QString byHand[] = {QStringLiteral("Portico verifies the whole chain"),
                              QStringLiteral("put the CA certificates in the service's ca_bundle"),
                              QStringLiteral("name one of Portico's certificates in the "
                                             "service's client_certificate")};
    const char *fields[] = {"tls_verify_depth", "ca_certificates", "client_certificate"};
    for (int i = 0; i < 3; ++i) {
        if (ForeignYaml::isSet(get(node, fields[i])))
            notCarried(
                where
                + QStringLiteral(": %1 not carried (%2)").arg(QLatin1String(fields[i]), byHand[i]));
    }
}

bool KongImporter::readServiceTarget(const YAML::Node &node, const QString &path, Service &s)
{
    QString protocol = QStringLiteral("http");
    QString host;
    QString basePath;
    qint64 port = -1;
    QString url;
    if (m_yaml.string(get(node, "url"), path + QStringLiteral(".url"), url)) {
        const QUrl parsed(url, QUrl::StrictMode);
        if (!parsed.isValid() || parsed.scheme().isEmpty() || parsed.host().isEmpty()) {
            m_yaml.error(path + QStringLiteral(".url"),
                         QStringLiteral("expected protocol://host[:port][/path]"));
            return false;
        }
        protocol = parsed.scheme().toLower();
        host = parsed.host();
        port = parsed.port(-1);
        basePath = parsed.path(QUrl::FullyEncoded);
    } else {
        m_yaml.string(get(node, "protocol"), path + QStringLiteral(".protocol"), protocol);
        m_yaml.integer(get(node, "port"), path + QStringLiteral(".port"), port);
        m_yaml.string(get(node, "path"), path + QStringLiteral(".path"), basePath);
        if (!m_yaml.string(get(node, "host"), path + QStringLiteral(".host"), host)) {
            m_yaml.error(path + QStringLiteral(".host"), QStringLiteral("missing (or give url)"));
            return false;
        }
    }
    const bool https = protocol == QStringLiteral("https");
    if (protocol != QStringLiteral("http") && !https) {
        QString name;
        m_yaml.string(get(node, "name"), QString(), name);
        const YAML::Node routes = get(node, "routes");
        notCarried(entityLabel(path, name)
                   + QStringLiteral(": protocol %1 not carried (Portico proxies HTTP/1.1 "
                                    "only); the service and its %2 nested route(s) are left out")
                         .arg(protocol)
                         .arg(routes.IsSequence() ? routes.size() : 0));
        return false;
    }
    const QString scheme = protocol + QStringLiteral("://");
    const auto upstream = m_upstreams.find(host);
    if (upstream != m_upstreams.end()) {
        upstream->used = true;
        s.upstreamSource = upstream->source;
        for (const auto &[target, weight] : upstream->targets)
            s.service.targets.push_back({scheme + target + basePath, weight});
        return true;
    }
    s.service.targets.push_back({scheme + bracketed(host) + u':'
                                     + QString::number(port < 0 ? (https ? 443 : 80) : port)
                                     + basePath,
                                 100});
    return true;
}

void KongImporter::readRoute(const YAML::Node &node, const QString &path, qsizetype service)
{
    if (!m_yaml.expectMap(node, path))
        return;
    QString kongName, id;
    m_yaml.string(get(node, "name"), path + QStringLiteral(".name"), kongName);
    m_yaml.string(get(node, "id"), path + QStringLiteral(".id"), id);
    const QString where = entityLabel(path, kongName);
    Route r;
    r.source = path;
    r.service = service;
    if (!readRouteMatch(node, path, where, r))
        return;
    r.route.stripPath = true; // Kong's default
    m_yaml.boolean(get(node, "strip_path"), path + QStringLiteral(".strip_path"),
                   r.route.stripPath);
    m_yaml.boolean(get(node, "preserve_host"), path + QStringLiteral(".preserve_host"),
                   r.preserveHost);
    m_yaml.integer(get(node, "regex_priority"), path + QStringLiteral(".regex_priority"),
                   r.regexPriority);
    QString pathHandling;
    if (m_yaml.string(get(node, "path_handling"), path + QStringLiteral(".path_handling"),
                      pathHandling)
        && pathHandling != QStringLiteral("v0"))
        notCarried(where
                   + QStringLiteral(": path_handling %1 not carried; Portico joins paths as "
                                    "docs/routing.md#strip_path says")
                         .arg(pathHandling));
    for (const char *buffering : {"request_buffering", "response_buffering"}) {
        bool on = true;
        if (m_yaml.boolean(get(node, buffering), path + u'.' + QLatin1String(buffering), on) && !on)
            notCarried(where
                       + QStringLiteral(": %1 false not carried (Portico streams bodies)")
                             .arg(QLatin1String(buffering)));
    }
    static const QSet<QString> known = {QStringLiteral("name"),
                                        QStringLiteral("id"),
                                        QStringLiteral("paths"),
                                        QStringLiteral("hosts"),
                                        QStringLiteral("methods"),
                                        QStringLiteral("strip_path"),
                                        QStringLiteral("preserve_host"),
                                        QStringLiteral("regex_priority"),
                                        QStringLiteral("protocols"),
                                        QStringLiteral("path_handling"),
                                        QStringLiteral("request_buffering"),
                                        QStringLiteral("response_buffering"),
                                        QStringLiteral("https_redirect_status_code"),
                                        QStringLiteral("service"),
                                        QStringLiteral("plugins"),
                                        QStringLiteral("tags"),
                                        QStringLiteral("created_at"),
                                        QStringLiteral("updated_at")};
    for (auto it = node.begin(); it != node.end(); ++it) {
        const QString field = keyOf(it);
        if (known.contains(field) || !ForeignYaml::isSet(it->second)
            || (it->second.IsSequence() && it->second.size() == 0)
            || (it->second.IsMap() && it->second.size() == 0))
            continue;
        notCarried(where
                   + QStringLiteral(": %1 not carried: the route matches without it").arg(field));
    }
    reportTags(node);
    const qsizetype index = qsizetype(m_routes.size());
    r.route.name = nameFor(kongName, where,
                           m_services[size_t(service)].service.name
                               + QStringLiteral("-route-%1").arg(index + 1),
                           m_routeNames);
    r.route.service = m_services[size_t(service)].service.name;
    m_routes.push_back(r);
    for (const QString &ref : {kongName, id, QStringLiteral("#%1").arg(index)}) {
        if (!ref.isEmpty())
            m_routeRefs.insert(ref, index);
    }
    Plugin scope;
    scope.route = QStringLiteral("#%1").arg(index);
    readPlugins(get(node, "plugins"), path + QStringLiteral(".plugins"), scope);
}

bool KongImporter::readRouteMatch(const YAML::Node &node, const QString &path, const QString &where,
                                  Route &r)
{
    if (ForeignYaml::isSet(get(node, "expression"))) {
        notCarried(where
                   + QStringLiteral(": an expressions-router route is not carried (Portico "
                                    "matches paths, hosts and methods); left out"));
        return false;
    }
    QStringList protocols = {QStringLiteral("http"), QStringLiteral("https")};
    m_yaml.stringList(get(node, "protocols"), path + QStringLiteral(".protocols"), protocols);
    const bool http = protocols.contains(QStringLiteral("http"));
    const bool https = protocols.contains(QStringLiteral("https"));
    if (!http && !https) {
        notCarried(where
                   + QStringLiteral(": protocols [%1] not carried (Portico routes HTTP); "
                                    "left out")
                         .arg(protocols.join(QStringLiteral(", "))));
        return false;
    }
    if (!http)
        note(where
             + QStringLiteral(": protocols [https]: Portico has no per-route protocol; the "
                              "route answers on whatever the listener speaks"));
    QStringList paths;
    m_yaml.stringList(get(node, "paths"), path + QStringLiteral(".paths"), paths);
    for (const QString &p : paths)
        r.route.paths.append(readRoutePath(p, where));
    if (paths.isEmpty()) {
        r.route.paths = {QStringLiteral("/")};
        note(where + QStringLiteral(": no paths; carried as \"/\" (every path)"));
    }
    m_yaml.stringList(get(node, "methods"), path + QStringLiteral(".methods"), r.route.methods);
    return readRouteHosts(node, path, where, r);
}

QString KongImporter::readRoutePath(const QString &kongPath, const QString &where)
{
    QString p = kongPath;
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9._~/%-]*$"));
    if (m_legacyPaths && !p.startsWith(u'~') && !plain.match(p).hasMatch()) {
        p.prepend(u'~');
        note(where + QStringLiteral(": path \"%1\" read as a regex (Kong 2 rules)").arg(kongPath));
    }
    const QString portico = kongToPorticoPath(p);
    if (portico.startsWith(u'/') && !portico.endsWith(u'/'))
        ++m_widePrefixes;
    return portico;
}

bool KongImporter::readRouteHosts(const YAML::Node &node, const QString &path, const QString &where,
                                  Route &r)
{
    QStringList hosts;
    m_yaml.stringList(get(node, "hosts"), path + QStringLiteral(".hosts"), hosts);
    for (qsizetype i = 0; i < hosts.size(); ++i) {
        QString host = hosts[i];
        if (host.endsWith(QStringLiteral(".*"))) {
            notCarried(where
                       + QStringLiteral(": host \"%1\" not carried (Portico wildcards are "
                                        "leading only, \"*.example.test\")")
                             .arg(host));
            continue;
        }
        const qsizetype colon = host.lastIndexOf(u':');
        if (colon > 0 && !host.endsWith(u']') && host.count(u':') == 1) {
            note(where
                 + QStringLiteral(": host \"%1\" carried without its port (Portico matches "
                                  "the host on every port)")
                       .arg(host));
            host.truncate(colon);
        }
        r.route.hosts.append(host);
        r.hostSources.push_back(i);
    }
    if (!hosts.isEmpty() && r.route.hosts.isEmpty()) {
        notCarried(where
                   + QStringLiteral(": no host Portico can match is left; the route is left "
                                    "out rather than answer on every host"));
        return false;
    }
    return true;
}

} // namespace portico
