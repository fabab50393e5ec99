#include "StoreHistory.h"

#include "EntityDocuments.h"
#include "StoreSql.h"

#include <QSet>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>
#include <map>

namespace portico {

namespace {

struct StoredChange
{
    EntityKind kind = EntityKind::Settings;
    QString name;
    qsizetype oldIndex = -1;
    qsizetype newIndex = -1;
    QByteArray before;
};

QVariant indexOrNull(qsizetype index)
{
    return index < 0 ? QVariant() : QVariant(qint64(index));
}

// Turns the configuration after a revision into the one before it. Every entity the revision
// did not touch kept its order relative to the others (ConfigDiff records everything that
// moved), so: take out what the revision put in, then put back what was there, in order.
bool undoRevision(Config &config, const std::vector<StoredChange> &changes, QString *error)
{
    std::map<EntityKind, std::vector<const StoredChange *>> byKind;
    for (const StoredChange &change : changes)
        byKind[change.kind].push_back(&change);
    for (auto &[kind, list] : byKind) {
        QSet<QString> arrived;
        for (const StoredChange *change : list) {
            if (change->newIndex >= 0)
                arrived.insert(change->name);
        }
        eraseEntities(config, kind, arrived);
        std::sort(list.begin(), list.end(), [](const StoredChange *a, const StoredChange *b) {
            return a->oldIndex < b->oldIndex;
        });
        for (const StoredChange *change : list) {
            if (change->oldIndex < 0)
                continue;
            if (!insertEntity(config, kind, change->oldIndex, change->before, error)) {
                *error = QStringLiteral("cannot restore %1 %2: %3")
                             .arg(entityKindName(kind), change->name, *error);
                return false;
            }
        }
    }
    return true;
}

} // namespace

QString configSourceName(ConfigSource source)
{
    switch (source) {
    case ConfigSource::Init: return QStringLiteral("init");
    case ConfigSource::Gui: return QStringLiteral("gui");
    case ConfigSource::Admin: return QStringLiteral("admin");
    case ConfigSource::Import: return QStringLiteral("import");
    case ConfigSource::Rollback: return QStringLiteral("rollback");
    }
    return QString();
}

ConfigSource configSourceFromName(const QString &name)
{
    for (ConfigSource source :
         {ConfigSource::Gui, ConfigSource::Admin, ConfigSource::Import, ConfigSource::Rollback}) {
        if (name == configSourceName(source))
            return source;
    }
    return ConfigSource::Init;
}

bool recordVersion(QSqlDatabase &db, const ConfigVersion &version, const ConfigDiff &diff,
                   const Config &before, const Config &after, QString *error)
{
    QSqlQuery query(db);
    if (!prepareSql(query,
                    QStringLiteral("INSERT INTO history (revision, applied_at_ms, source, "
                                   "summary) VALUES (?, ?, ?, ?)"),
                    error)
        || !runSql(query,
                   {version.revision, version.appliedAt.toMSecsSinceEpoch(),
                    configSourceName(version.source), version.summary},
                   QStringLiteral("cannot record revision %1").arg(version.revision), error))
        return false;
    if (diff.isEmpty())
        return true;
    if (!prepareSql(query,
                    QStringLiteral("INSERT INTO history_changes (revision, seq, kind, "
                                   "name, old_index, new_index, before, after) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                    error))
        return false;
    qint64 seq = 0;
    for (const EntityChange &change : diff.changes) {
        const QVariant old = change.added()
            ? QVariant()
            : QVariant(QString::fromUtf8(entityDocument(before, change.kind, change.oldIndex)));
        const QVariant now = change.removed()
            ? QVariant()
            : QVariant(QString::fromUtf8(entityDocument(after, change.kind, change.newIndex)));
        if (!runSql(
                query,
                {version.revision, seq++, entityKindName(change.kind), change.name,
                 indexOrNull(change.oldIndex), indexOrNull(change.newIndex), old, now},
                QStringLiteral("cannot record the changes of revision %1").arg(version.revision),
                error))
            return false;
    }
    return true;
}

bool pruneHistory(QSqlDatabase &db, qint64 newestRevision, int limit, QString *error)
{
    const qint64 oldestKept = newestRevision - limit + 1;
    if (oldestKept <= 1)
        return true;
    QSqlQuery query(db);
    return prepareSql(query, QStringLiteral("DELETE FROM history_changes WHERE revision <= ?"),
                      error)
        && runSql(query, {oldestKept}, QStringLiteral("cannot prune the history"), error)
        && prepareSql(query, QStringLiteral("DELETE FROM history WHERE revision < ?"), error)
        && runSql(query, {oldestKept}, QStringLiteral("cannot prune the history"), error);
}

std::optional<std::vector<ConfigVersion>> readHistory(QSqlDatabase &db, int limit, QString *error)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!prepareSql(query,
                    QStringLiteral("SELECT revision, applied_at_ms, source, summary "
                                   "FROM history ORDER BY revision DESC LIMIT ?"),
                    error)
        || !runSql(query, {qMax(limit, 0)}, QStringLiteral("cannot read the history"), error))
        return std::nullopt;
    std::vector<ConfigVersion> versions;
    while (query.next()) {
        ConfigVersion &version = versions.emplace_back();
        version.revision = query.value(0).toLongLong();
        version.appliedAt = QDateTime::fromMSecsSinceEpoch(query.value(1).toLongLong(), Qt::UTC);
        version.source = configSourceFromName(query.value(2).toString());
        version.summary = query.value(3).toString();
    }
    if (query.lastError().isValid()) {
        *error = sqlFailure(QStringLiteral("cannot read the history"), query.lastError());
        return std::nullopt;
    }
    return versions;
}

std::optional<Config> rebuildConfig(QSqlDatabase &db, const Config &current, qint64 currentRevision,
                                    qint64 target, QString *error)
{
    error->clear();
    if (target == currentRevision)
        return current;
    if (target > currentRevision || target < 1)
        return std::nullopt;
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!prepareSql(query, QStringLiteral("SELECT count(*) FROM history WHERE revision = ?"), error)
        || !runSql(query, {target}, QStringLiteral("cannot read the history"), error))
        return std::nullopt;
    if (!query.next() || query.value(0).toLongLong() == 0)
        return std::nullopt;
    if (!prepareSql(query,
                    QStringLiteral("SELECT revision, kind, name, old_index, new_index, "
                                   "before FROM history_changes WHERE revision > ? "
                                   "AND revision <= ? ORDER BY revision DESC, seq"),
                    error)
        || !runSql(query, {target, currentRevision}, QStringLiteral("cannot read the history"),
                   error))
        return std::nullopt;

    Config config = current;
    std::vector<StoredChange> changes; // of one revision
    qint64 revision = -1;
    const auto undo = [&] { return changes.empty() || undoRevision(config, changes, error); };
    while (query.next()) {
        const qint64 rowRevision = query.value(0).toLongLong();
        if (rowRevision != revision) {
            if (!undo())
                return std::nullopt;
            changes.clear();
            revision = rowRevision;
        }
        const std::optional<EntityKind> kind = entityKindFromName(query.value(1).toString());
        if (!kind) {
            *error = QStringLiteral("revision %1 records an unknown kind \"%2\"")
                         .arg(rowRevision)
                         .arg(query.value(1).toString());
            return std::nullopt;
        }
        const QVariant oldIndex = query.value(3);
        const QVariant newIndex = query.value(4);
        changes.push_back({*kind, query.value(2).toString(),
                           oldIndex.isNull() ? -1 : qsizetype(oldIndex.toLongLong()),
                           newIndex.isNull() ? -1 : qsizetype(newIndex.toLongLong()),
                           query.value(5).toString().toUtf8()});
    }
    if (query.lastError().isValid()) {
        *error = sqlFailure(QStringLiteral("cannot read the history"), query.lastError());
        return std::nullopt;
    }
    if (!undo())
        return std::nullopt;
    return config;
}

} // namespace portico
