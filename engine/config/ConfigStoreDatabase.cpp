#include "ConfigStoreDatabase.h"

#include "ConfigStore.h"
#include "ConfigValidator.h"
#include "StoreFile.h"
#include "StoreReader.h"
#include "StoreSql.h"

#include <QSqlError>

#include <algorithm>

namespace portico {

ConfigStoreDatabase::ConfigStoreDatabase(const QString &path, const QString &connectionName)
    : m_path(path)
    , m_connectionName(connectionName)
    , m_db(QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connectionName))
{
}

ConfigStoreDatabase::~ConfigStoreDatabase()
{
    m_db.close();
    m_db = QSqlDatabase(); // removeDatabase() wants no copy of the connection left
    QSqlDatabase::removeDatabase(m_connectionName);
}

std::unique_ptr<ConfigStoreDatabase> ConfigStoreDatabase::connect(const QString &path,
                                                                  QString *error)
{
    std::unique_ptr<ConfigStoreDatabase> database(
        new ConfigStoreDatabase(path, uniqueStoreConnectionName()));
    QSqlDatabase &db = database->m_db;
    db.setDatabaseName(path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(kStoreBusyTimeoutMs));
    if (!db.open()) {
        *error = sqlFailure(QStringLiteral("cannot open %1").arg(path), db.lastError());
        return nullptr;
    }
    // synchronous=FULL syncs the WAL on every commit: an acknowledged edit survives a power
    // cut, not only a crash.
    const auto mode = sqlValue(db, QStringLiteral("PRAGMA journal_mode = WAL"), error);
    if (!mode)
        return nullptr;
    // An in-memory database has nothing to recover: SQLite keeps its journal in memory too.
    const QString wanted = path == ConfigStore::kInMemory ? QStringLiteral("memory")
                                                          : QStringLiteral("wal");
    if (mode->toString().compare(wanted, Qt::CaseInsensitive) != 0) {
        *error = QStringLiteral("cannot open %1: SQLite refused WAL mode (%2)")
                     .arg(path, mode->toString());
        return nullptr;
    }
    if (!execSql(db, QStringLiteral("PRAGMA synchronous = FULL"), error)
        || !execSql(db, QStringLiteral("PRAGMA foreign_keys = ON"), error)) {
        *error = QStringLiteral("cannot open %1: %2").arg(path, *error);
        return nullptr;
    }
    return database;
}

std::optional<qint64> ConfigStoreDatabase::storedRevision(QString *error)
{
    error->clear();
    const auto value =
        sqlValue(m_db, QStringLiteral("SELECT value FROM meta WHERE key = 'revision'"), error);
    if (!value || value->isNull())
        return std::nullopt;
    return value->toLongLong();
}

bool ConfigStoreDatabase::writeRevision(qint64 revision, QString *error)
{
    QSqlQuery query(m_db);
    return prepareSql(query,
                      QStringLiteral("INSERT INTO meta (key, value) VALUES "
                                     "('revision', ?) ON CONFLICT (key) DO UPDATE "
                                     "SET value = excluded.value"),
                      error)
        && runSql(query, {revision}, QStringLiteral("cannot write the revision"), error);
}

std::optional<qint64> ConfigStoreDatabase::dataVersion()
{
    QString ignored;
    const auto value = sqlValue(m_db, QStringLiteral("PRAGMA data_version"), &ignored);
    if (!value)
        return std::nullopt;
    return value->toLongLong();
}

bool ConfigStoreDatabase::load(ConfigErrors &problems, QString *error)
{
    const std::optional<qint64> stored = storedRevision(error);
    if (!stored) {
        if (error->isEmpty())
            *error = QStringLiteral("%1 holds no configuration (no revision)").arg(m_path);
        return false;
    }
    Config loaded;
    StoredPositions loadedPositions;
    if (!readStoredConfig(m_db, loaded, loadedPositions, problems, error))
        return false;
    // Validation speaks of the fields the rows did not already fail to give.
    const auto reported = [&](const QString &path) {
        return std::any_of(problems.begin(), problems.end(), [&](const ConfigError &problem) {
            return path == problem.path || path.startsWith(problem.path + u'.')
                || path.startsWith(problem.path + u'[');
        });
    };
    const size_t rowProblems = problems.size();
    for (ConfigError &error : validateConfig(loaded)) {
        if (rowProblems == 0 || !reported(error.path))
            problems.push_back(std::move(error));
    }
    if (!problems.empty()) {
        *error = QStringLiteral("the configuration stored in %1 (revision %2) is invalid")
                     .arg(m_path)
                     .arg(*stored);
        return false;
    }
    m_state.replaceConfig(std::move(loaded));
    m_state.positions = std::move(loadedPositions);
    m_state.revision = *stored;
    return true;
}

} // namespace portico
