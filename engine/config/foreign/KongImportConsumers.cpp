#include "KongImporter.h"

#include "config/ApiKeys.h"

#include <algorithm>

namespace portico {

namespace {

QString limitsName(const LimitsConfig &l)
{
    QStringList parts = {QStringLiteral("limits")};
    for (const auto &[name, value] : l.windows()) {
        if (value)
            parts << QLatin1String(name) << QString::number(value);
    }
    return parts.join(u'-');
}

} // namespace

void KongImporter::readConsumer(const YAML::Node &node, const QString &path)
{
    if (!m_yaml.expectMap(node, path))
        return;
    QString username, customId, id;
    m_yaml.string(get(node, "username"), path + QStringLiteral(".username"), username);
    m_yaml.string(get(node, "custom_id"), path + QStringLiteral(".custom_id"), customId);
    m_yaml.string(get(node, "id"), path + QStringLiteral(".id"), id);
    if (username.isEmpty() && customId.isEmpty()) {
        m_yaml.error(path + QStringLiteral(".username"), QStringLiteral("missing"));
        return;
    }
    const QString kongName = username.isEmpty() ? customId : username;
    const QString where = entityLabel(path, kongName);
    const qsizetype index = qsizetype(m_consumers.size());
    Consumer c;
    c.source = path;
    c.consumer.name =
        nameFor(kongName, where, QStringLiteral("consumer-%1").arg(index + 1), m_consumerNames);
    c.consumer.customId = customId;
    if (username.isEmpty())
        note(where + QStringLiteral(": no username; named after its custom_id"));

    const YAML::Node keys = get(node, "keyauth_credentials");
    const QString keysPath = path + QStringLiteral(".keyauth_credentials");
    if (ForeignYaml::isSet(keys) && m_yaml.expectList(keys, keysPath)) {
        for (size_t i = 0; i < keys.size(); ++i)
            readKeyCredential(keys[i], indexed(keysPath, qsizetype(i)), c);
    }
    static const std::pair<const char *, const char *> credentials[] = {
        {"jwt_secrets", "Portico verifies tokens with jwt_providers"},
        {"basicauth_credentials", "Portico has no basic auth"},
        {"hmacauth_credentials", "Portico has no HMAC auth"},
        {"oauth2_credentials", "Portico has no OAuth 2 server"},
        {"mtls_auth_credentials", "Portico has no client certificates"}};
    for (const auto &[field, why] : credentials) {
        const YAML::Node list = get(node, field);
        if (list.IsSequence() && list.size() > 0)
            notCarried(where
                       + QStringLiteral(": %1 (%2) not carried (%3)")
                             .arg(QLatin1String(field))
                             .arg(list.size())
                             .arg(QLatin1String(why)));
    }
    readAcls(get(node, "acls"), path + QStringLiteral(".acls"), where, c);
    const YAML::Node groups = get(node, "groups");
    if (ForeignYaml::isSet(groups) && m_yaml.expectList(groups, path + QStringLiteral(".groups"))) {
        for (size_t i = 0; i < groups.size(); ++i)
            c.groups.append(reference(groups[i], indexed(path + QStringLiteral(".groups"), i)));
    }
    reportTags(node);
    m_consumers.push_back(c);
    for (const QString &ref : {username, customId, id, QStringLiteral("#%1").arg(index)}) {
        if (!ref.isEmpty())
            m_consumerRefs.insert(ref, index);
    }
    Plugin scope;
    scope.consumer = QStringLiteral("#%1").arg(index);
    readPlugins(get(node, "plugins"), path + QStringLiteral(".plugins"), scope);
}

void KongImporter::readAcls(const YAML::Node &acls, const QString &path, const QString &where,
                            Consumer &c)
{
    if (!ForeignYaml::isSet(acls) || !m_yaml.expectList(acls, path))
        return;
    for (size_t i = 0; i < acls.size(); ++i) {
        const QString at = indexed(path, qsizetype(i));
        QString group;
        if (!m_yaml.expectMap(acls[i], at))
            continue;
        if (!m_yaml.string(get(acls[i], "group"), at + QStringLiteral(".group"), group)) {
            m_yaml.error(at + QStringLiteral(".group"), QStringLiteral("missing"));
            continue;
        }
        reportTags(acls[i]);
        const QString name = aclGroup(group, where);
        if (!c.consumer.groups.contains(name))
            c.consumer.groups.append(name);
    }
}

void KongImporter::readKeyCredential(const YAML::Node &node, const QString &path, Consumer &c)
{
    if (!m_yaml.expectMap(node, path))
        return;
    QString plaintext;
    if (!m_yaml.string(get(node, "key"), path + QStringLiteral(".key"), plaintext)
        || plaintext.isEmpty()) {
        notCarried(path + QStringLiteral(": no key in the file (Kong generated it); not carried"));
        return;
    }
    // The plaintext goes no further than this function: only its hash is kept.
    ApiKeyConfig key = storedApiKey(plaintext, m_now);
    qint64 ttl = 0;
    if (m_yaml.integer(get(node, "ttl"), path + QStringLiteral(".ttl"), ttl) && ttl > 0)
        key.expires = m_now.addSecs(ttl);
    reportTags(node);
    c.consumer.keys.push_back(key);
    c.keySources.push_back(path);
}

void KongImporter::readGroup(const YAML::Node &node, const QString &path)
{
    if (!m_yaml.expectMap(node, path))
        return;
    QString kongName, id;
    if (!m_yaml.string(get(node, "name"), path + QStringLiteral(".name"), kongName)) {
        m_yaml.error(path + QStringLiteral(".name"), QStringLiteral("missing"));
        return;
    }
    m_yaml.string(get(node, "id"), path + QStringLiteral(".id"), id);
    const qsizetype index = qsizetype(m_groups.size());
    Group g;
    g.source = path;
    g.name = kongName;
    const YAML::Node members = get(node, "consumers");
    if (ForeignYaml::isSet(members)
        && m_yaml.expectList(members, path + QStringLiteral(".consumers"))) {
        for (size_t i = 0; i < members.size(); ++i) {
            const YAML::Node member = members[i];
            const QString at = indexed(path + QStringLiteral(".consumers"), qsizetype(i));
            QString ref;
            if (member.IsMap() && !m_yaml.string(get(member, "username"), at, ref))
                ref = reference(member, at);
            else if (!member.IsMap())
                m_yaml.string(member, at, ref);
            g.members.append(ref);
        }
    }
    reportTags(node);
    m_groups.push_back(g);
    for (const QString &ref : {kongName, id, QStringLiteral("#%1").arg(index)}) {
        if (!ref.isEmpty())
            m_groupRefs.insert(ref, index);
    }
    Plugin scope;
    scope.group = QStringLiteral("#%1").arg(index);
    readPlugins(get(node, "plugins"), path + QStringLiteral(".plugins"), scope);
}

void KongImporter::assignPlans()
{
    const auto planFor = [&](const QString &wanted, const LimitsConfig &limits,
                             const QString &source) {
        for (const PlanConfig &plan : m_plans) {
            if (plan.name == wanted && plan.limits == limits)
                return plan.name;
        }
        PlanConfig plan;
        plan.name =
            uniqueName(sanitizeName(wanted).isEmpty() ? limitsName(limits) : sanitizeName(wanted),
                       m_planNames);
        plan.limits = limits;
        m_plans.push_back(plan);
        m_planSources.push_back(source);
        return plan.name;
    };
    for (Consumer &c : m_consumers) {
        const QString where = entityLabel(c.source, c.consumer.name);
        std::vector<const Group *> limited;
        for (const QString &ref : c.groups) {
            const qsizetype g = resolve(m_groupRefs, ref);
            if (g >= 0 && m_groups[size_t(g)].limits)
                limited.push_back(&m_groups[size_t(g)]);
        }
        if (c.limits) {
            const bool tagged = !c.planTag.isEmpty();
            c.consumer.plan =
                planFor(tagged ? c.planTag : limitsName(*c.limits), *c.limits, c.limitsSource);
            if (!tagged)
                note(where
                     + QStringLiteral(": its rate-limiting plugin carried as plan \"%1\"")
                           .arg(c.consumer.plan));
            if (!limited.empty())
                note(where
                     + QStringLiteral(": its own rate-limiting plugin wins over its consumer "
                                      "group's"));
        } else if (!limited.empty()) {
            c.consumer.plan = planFor(limited.front()->name, *limited.front()->limits,
                                      limited.front()->limitsSource);
            if (limited.size() > 1)
                notCarried(where
                           + QStringLiteral(": in several consumer groups with limits; "
                                            "Portico allows one plan: \"%1\" carried")
                                 .arg(c.consumer.plan));
        }
    }
    for (const Group &g : m_groups) {
        if (!g.limits)
            notCarried(entityLabel(g.source, g.name)
                       + QStringLiteral(": consumer group without rate limits; membership not "
                                        "carried"));
    }
}

} // namespace portico
