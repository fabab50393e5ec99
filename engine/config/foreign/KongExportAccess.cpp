#include "KongAccess.h"

namespace portico {

namespace {

TreeValue keyAuth(const RouteConfig &r, const QString &where, ForeignReport &report)
{
    TreeValue config = TreeValue::map();
    config.insert("key_names", TreeValue::flowList({r.keyHeader}))
        .insert("key_in_query", r.keyInQuery)
        .insert("hide_credentials", true); // Portico never forwards the key
    // Kong looks a query key up under the key names, Portico under "apikey".
    if (r.keyInQuery && r.keyHeader != QStringLiteral("apikey"))
        report.notes.append(where
                            + QStringLiteral(": key_in_query: Kong reads the key from the query "
                                             "parameter %1, Portico from apikey")
                                  .arg(r.keyHeader));
    return kongPlugin("key-auth", std::move(config));
}

TreeValue acl(const RouteConfig &r, const QString &where, ForeignReport &report)
{
    // Kong's acl takes allow or deny, not both; allow is the closer of the two.
    TreeValue config = TreeValue::map();
    if (!r.allowGroups.isEmpty())
        config.insert("allow", TreeValue::flowList(r.allowGroups));
    else
        config.insert("deny", TreeValue::flowList(r.denyGroups));
    config.insert("hide_groups_header", true); // Portico sends no groups upstream
    if (!r.allowGroups.isEmpty() && !r.denyGroups.isEmpty())
        report.notCarried.append(
            where
            + QStringLiteral(": deny_groups [%1] not carried: Kong's acl takes allow or deny, "
                             "not both; allow_groups is carried, so in Kong a consumer in both "
                             "lists is let in")
                  .arg(r.denyGroups.join(QStringLiteral(", "))));
    return kongPlugin("acl", std::move(config));
}

TreeValue ipRestriction(const RouteConfig &r)
{
    // Both lists, as in Portico: Kong checks deny first, so deny wins there too.
    TreeValue config = TreeValue::map();
    if (!r.allowIps.isEmpty())
        config.insert("allow", TreeValue::flowList(r.allowIps));
    if (!r.denyIps.isEmpty())
        config.insert("deny", TreeValue::flowList(r.denyIps));
    return kongPlugin("ip-restriction", std::move(config));
}

} // namespace

TreeValue kongPlugin(const char *name, TreeValue config)
{
    TreeValue tree = TreeValue::map();
    tree.insert("name", name);
    if (!config.isEmpty())
        tree.insert("config", std::move(config));
    return tree;
}

void appendKongAccessPlugins(const RouteConfig &r, const QString &where, TreeValue &plugins,
                             ForeignReport &report)
{
    if (r.auth.contains(QStringLiteral("key")))
        plugins.append(keyAuth(r, where, report));
    if (r.auth.contains(QStringLiteral("jwt")))
        plugins.append(kongPlugin("jwt", {}));
    if (r.auth.size() > 1)
        report.notCarried.append(
            where
            + QStringLiteral(": auth [%1]: Kong runs every auth plugin of a route and requires "
                             "each credential, Portico accepts either")
                  .arg(r.auth.join(QStringLiteral(", "))));
    if (!r.jwtProviders.isEmpty())
        report.notCarried.append(
            where
            + QStringLiteral(": jwt_providers [%1] not carried: Kong's jwt plugin accepts a "
                             "token from any consumer's jwt_secret")
                  .arg(r.jwtProviders.join(QStringLiteral(", "))));
    if (r.jwtAnonymous)
        report.notCarried.append(
            where
            + QStringLiteral(": jwt_anonymous not carried: Kong's jwt plugin refuses a token "
                             "that names no consumer (its anonymous setting is for requests "
                             "without a valid token)"));
    if (!r.allowGroups.isEmpty() || !r.denyGroups.isEmpty())
        plugins.append(acl(r, where, report));
    if (!r.allowIps.isEmpty() || !r.denyIps.isEmpty())
        plugins.append(ipRestriction(r));
}

void addKongConsumerAccess(const ConsumerConfig &c, TreeValue &entry)
{
    if (!c.customId.isEmpty())
        entry.insert("custom_id", c.customId);
    if (c.groups.isEmpty())
        return;
    TreeValue acls = TreeValue::list();
    for (const QString &group : c.groups) {
        TreeValue credential = TreeValue::map();
        credential.insert("group", group).setFlow();
        acls.append(std::move(credential));
    }
    entry.insert("acls", std::move(acls));
}

} // namespace portico
