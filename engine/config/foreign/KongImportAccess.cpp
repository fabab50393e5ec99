#include "KongImporter.h"

#include "config/Addresses.h"
#include "config/ConfigValidator.h"

namespace portico {

namespace {

const QString kDefaultKeyHeader = QStringLiteral("X-API-Key");

} // namespace

void KongImporter::applyKeyAuth(const Plugin &p, const YAML::Node &config, QString where)
{
    const QString path = p.source + QStringLiteral(".config");
    QStringList keyNames = {QStringLiteral("apikey")};
    bool inQuery = true; // Kong's defaults
    bool hide = false;
    m_yaml.stringList(get(config, "key_names"), path + QStringLiteral(".key_names"), keyNames);
    m_yaml.boolean(get(config, "key_in_query"), path + QStringLiteral(".key_in_query"), inQuery);
    m_yaml.boolean(get(config, "hide_credentials"), path + QStringLiteral(".hide_credentials"),
                   hide);
    int scope = 0;
    const std::vector<Route *> routes = routesInScope(p, scope, where);
    // The first key name is where the key travels; Portico reads one header (and Bearer).
    QString header = keyNames.value(0, kDefaultKeyHeader);
    const QString problem = checkKeyHeader(header);
    if (!problem.isEmpty()) {
        notCarried(where
                   + QStringLiteral(": key name \"%1\" not carried (%2); Portico reads the key "
                                    "from %3")
                         .arg(header, problem, kDefaultKeyHeader));
        header = kDefaultKeyHeader;
    }
    if (keyNames.size() > 1)
        notCarried(where
                   + QStringLiteral(": key_names [%1]: only %2 is carried (key_header); "
                                    "Portico reads a key from one header")
                         .arg(keyNames.join(QStringLiteral(", ")), header));
    const QString queryName = keyNames.value(0, kDefaultKeyHeader);
    if (inQuery && queryName != QStringLiteral("apikey"))
        note(where
             + QStringLiteral(": key_in_query: Kong reads the key from the query parameter %1, "
                              "Portico from apikey")
                   .arg(queryName));
    if (!hide)
        note(where
             + QStringLiteral(": Portico removes the key before the request goes upstream "
                              "(Kong's hide_credentials false passes it on)"));
    reportExtraConfig(config, where,
                      {QStringLiteral("key_names"), QStringLiteral("key_in_query"),
                       QStringLiteral("hide_credentials")},
                      {{QStringLiteral("key_in_header"), QStringLiteral("true")},
                       {QStringLiteral("key_in_body"), QStringLiteral("false")},
                       {QStringLiteral("run_on_preflight"), QStringLiteral("true")}});
    for (Route *r : routes) {
        if (!r->route.auth.contains(QStringLiteral("key")))
            r->route.auth.prepend(QStringLiteral("key"));
        if (scope >= r->keyAuthScope) {
            r->route.keyHeader = header;
            r->route.keyInQuery = inQuery;
            r->keyAuthScope = scope;
        }
    }
}

void KongImporter::applyJwt(const Plugin &p, const YAML::Node &config, QString where)
{
    int scope = 0;
    const std::vector<Route *> routes = routesInScope(p, scope, where);
    reportExtraConfig(config, where, {},
                      {{QStringLiteral("uri_param_names"), QStringLiteral("[jwt]")},
                       {QStringLiteral("cookie_names"), QStringLiteral("[]")},
                       {QStringLiteral("header_names"), QStringLiteral("[authorization]")},
                       {QStringLiteral("key_claim_name"), QStringLiteral("iss")},
                       {QStringLiteral("secret_is_base64"), QStringLiteral("false")},
                       {QStringLiteral("run_on_preflight"), QStringLiteral("true")},
                       {QStringLiteral("maximum_expiration"), QStringLiteral("0")}});
    for (Route *r : routes) {
        if (!r->route.auth.contains(QStringLiteral("jwt")))
            r->route.auth.append(QStringLiteral("jwt"));
    }
    m_jwtUsed = m_jwtUsed || !routes.empty();
}

void KongImporter::readAllowDeny(const YAML::Node &config, const QString &path, QStringList &allow,
                                 QStringList &deny)
{
    const std::pair<const char *, QStringList *> lists[] = {
        {"allow", &allow}, {"whitelist", &allow}, {"deny", &deny}, {"blacklist", &deny}};
    for (const auto &[field, list] : lists) {
        if (list->isEmpty())
            m_yaml.stringList(get(config, field), path + u'.' + QLatin1String(field), *list);
    }
}

QString KongImporter::aclGroup(const QString &kongGroup, const QString &where)
{
    const auto known = m_aclGroups.constFind(kongGroup);
    if (known != m_aclGroups.cend())
        return *known;
    const QString name = nameFor(kongGroup, where + QStringLiteral(": group \"%1\"").arg(kongGroup),
                                 QStringLiteral("group"), m_aclGroupNames);
    m_aclGroups.insert(kongGroup, name);
    return name;
}

void KongImporter::applyAcl(const Plugin &p, const YAML::Node &config, QString where)
{
    const QString path = p.source + QStringLiteral(".config");
    QStringList allow, deny;
    readAllowDeny(config, path, allow, deny);
    bool hide = false;
    m_yaml.boolean(get(config, "hide_groups_header"), path + QStringLiteral(".hide_groups_header"),
                   hide);
    int scope = 0;
    const std::vector<Route *> routes = routesInScope(p, scope, where);
    reportExtraConfig(
        config, where,
        {QStringLiteral("allow"), QStringLiteral("deny"), QStringLiteral("whitelist"),
         QStringLiteral("blacklist"), QStringLiteral("hide_groups_header")},
        {{QStringLiteral("include_consumer_groups"), QStringLiteral("false")},
         {QStringLiteral("always_use_authenticated_groups"), QStringLiteral("false")}});
    if (!hide)
        note(where
             + QStringLiteral(": Kong sends the consumer's groups upstream in X-Consumer-Groups "
                              "(hide_groups_header false); Portico does not"));
    for (QStringList *groups : {&allow, &deny}) {
        for (QString &group : *groups)
            group = aclGroup(group, where);
        groups->removeDuplicates();
    }
    for (Route *r : routes) {
        if (scope >= r->aclScope) {
            r->route.allowGroups = allow;
            r->route.denyGroups = deny;
            r->aclScope = scope;
        }
    }
}

void KongImporter::applyIpRestriction(const Plugin &p, const YAML::Node &config, QString where)
{
    const QString path = p.source + QStringLiteral(".config");
    QStringList allow, deny;
    readAllowDeny(config, path, allow, deny);
    // Kong refuses a plugin with an entry that is no address or block; so does this import.
    const std::pair<const char *, const QStringList *> lists[] = {{"allow", &allow},
                                                                  {"deny", &deny}};
    for (const auto &[field, list] : lists) {
        for (qsizetype i = 0; i < list->size(); ++i) {
            QString message;
            if (!parseIpRule(list->at(i), &message))
                m_yaml.error(indexed(path + u'.' + QLatin1String(field), i), message);
        }
    }
    int scope = 0;
    const std::vector<Route *> routes = routesInScope(p, scope, where);
    reportExtraConfig(config, where,
                      {QStringLiteral("allow"), QStringLiteral("deny"), QStringLiteral("whitelist"),
                       QStringLiteral("blacklist")},
                      {{QStringLiteral("status"), QStringLiteral("403")}});
    allow.removeDuplicates();
    deny.removeDuplicates();
    for (Route *r : routes) {
        if (scope >= r->ipScope) {
            r->route.allowIps = allow;
            r->route.denyIps = deny;
            r->ipScope = scope;
        }
    }
}

// Kong's acl refuses a request that no auth plugin gave a consumer; Portico wants auth on a
// route with groups. Such a route is imported closed (disabled), never open.
void KongImporter::closeAclWithoutAuth()
{
    for (Route &r : m_routes) {
        RouteConfig &route = r.route;
        if (!route.auth.isEmpty() || (route.allowGroups.isEmpty() && route.denyGroups.isEmpty()))
            continue;
        notCarried(entityLabel(r.source, route.name)
                   + QStringLiteral(": acl without an authentication plugin: Kong refuses every "
                                    "request (there is no consumer to check); imported disabled, "
                                    "without its groups"));
        route.allowGroups.clear();
        route.denyGroups.clear();
        route.enabled = false;
    }
}

} // namespace portico
