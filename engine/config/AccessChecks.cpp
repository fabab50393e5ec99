#include "AccessChecks.h"

#include "Addresses.h"
#include "ConfigValidator.h"
#include "ConsumerScan.h"

#include <QHash>

#include <vector>

namespace portico::validation {

namespace {

constexpr QLatin1StringView kDefaultKeyHeader("X-API-Key");
constexpr qsizetype kMaxCustomId = 256;
constexpr qsizetype kFewItems = 16;

bool hasAuth(const RouteConfig &route, QLatin1StringView kind)
{
    return route.auth.contains(kind);
}

// For each key, the index of the first equal one (itself when it is the first); empty keys
// (items that failed their own check) are left out. A scan for the usual few, a hash for many.
std::vector<qsizetype> firstOccurrences(const QStringList &keys)
{
    std::vector<qsizetype> first(size_t(keys.size()), -1);
    QHash<QString, qsizetype> seen;
    for (qsizetype i = 0; i < keys.size(); ++i) {
        const QString &key = keys[i];
        if (key.isEmpty())
            continue;
        if (keys.size() <= kFewItems) {
            first[size_t(i)] = keys.indexOf(key);
        } else {
            const auto it = seen.constFind(key);
            first[size_t(i)] = it == seen.cend() ? i : *it;
            if (it == seen.cend())
                seen.insert(key, i);
        }
    }
    return first;
}

QString checkGroupName(const QString &group)
{
    return group.isEmpty() ? QStringLiteral("empty group name") : checkName(group);
}

bool groupsAreClean(const QStringList &groups)
{
    if (groups.isEmpty())
        return true;
    const std::vector<qsizetype> first = firstOccurrences(groups);
    for (qsizetype g = 0; g < groups.size(); ++g) {
        if (!checkGroupName(groups[g]).isEmpty() || first[size_t(g)] != g)
            return false;
    }
    return true;
}

void checkGroups(Checker &check, const FieldPath &path, const QStringList &groups)
{
    const std::vector<qsizetype> first = firstOccurrences(groups);
    for (qsizetype g = 0; g < groups.size(); ++g) {
        const QString message = checkGroupName(groups[g]);
        if (!message.isEmpty())
            check.add(path[g], message);
        else if (first[size_t(g)] != g)
            check.add(path[g], QStringLiteral("duplicate group \"%1\"").arg(groups[g]));
    }
}

// Addresses and blocks; a repeat is the same block however it is written ("::1", "0::1/128").
void checkIpRules(Checker &check, const FieldPath &path, const QStringList &rules)
{
    QStringList blocks;
    QStringList messages;
    blocks.reserve(rules.size());
    messages.reserve(rules.size());
    for (const QString &rule : rules) {
        QString message;
        const auto subnet = parseIpRule(rule, &message);
        blocks.append(subnet ? subnet->first.toString() + u'/' + QString::number(subnet->second)
                             : QString());
        messages.append(message);
    }
    const std::vector<qsizetype> first = firstOccurrences(blocks);
    for (qsizetype i = 0; i < rules.size(); ++i) {
        if (blocks[i].isEmpty())
            check.add(path[i], messages[i]);
        else if (first[size_t(i)] != i)
            check.add(path[i],
                      QStringLiteral("duplicate address \"%1\" (also %2)")
                          .arg(rules[i], path[first[size_t(i)]].toString()));
    }
}

void checkKeyFields(Checker &check, const FieldPath &base, const RouteConfig &route)
{
    const bool key = hasAuth(route, QLatin1StringView("key"));
    const QString message = checkKeyHeader(route.keyHeader);
    if (!message.isEmpty())
        check.add(base.field("key_header"), message);
    else if (!key && route.keyHeader.compare(kDefaultKeyHeader, Qt::CaseInsensitive) != 0)
        check.add(base.field("key_header"), QStringLiteral("needs auth: [key]"));
    if (!key && route.keyInQuery)
        check.add(base.field("key_in_query"), QStringLiteral("needs auth: [key]"));
}

void checkJwtFields(Checker &check, const FieldPath &base, const RouteConfig &route,
                    const NameLookup<JwtProviderConfig> &hasProvider)
{
    const bool jwt = hasAuth(route, QLatin1StringView("jwt"));
    const FieldPath providers = base.field("jwt_providers");
    if (!jwt && !route.jwtProviders.isEmpty()) {
        check.add(providers, QStringLiteral("needs auth: [jwt]"));
    } else {
        const std::vector<qsizetype> first = firstOccurrences(route.jwtProviders);
        for (qsizetype p = 0; p < route.jwtProviders.size(); ++p) {
            const QString &name = route.jwtProviders[p];
            if (name.isEmpty())
                check.add(providers[p], QStringLiteral("empty provider name"));
            else if (!hasProvider(name))
                check.add(providers[p], QStringLiteral("unknown jwt provider \"%1\"").arg(name));
            else if (first[size_t(p)] != p)
                check.add(providers[p], QStringLiteral("duplicate jwt provider \"%1\"").arg(name));
        }
    }
    if (!jwt && route.jwtAnonymous)
        check.add(base.field("jwt_anonymous"), QStringLiteral("needs auth: [jwt]"));
}

// The id is sent upstream as the X-Consumer-Id header: it must be a header value as it is.
QString checkCustomId(const QString &id)
{
    if (id.size() > kMaxCustomId)
        return QStringLiteral("longer than %1 characters").arg(kMaxCustomId);
    for (QChar c : id) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return QStringLiteral("control characters are not allowed (it is sent as the "
                                  "X-Consumer-Id header)");
    }
    if (!id.isEmpty() && (id.front() == u' ' || id.back() == u' '))
        return QStringLiteral("must not start or end with a space (it is sent as the "
                              "X-Consumer-Id header)");
    return {};
}

} // namespace

void checkRouteAccess(Checker &check, const FieldPath &base, const RouteConfig &route,
                      const NameLookup<JwtProviderConfig> &hasProvider)
{
    checkKeyFields(check, base, route);
    checkJwtFields(check, base, route, hasProvider);
    const std::pair<const char *, const QStringList *> groupLists[] = {
        {"allow_groups", &route.allowGroups}, {"deny_groups", &route.denyGroups}};
    for (const auto &[field, groups] : groupLists) {
        // Groups are an authenticated consumer's: on a public route nobody would have any.
        if (!groups->isEmpty() && route.auth.isEmpty())
            check.add(base.field(field),
                      QStringLiteral("needs auth: groups belong to an authenticated consumer"));
        else
            checkGroups(check, base.field(field), *groups);
    }
    checkIpRules(check, base.field("allow_ips"), route.allowIps);
    checkIpRules(check, base.field("deny_ips"), route.denyIps);
}

void checkConsumerAccess(Checker &check, const FieldPath &base, qsizetype index,
                         const ConsumerConfig &consumer, ConsumerScan &scan)
{
    const QString message = checkCustomId(consumer.customId);
    const qint64 first = consumer.customId.isEmpty() ? -1 : scan.firstCustomId(index);
    if (!message.isEmpty())
        check.add(base.field("custom_id"), message);
    else if (first >= 0)
        check.add(base.field("custom_id"),
                  QStringLiteral("duplicate custom_id \"%1\" (also %2)")
                      .arg(consumer.customId, FieldPath("consumers")[first].toString()));
    checkGroups(check, base.field("groups"), consumer.groups);
}

bool isConsumerAccessClean(const ConsumerConfig &consumer)
{
    return (consumer.customId.isEmpty() || checkCustomId(consumer.customId).isEmpty())
        && groupsAreClean(consumer.groups);
}

} // namespace portico::validation
