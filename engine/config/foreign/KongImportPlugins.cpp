#include "KongImporter.h"

#include <algorithm>

namespace portico {

void KongImporter::readPlugins(const YAML::Node &list, const QString &path, const Plugin &scope)
{
    if (!ForeignYaml::isSet(list) || !m_yaml.expectList(list, path))
        return;
    for (size_t i = 0; i < list.size(); ++i) {
        Plugin p = scope;
        p.node = list[i];
        p.source = indexed(path, qsizetype(i));
        if (!m_yaml.expectMap(p.node, p.source))
            continue;
        if (!m_yaml.string(get(p.node, "name"), p.source + QStringLiteral(".name"), p.name)) {
            m_yaml.error(p.source + QStringLiteral(".name"), QStringLiteral("missing"));
            continue;
        }
        const std::pair<const char *, QString *> refs[] = {{"service", &p.service},
                                                           {"route", &p.route},
                                                           {"consumer", &p.consumer},
                                                           {"consumer_group", &p.group}};
        for (const auto &[field, ref] : refs) {
            if (ForeignYaml::isSet(get(p.node, field)))
                *ref = reference(get(p.node, field), p.source + u'.' + QLatin1String(field));
        }
        bool enabled = true;
        m_yaml.boolean(get(p.node, "enabled"), p.source + QStringLiteral(".enabled"), enabled);
        if (!enabled) {
            notCarried(entityLabel(p.source, p.name)
                       + QStringLiteral(": disabled in Kong; not carried"));
            continue;
        }
        m_plugins.push_back(p);
    }
}

void KongImporter::applyPlugins()
{
    // Group membership written on the group itself.
    for (const Group &g : m_groups) {
        for (const QString &member : g.members) {
            const qsizetype c = resolve(m_consumerRefs, member);
            if (c >= 0 && !m_consumers[size_t(c)].groups.contains(g.name))
                m_consumers[size_t(c)].groups.append(g.name);
        }
    }
    for (const Plugin &p : m_plugins)
        applyPlugin(p);
}

std::vector<KongImporter::Route *> KongImporter::routesInScope(const Plugin &p, int &scope,
                                                               QString &where)
{
    std::vector<Route *> routes;
    const qsizetype route = resolve(m_routeRefs, p.route);
    const qsizetype service = resolve(m_serviceRefs, p.service);
    if (route == -2 || service == -2) {
        notCarried(where
                   + QStringLiteral(": refers to %1 \"%2\", which is not in the import; not "
                                    "carried")
                         .arg(route == -2 ? QStringLiteral("route") : QStringLiteral("service"),
                              route == -2 ? p.route : p.service));
        return routes;
    }
    if (route >= 0) {
        scope = 3;
        routes.push_back(&m_routes[size_t(route)]);
    } else if (service >= 0) {
        scope = 2;
        for (Route &r : m_routes) {
            if (r.service == service)
                routes.push_back(&r);
        }
        where += QStringLiteral(" on service ") + m_services[size_t(service)].service.name;
    } else {
        scope = 1;
        for (Route &r : m_routes)
            routes.push_back(&r);
        where += QStringLiteral(" (global)");
    }
    return routes;
}

void KongImporter::applyPlugin(const Plugin &p)
{
    QString where = entityLabel(p.source, p.name);
    const YAML::Node config = get(p.node, "config");
    if (ForeignYaml::isSet(config)
        && !m_yaml.expectMap(config, p.source + QStringLiteral(".config")))
        return;
    const qsizetype consumer = resolve(m_consumerRefs, p.consumer);
    const qsizetype group = resolve(m_groupRefs, p.group);
    if (consumer == -2 || group == -2) {
        notCarried(where
                   + QStringLiteral(": refers to a consumer or group that is not in the "
                                    "import; not carried"));
        return;
    }
    const bool perConsumer = consumer >= 0 || group >= 0;
    if (perConsumer && (!p.route.isEmpty() || !p.service.isEmpty())) {
        notCarried(where
                   + QStringLiteral(": scoped to a consumer and a route or service; not "
                                    "carried (Portico has no per-consumer route settings)"));
        return;
    }
    // Tags that name a Portico plan are read, not dropped.
    QStringList tags;
    m_yaml.stringList(get(p.node, "tags"), p.source + QStringLiteral(".tags"), tags);
    QString planTag;
    for (const QString &tag : tags) {
        if (tag.startsWith(kPorticoPlanTag))
            planTag = tag.sliced(kPorticoPlanTag.size());
    }
    if (tags.size() > (planTag.isEmpty() ? 0 : 1))
        ++m_taggedEntities;

    if (p.name == QStringLiteral("rate-limiting")) {
        LimitsConfig limits;
        if (!readLimits(config, p.source + QStringLiteral(".config"), where, limits))
            return;
        readCounterStore(config, where);
        readClientHeaders(config);
        if (consumer >= 0) {
            Consumer &c = m_consumers[size_t(consumer)];
            c.limits = limits;
            c.limitsSource = p.source;
            c.planTag = planTag;
        } else if (group >= 0) {
            m_groups[size_t(group)].limits = limits;
            m_groups[size_t(group)].limitsSource = p.source;
        } else {
            int scope = 0;
            for (Route *r : routesInScope(p, scope, where)) {
                if (scope >= r->rateLimitScope) {
                    r->route.rateLimit = limits;
                    r->rateLimitScope = scope;
                }
            }
        }
        return;
    }
    if (perConsumer) {
        notCarried(where
                   + QStringLiteral(": on a consumer or consumer group; not carried "
                                    "(Portico sets this per route)"));
        return;
    }
    if (p.name == QStringLiteral("key-auth")) {
        applyKeyAuth(p, config, where);
    } else if (p.name == QStringLiteral("jwt")) {
        applyJwt(p, config, where);
    } else if (p.name == QStringLiteral("acl")) {
        applyAcl(p, config, where);
    } else if (p.name == QStringLiteral("ip-restriction")) {
        applyIpRestriction(p, config, where);
    } else if (p.name == QStringLiteral("request-size-limiting")) {
        qint64 size = 128;
        QString unit = QStringLiteral("megabytes");
        m_yaml.integer(get(config, "allowed_payload_size"),
                       p.source + QStringLiteral(".config.allowed_payload_size"), size);
        m_yaml.string(get(config, "size_unit"), p.source + QStringLiteral(".config.size_unit"),
                      unit);
        const qint64 bytes = size
            * (unit == QStringLiteral("megabytes")       ? 1024 * 1024
                   : unit == QStringLiteral("kilobytes") ? 1024
                                                         : 1);
        reportExtraConfig(config, where,
                          {QStringLiteral("allowed_payload_size"), QStringLiteral("size_unit")},
                          {{QStringLiteral("require_content_length"), QStringLiteral("false")}});
        if (p.route.isEmpty() && p.service.isEmpty()) {
            m_maxBodyBytes = bytes;
            return;
        }
        int scope = 0;
        for (Route *r : routesInScope(p, scope, where)) {
            if (scope >= r->sizeLimitScope) {
                r->route.maxBodyBytes = bytes;
                r->sizeLimitScope = scope;
            }
        }
    } else {
        int scope = 0;
        routesInScope(p, scope, where); // names the scope in `where`
        notCarried(where + QStringLiteral(": plugin not carried (no Portico equivalent)"));
    }
}

bool KongImporter::readLimits(const YAML::Node &config, const QString &path, const QString &where,
                              LimitsConfig &l)
{
    for (const auto &[field, value] : l.mutableWindows())
        m_yaml.integer(get(config, field), path + u'.' + QLatin1String(field), *value);
    qint64 year = 0;
    if (m_yaml.integer(get(config, "year"), path + QStringLiteral(".year"), year) && year > 0)
        notCarried(where
                   + QStringLiteral(": year limit %1 not carried (Portico's longest window "
                                    "is a month)")
                         .arg(year));
    QString limitBy = QStringLiteral("consumer");
    m_yaml.string(get(config, "limit_by"), path + QStringLiteral(".limit_by"), limitBy);
    if (limitBy != QStringLiteral("consumer") && limitBy != QStringLiteral("credential"))
        notCarried(where
                   + QStringLiteral(": limit_by %1 not carried: Portico counts per "
                                    "consumer, and per client IP for anonymous callers")
                         .arg(limitBy));
    QSet<QString> carried = {
        QStringLiteral("second"),   QStringLiteral("minute"), QStringLiteral("hour"),
        QStringLiteral("day"),      QStringLiteral("month"),  QStringLiteral("year"),
        QStringLiteral("limit_by"), QStringLiteral("policy"), QStringLiteral("redis"),
        QStringLiteral("hide_client_headers")};
    const YAML::Node policy = get(config, "policy"); // its type is checked by readCounterStore
    if (policy.IsScalar() && policy.Scalar() == "redis")
        carried.insert(QStringLiteral("fault_tolerant")); // readCounterStore's
    if (config.IsMap()) {
        for (auto it = config.begin(); it != config.end(); ++it) {
            const QString field = QString::fromStdString(it->first.Scalar());
            if (field.startsWith(QStringLiteral("redis_")))
                carried.insert(field); // readCounterStore's
        }
    }
    reportExtraConfig(config, where, carried,
                      {{QStringLiteral("fault_tolerant"), QStringLiteral("true")},
                       {QStringLiteral("hide_client_headers"), QStringLiteral("false")},
                       {QStringLiteral("error_code"), QStringLiteral("429")},
                       {QStringLiteral("error_message"), QStringLiteral("API rate limit exceeded")},
                       {QStringLiteral("sync_rate"), QStringLiteral("-1")}});
    if (l.isEmpty()) {
        notCarried(where
                   + QStringLiteral(": no second/minute/hour/day/month limit; nothing to "
                                    "carry"));
        return false;
    }
    return true;
}

void KongImporter::readCounterStore(const YAML::Node &config, const QString &where)
{
    QString policy = QStringLiteral("local");
    m_yaml.string(get(config, "policy"), QString(), policy);
    if (policy == QStringLiteral("cluster")) {
        notCarried(where
                   + QStringLiteral(": policy cluster not carried: Portico counts per "
                                    "instance unless settings.rate_limit_store names Redis"));
        return;
    }
    if (policy != QStringLiteral("redis"))
        return;
    // Kong 3.6 moved the flat redis_* fields into config.redis; read either.
    const YAML::Node nested = get(config, "redis");
    const auto field = [&](const char *flat, const char *inner) {
        return ForeignYaml::isSet(get(config, flat))
            ? get(config, flat)
            : (nested.IsMap() ? get(nested, inner) : YAML::Node());
    };
    QString host;
    qint64 port = 6379, database = 0;
    m_yaml.string(field("redis_host", "host"), QString(), host);
    m_yaml.integer(field("redis_port", "port"), QString(), port);
    m_yaml.integer(field("redis_database", "database"), QString(), database);
    if (host.isEmpty()) {
        notCarried(where + QStringLiteral(": policy redis without a host; not carried"));
        return;
    }
    const QString store = QStringLiteral("redis://%1:%2/%3").arg(host).arg(port).arg(database);
    if (m_counterStore.isEmpty())
        m_counterStore = store;
    else if (m_counterStore != store)
        notCarried(where
                   + QStringLiteral(": Redis %1 not carried; Portico has one counter store "
                                    "(%2)")
                         .arg(store, m_counterStore));
    if (ForeignYaml::isSet(field("redis_password", "password"))
        || ForeignYaml::isSet(field("redis_username", "username")))
        notCarried(where
                   + QStringLiteral(": Redis credentials not carried (Portico connects to "
                                    "Redis without AUTH)"));
    bool ssl = false;
    m_yaml.boolean(field("redis_ssl", "ssl"), QString(), ssl);
    if (ssl)
        notCarried(where + QStringLiteral(": Redis over TLS not carried"));

    // Kong admits uncounted (fault_tolerant, its default) or refuses while Redis is away.
    bool faultTolerant = true;
    m_yaml.boolean(get(config, "fault_tolerant"), QString(), faultTolerant);
    settleRateSetting(m_redisDown,
                      faultTolerant ? QStringLiteral("open") : QStringLiteral("closed"),
                      "rate_limit_redis_down", where);
    qint64 timeout = 0;
    if (m_yaml.integer(field("redis_timeout", "timeout"), QString(), timeout)) {
        if (timeout >= 1 && timeout <= 10'000)
            settleRateSetting(m_redisTimeoutMs, QString::number(timeout),
                              "rate_limit_redis_timeout_ms", where);
        else
            notCarried(where
                       + QStringLiteral(": redis_timeout %1 not carried (Portico takes 1 to "
                                        "10000 ms)")
                             .arg(timeout));
    }
}

void KongImporter::readClientHeaders(const YAML::Node &config)
{
    bool hide = false;
    m_yaml.boolean(get(config, "hide_client_headers"), QString(), hide);
    ++m_rateLimitPlugins;
    m_hiddenHeaders += hide ? 1 : 0;
}

void KongImporter::settleRateSetting(QString &slot, const QString &value, const char *setting,
                                     const QString &where)
{
    if (slot.isEmpty())
        slot = value;
    else if (slot != value)
        notCarried(where
                   + QStringLiteral(": %1 %2 not carried; Portico sets it once for all "
                                    "limits (%3)")
                         .arg(QLatin1String(setting), value, slot));
}

void KongImporter::reportExtraConfig(const YAML::Node &config, const QString &where,
                                     const QSet<QString> &carried,
                                     const QHash<QString, QString> &defaults)
{
    if (!config.IsMap())
        return;
    for (auto it = config.begin(); it != config.end(); ++it) {
        const QString field = QString::fromStdString(it->first.Scalar());
        const YAML::Node &value = it->second;
        if (carried.contains(field) || !ForeignYaml::isSet(value))
            continue;
        const QString text = ForeignYaml::describe(value);
        if (defaults.value(field, QStringLiteral("\x01")) == text)
            continue;
        const bool secret = field.contains(QStringLiteral("password"))
            || field.contains(QStringLiteral("secret")) || field == QStringLiteral("key");
        notCarried(where
                   + QStringLiteral(": config.%1 (%2) not carried")
                         .arg(field, secret ? QStringLiteral("set") : text));
    }
}

} // namespace portico
