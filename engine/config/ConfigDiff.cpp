#include "ConfigDiff.h"

#include <QHash>
#include <QStringList>

#include <algorithm>
#include <cstring>

namespace portico {

namespace {

// The number of fields of an aggregate: the same() shortcuts below list every field, and must
// stop compiling when one is added rather than silently ignore it.
struct AnyField
{
    template<typename T>
    operator T() const;
};

template<typename T, typename... Fields>
constexpr size_t fieldCount()
{
    if constexpr (requires { T{Fields{}..., AnyField{}}; })
        return fieldCount<T, Fields..., AnyField>();
    else
        return sizeof...(Fields);
}

// An edit runs on a copy of the configuration, so everything it did not touch still shares
// its data with the original: equal pointers answer without comparing (or calling out of line
// for) 100,000 consumers' strings and times. Anything else is compared for real.
bool same(const QString &a, const QString &b)
{
    return (a.constData() == b.constData() && a.size() == b.size()) || a == b;
}

static_assert(sizeof(QDateTime) == sizeof(void *), "same(QDateTime) compares the one word");

bool same(const QDateTime &a, const QDateTime &b)
{
    // A QDateTime is one word: its short form inline, or a pointer to shared data; equal
    // words hold equal times.
    return std::memcmp(&a, &b, sizeof(QDateTime)) == 0 || a == b;
}

bool same(const ApiKeyConfig &a, const ApiKeyConfig &b)
{
    static_assert(fieldCount<ApiKeyConfig>() == 6, "compare the new field here");
    return same(a.id, b.id) && same(a.hash, b.hash) && same(a.prefix, b.prefix)
        && same(a.created, b.created) && same(a.expires, b.expires) && same(a.revoked, b.revoked);
}

bool same(const ConsumerConfig &a, const ConsumerConfig &b)
{
    static_assert(fieldCount<ConsumerConfig>() == 5, "compare the new field here");
    // QList's == answers at once for lists that share their data.
    if (!same(a.name, b.name) || !same(a.plan, b.plan) || !same(a.customId, b.customId)
        || a.groups != b.groups || a.keys.size() != b.keys.size())
        return false;
    for (size_t k = 0; k < a.keys.size(); ++k) {
        if (!same(a.keys[k], b.keys[k]))
            return false;
    }
    return true;
}

template<typename T>
bool same(const T &a, const T &b)
{
    return a == b;
}

// Positions (in `sequence`) of one longest strictly increasing subsequence.
std::vector<bool> longestIncreasingRun(const std::vector<qsizetype> &sequence)
{
    std::vector<size_t> tails;                            // tails[k]: end of the best run of k+1
    std::vector<qsizetype> previous(sequence.size(), -1); // links back through the run
    for (size_t i = 0; i < sequence.size(); ++i) {
        const auto it = std::lower_bound(tails.begin(), tails.end(), sequence[i],
                                         [&](size_t t, qsizetype v) { return sequence[t] < v; });
        if (it != tails.begin())
            previous[i] = qsizetype(*(it - 1));
        if (it == tails.end())
            tails.push_back(i);
        else
            *it = i;
    }
    std::vector<bool> inRun(sequence.size(), false);
    for (qsizetype i = tails.empty() ? -1 : qsizetype(tails.back()); i >= 0;
         i = previous[size_t(i)])
        inRun[size_t(i)] = true;
    return inRun;
}

template<typename T>
bool sharesData(const QList<T> &a, const QList<T> &b)
{
    return a.isSharedWith(b);
}

template<typename T>
bool sharesData(const std::vector<T> &, const std::vector<T> &)
{
    return false;
}

// Lists are std::vector or QList; both take a signed index.
inline qsizetype index(size_t i)
{
    return qsizetype(i);
}

template<typename List>
void diffList(EntityKind kind, const List &before, const List &after,
              std::vector<EntityChange> &out)
{
    // An implicitly shared list that was not written to since the copy is the same list.
    if (sharesData(before, after))
        return;
    // Most edits keep every name in place: compare pairwise, no lookups.
    bool sameNames = before.size() == after.size();
    for (size_t i = 0; sameNames && i < size_t(before.size()); ++i)
        sameNames = before[index(i)].name == after[index(i)].name;
    if (sameNames) {
        for (size_t i = 0; i < size_t(after.size()); ++i) {
            if (!same(before[index(i)], after[index(i)]))
                out.push_back({kind, after[index(i)].name, qsizetype(i), qsizetype(i), true, false});
        }
        return;
    }

    QHash<QString, qsizetype> oldIndex;
    oldIndex.reserve(qsizetype(before.size()));
    for (size_t i = 0; i < size_t(before.size()); ++i)
        oldIndex.insert(before[index(i)].name, qsizetype(i));
    std::vector<qsizetype> survivorOld; // old index of each survivor, in new order
    std::vector<qsizetype> survivorNew;
    std::vector<qsizetype> newToOld(size_t(after.size()), -1);
    std::vector<bool> survives(size_t(before.size()), false);
    for (size_t j = 0; j < size_t(after.size()); ++j) {
        const auto it = oldIndex.constFind(after[index(j)].name);
        if (it == oldIndex.cend())
            continue;
        newToOld[j] = *it;
        survives[size_t(*it)] = true;
        survivorOld.push_back(*it);
        survivorNew.push_back(qsizetype(j));
    }
    for (size_t i = 0; i < size_t(before.size()); ++i) {
        if (!survives[i])
            out.push_back({kind, before[index(i)].name, qsizetype(i), -1, true, false});
    }
    const std::vector<bool> stays = longestIncreasingRun(survivorOld);
    std::vector<bool> movedAt(size_t(after.size()), false);
    for (size_t k = 0; k < survivorNew.size(); ++k)
        movedAt[size_t(survivorNew[k])] = !stays[k];
    for (size_t j = 0; j < size_t(after.size()); ++j) {
        const qsizetype i = newToOld[j];
        if (i < 0) {
            out.push_back({kind, after[index(j)].name, -1, qsizetype(j), true, false});
            continue;
        }
        const bool content = !same(before[size_t(i)], after[index(j)]);
        if (content || movedAt[j])
            out.push_back({kind, after[index(j)].name, i, qsizetype(j), content, movedAt[j]});
    }
}

QString action(const EntityChange &change)
{
    if (change.added())
        return QStringLiteral("added");
    if (change.removed())
        return QStringLiteral("removed");
    return change.contentChanged ? QStringLiteral("updated") : QStringLiteral("moved");
}

QString singular(EntityKind kind)
{
    return kind == EntityKind::JwtProvider ? QStringLiteral("jwt provider") : entityKindName(kind);
}

QString plural(EntityKind kind)
{
    return singular(kind) + u's';
}

} // namespace

QString entityKindName(EntityKind kind)
{
    switch (kind) {
    case EntityKind::Settings: return QStringLiteral("settings");
    case EntityKind::Service: return QStringLiteral("service");
    case EntityKind::Route: return QStringLiteral("route");
    case EntityKind::Consumer: return QStringLiteral("consumer");
    case EntityKind::Plan: return QStringLiteral("plan");
    case EntityKind::JwtProvider: return QStringLiteral("jwt_provider");
    case EntityKind::Certificate: return QStringLiteral("certificate");
    }
    return QString();
}

std::optional<EntityKind> entityKindFromName(QStringView name)
{
    for (EntityKind kind : {EntityKind::Settings, EntityKind::Service, EntityKind::Route,
                            EntityKind::Consumer, EntityKind::Plan, EntityKind::JwtProvider,
                            EntityKind::Certificate}) {
        if (name == entityKindName(kind))
            return kind;
    }
    return std::nullopt;
}

ConfigDiff diffConfigs(const Config &before, const Config &after)
{
    ConfigDiff diff;
    if (!(before.settings == after.settings))
        diff.changes.push_back({EntityKind::Settings, QString(), 0, 0, true, false});
    diffList(EntityKind::Service, before.services, after.services, diff.changes);
    diffList(EntityKind::Route, before.routes, after.routes, diff.changes);
    diffList(EntityKind::Consumer, before.consumers, after.consumers, diff.changes);
    diffList(EntityKind::Plan, before.plans, after.plans, diff.changes);
    diffList(EntityKind::JwtProvider, before.jwtProviders, after.jwtProviders, diff.changes);
    diffList(EntityKind::Certificate, before.certificates, after.certificates, diff.changes);
    return diff;
}

QString summarizeDiff(const ConfigDiff &diff)
{
    // Groups of one kind and action, in the order they first appear.
    struct Group
    {
        EntityKind kind;
        QString action;
        QStringList names;
    };
    std::vector<Group> groups;
    for (const EntityChange &change : diff.changes) {
        const QString what = action(change);
        auto it = std::find_if(groups.begin(), groups.end(), [&](const Group &g) {
            return g.kind == change.kind && g.action == what;
        });
        if (it == groups.end())
            it = groups.insert(groups.end(), {change.kind, what, {}});
        it->names.append(change.name);
    }
    QStringList parts;
    for (const Group &group : groups) {
        if (group.kind == EntityKind::Settings)
            parts.append(QStringLiteral("settings ") + group.action);
        else if (group.names.size() == 1)
            parts.append(singular(group.kind) + u' ' + group.names.front() + u' ' + group.action);
        else if (group.names.size() <= 3)
            parts.append(plural(group.kind) + u' ' + group.names.join(QStringLiteral(", ")) + u' '
                         + group.action);
        else
            parts.append(QString::number(group.names.size()) + u' ' + plural(group.kind) + u' '
                         + group.action);
    }
    return parts.isEmpty() ? QStringLiteral("no change") : parts.join(QStringLiteral("; "));
}

} // namespace portico
