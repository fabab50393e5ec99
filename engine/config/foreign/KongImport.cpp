#include "KongFormat.h"
#include "KongImporter.h"

#include "KongCertificates.h"
#include "config/ConfigValidator.h"
#include "config/DeclarativeReader.h"

#include <algorithm>

namespace portico {

ForeignImport importKong(const QByteArray &text)
{
    return KongImporter().run(text);
}

YAML::Node KongImporter::get(const YAML::Node &map, const char *key)
{
    return ForeignYaml::at(map, key);
}

QString KongImporter::keyOf(const YAML::const_iterator &it)
{
    return it->first.IsScalar() ? QString::fromStdString(it->first.Scalar()) : QString();
}

qsizetype KongImporter::resolve(const QHash<QString, qsizetype> &refs, const QString &ref)
{
    return ref.isEmpty() ? -1 : refs.value(ref, -2);
}

ForeignImport KongImporter::run(const QByteArray &text)
{
    ForeignImport result;
    m_now = currentTimestamp();
    YAML::Node root;
    if (!ForeignYaml::load(text, root, result.errors))
        return result;
    try {
        readRoot(root);
    } catch (const std::exception &e) {
        m_errors.push_back(
            {QString(), QStringLiteral("cannot read the document: %1").arg(e.what())});
    }
    result.config = buildConfig();
    if (m_errors.empty())
        result.errors = m_paths.translate(validateConfig(result.config));
    else
        result.errors = std::move(m_errors);
    result.report = std::move(m_report);
    return result;
}

void KongImporter::readRoot(const YAML::Node &root)
{
    QString version;
    if (!m_yaml.string(get(root, "_format_version"), QStringLiteral("_format_version"), version)) {
        note(QStringLiteral("_format_version: missing; read as \"3.0\""));
    } else if (version.startsWith(QStringLiteral("1."))
               || version.startsWith(QStringLiteral("2."))) {
        m_legacyPaths = true;
        note(QStringLiteral("_format_version \"%1\": a path with regex characters is read as a "
                            "regex, as Kong 2 did (`deck file convert` updates a file to 3.0)")
                 .arg(version));
    } else if (version != QStringLiteral("3.0")) {
        note(QStringLiteral("_format_version \"%1\": read as \"3.0\"").arg(version));
    }
    static const QSet<QString> entities = {
        QStringLiteral("_format_version"), QStringLiteral("_transform"),
        QStringLiteral("services"),        QStringLiteral("routes"),
        QStringLiteral("upstreams"),       QStringLiteral("consumers"),
        QStringLiteral("consumer_groups"), QStringLiteral("plugins"),
        QStringLiteral("certificates")};
    for (auto it = root.begin(); it != root.end(); ++it) {
        const QString name = keyOf(it);
        if (entities.contains(name))
            continue;
        const qsizetype count = it->second.IsSequence() ? qsizetype(it->second.size()) : 1;
        notCarried(QStringLiteral("%1: %2 not carried (no Portico equivalent%3)")
                       .arg(name,
                            it->second.IsSequence() ? QStringLiteral("%1 entries").arg(count)
                                                    : QStringLiteral("the section"),
                            name == QStringLiteral("snis")
                                ? QStringLiteral("; list the names under certificates[].snis")
                                : QString()));
    }
    const auto each = [&](const char *section, auto read) {
        const YAML::Node list = get(root, section);
        const QString path = QString::fromLatin1(section);
        if (!ForeignYaml::isSet(list) || !m_yaml.expectList(list, path))
            return;
        for (size_t i = 0; i < list.size(); ++i)
            read(list[i], indexed(path, qsizetype(i)));
    };
    each("upstreams", [&](const YAML::Node &n, const QString &p) { readUpstream(n, p); });
    each("services", [&](const YAML::Node &n, const QString &p) { readService(n, p); });
    each("routes", [&](const YAML::Node &n, const QString &p) {
        if (!m_yaml.expectMap(n, p))
            return;
        const QString ref = reference(get(n, "service"), p + QStringLiteral(".service"));
        QString name;
        m_yaml.string(get(n, "name"), p + QStringLiteral(".name"), name);
        const auto service = m_serviceRefs.constFind(ref);
        if (service != m_serviceRefs.cend())
            readRoute(n, p, *service);
        else if (ref.isEmpty())
            m_yaml.error(p + QStringLiteral(".service"), QStringLiteral("missing"));
        else if (m_skippedServiceRefs.contains(ref))
            notCarried(entityLabel(p, name)
                       + QStringLiteral(": its service \"%1\" is left out, "
                                        "so is the route")
                             .arg(ref));
        else
            m_yaml.error(p + QStringLiteral(".service"),
                         QStringLiteral("unknown service \"%1\"").arg(ref));
    });
    each("consumer_groups", [&](const YAML::Node &n, const QString &p) { readGroup(n, p); });
    each("consumers", [&](const YAML::Node &n, const QString &p) { readConsumer(n, p); });
    readKongCertificates(get(root, "certificates"), QStringLiteral("certificates"), m_yaml,
                         m_certificates, m_certificateSources);
    readPlugins(get(root, "plugins"), QStringLiteral("plugins"), Plugin());

    applyPlugins();
    closeAclWithoutAuth();
    assignPlans();
    for (const QString &name : m_upstreamOrder) {
        const Upstream &upstream = m_upstreams[name];
        if (!upstream.used)
            notCarried(entityLabel(upstream.source, name)
                       + QStringLiteral(": no service uses it; not carried"));
    }
    if (m_widePrefixes > 0)
        note(QStringLiteral("routes: %1 path prefix(es) now end at segment boundaries: Kong's "
                            "\"/users\" also matched \"/usersx\", Portico's does not")
                 .arg(m_widePrefixes));
    if (m_taggedEntities > 0)
        notCarried(QStringLiteral("tags: not carried (%1 entities had tags; Portico has none)")
                       .arg(m_taggedEntities));
    if (m_jwtUsed)
        notCarried(QStringLiteral("routes with auth jwt: Kong's jwt_secrets are not carried; "
                                  "add a jwt_providers entry so that Portico can verify tokens"));
}

QString KongImporter::reference(const YAML::Node &node, const QString &path)
{
    QString ref;
    if (node.IsMap()) {
        if (!m_yaml.string(get(node, "name"), path + QStringLiteral(".name"), ref))
            m_yaml.string(get(node, "id"), path + QStringLiteral(".id"), ref);
    } else {
        m_yaml.string(node, path, ref);
    }
    return ref;
}

QString KongImporter::nameFor(const QString &kongName, const QString &where,
                              const QString &fallback, QSet<QString> &taken)
{
    QString name = sanitizeName(kongName);
    if (name.isEmpty())
        name = sanitizeName(fallback);
    const QString unique = uniqueName(name, taken);
    if (kongName.isEmpty())
        note(where + QStringLiteral(": no name; named \"%1\"").arg(unique));
    else if (unique != kongName)
        note(where
             + QStringLiteral(": name carried as \"%1\" (Portico names are letters, digits, "
                              "'.', '_' and '-', unique, at most 128)")
                   .arg(unique));
    return unique;
}

void KongImporter::reportTags(const YAML::Node &node)
{
    const YAML::Node tags = get(node, "tags");
    if (tags.IsSequence() && tags.size() > 0)
        ++m_taggedEntities;
}

void KongImporter::orderRegexRoutes()
{
    std::vector<size_t> slots;
    for (size_t i = 0; i < m_routes.size(); ++i) {
        const QStringList &paths = m_routes[i].route.paths;
        if (std::any_of(paths.cbegin(), paths.cend(),
                        [](const QString &p) { return p.startsWith(u'~'); }))
            slots.push_back(i);
    }
    std::vector<Route> regexRoutes;
    for (size_t slot : slots)
        regexRoutes.push_back(m_routes[slot]);
    std::stable_sort(regexRoutes.begin(), regexRoutes.end(), [](const Route &a, const Route &b) {
        return a.regexPriority > b.regexPriority;
    });
    bool moved = false;
    for (size_t i = 0; i < slots.size(); ++i) {
        moved = moved || m_routes[slots[i]].source != regexRoutes[i].source;
        m_routes[slots[i]] = regexRoutes[i];
    }
    if (moved)
        note(QStringLiteral("routes: regex routes reordered by regex_priority (Portico tries "
                            "regexes in config order)"));
}

void KongImporter::settlePreserveHost()
{
    for (size_t s = 0; s < m_services.size(); ++s) {
        std::optional<bool> preserve;
        for (const Route &r : m_routes) {
            if (r.service != qsizetype(s))
                continue;
            if (!preserve)
                preserve = r.preserveHost;
            else if (*preserve != r.preserveHost) {
                notCarried(
                    entityLabel(m_services[s].source, m_services[s].service.name)
                    + QStringLiteral(": its routes disagree on preserve_host; Portico sets "
                                     "it per service: %1 carried")
                          .arg(*preserve ? QStringLiteral("true") : QStringLiteral("false")));
                break;
            }
        }
        m_services[s].service.preserveHost = preserve.value_or(false); // Kong's default
    }
}

Config KongImporter::buildConfig()
{
    settlePreserveHost();
    orderRegexRoutes();
    Config config;
    for (size_t i = 0; i < m_services.size(); ++i) {
        const Service &s = m_services[i];
        const QString at = indexed(QStringLiteral("services"), qsizetype(i));
        m_paths.add(at, s.source);
        if (!s.upstreamSource.isEmpty())
            m_paths.add(at + QStringLiteral(".targets"),
                        s.upstreamSource + QStringLiteral(".targets"));
        m_paths.add(at + QStringLiteral(".connect_timeout_ms"),
                    s.source + QStringLiteral(".connect_timeout"));
        m_paths.add(at + QStringLiteral(".read_timeout_ms"),
                    s.source + QStringLiteral(".read_timeout"));
        config.services.push_back(s.service);
        if (!s.enabled)
            note(entityLabel(s.source, s.service.name)
                 + QStringLiteral(": disabled; its routes are carried with enabled: false"));
    }
    for (size_t i = 0; i < m_routes.size(); ++i) {
        Route &r = m_routes[i];
        const QString at = indexed(QStringLiteral("routes"), qsizetype(i));
        m_paths.add(at, r.source);
        for (size_t h = 0; h < r.hostSources.size(); ++h)
            m_paths.add(indexed(at + QStringLiteral(".hosts"), qsizetype(h)),
                        indexed(r.source + QStringLiteral(".hosts"), r.hostSources[h]));
        if (!m_services[size_t(r.service)].enabled)
            r.route.enabled = false;
        config.routes.push_back(r.route);
    }
    for (size_t i = 0; i < m_consumers.size(); ++i) {
        const Consumer &c = m_consumers[i];
        const QString at = indexed(QStringLiteral("consumers"), qsizetype(i));
        m_paths.add(at, c.source);
        for (size_t k = 0; k < c.keySources.size(); ++k)
            m_paths.add(indexed(at + QStringLiteral(".keys"), qsizetype(k)), c.keySources[k]);
        config.consumers.push_back(c.consumer);
    }
    for (size_t i = 0; i < m_plans.size(); ++i) {
        m_paths.add(indexed(QStringLiteral("plans"), qsizetype(i)), m_planSources[i]);
        config.plans.push_back(m_plans[i]);
    }
    for (size_t i = 0; i < m_certificates.size(); ++i) {
        m_paths.add(indexed(QStringLiteral("certificates"), qsizetype(i)),
                    m_certificateSources[i]);
        config.certificates.push_back(m_certificates[i]);
    }
    if (!m_certificates.empty())
        note(QStringLiteral("certificates: served once settings.listen_tls is set; Kong's "
                            "proxy_listen in kong.conf is not carried"));
    if (m_maxBodyBytes)
        config.settings.limits.maxBodyBytes = *m_maxBodyBytes;
    else
        note(QStringLiteral("settings.max_body_bytes: no global request-size-limiting plugin; "
                            "Portico's default limit of %1 bytes applies (Kong has none)")
                 .arg(config.settings.limits.maxBodyBytes));
    if (!m_counterStore.isEmpty())
        config.settings.rateLimitStore = m_counterStore;
    if (!m_redisDown.isEmpty())
        config.settings.rateLimitRedisDown = m_redisDown;
    if (!m_redisTimeoutMs.isEmpty())
        config.settings.rateLimitRedisTimeoutMs = m_redisTimeoutMs.toInt();
    if (m_hiddenHeaders > 0 && m_hiddenHeaders == m_rateLimitPlugins)
        config.settings.rateLimitHeaders = QStringLiteral("none");
    else if (m_hiddenHeaders > 0)
        notCarried(QStringLiteral("hide_client_headers: true on %1 of %2 rate-limiting plugins; "
                                  "Portico sends rate-limit headers for all limits or none "
                                  "(settings.rate_limit_headers stays %3)")
                       .arg(m_hiddenHeaders)
                       .arg(m_rateLimitPlugins)
                       .arg(config.settings.rateLimitHeaders));
    return config;
}

} // namespace portico
