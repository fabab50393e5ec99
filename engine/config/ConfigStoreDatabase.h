#pragma once

#include "Config.h"
#include "StorePositions.h"

#include <QSqlDatabase>
#include <QString>

#include <memory>
#include <optional>

namespace portico {

// What a ConfigStore knows of its file as of its last read or write.
struct StoreState
{
    Config config;
    qint64 revision = 0;
    StoredPositions positions;   // of config's lists in their tables
    qint64 seenDataVersion = -1; // PRAGMA data_version when the state was last reconciled

    // Replaces config; returns the old one.
    Config replaceConfig(Config &&next)
    {
        Config old = std::move(config);
        config = std::move(next);
        return old;
    }
};

// ConfigStore's connection to its file and what it knows of it: the configuration, revision
// and row positions as of its last read or write, and SQLite's data_version at that moment
// (which tells when another connection has committed since).
class ConfigStoreDatabase
{
public:
    // Opens a read-write connection (the file is created when missing) with the store's
    // settings: WAL, synchronous=FULL, foreign keys, a busy timeout.
    static std::unique_ptr<ConfigStoreDatabase> connect(const QString &path, QString *error);
    ~ConfigStoreDatabase();
    ConfigStoreDatabase(const ConfigStoreDatabase &) = delete;
    ConfigStoreDatabase &operator=(const ConfigStoreDatabase &) = delete;

    QSqlDatabase &db() { return m_db; }
    const QString &path() const { return m_path; }

    // The revision in meta; nullopt with an empty *error when the store has none yet (a new
    // file, or one whose creation was interrupted before its first revision).
    std::optional<qint64> storedRevision(QString *error);
    bool writeRevision(qint64 revision, QString *error);
    // PRAGMA data_version: changes whenever another connection commits to the file.
    std::optional<qint64> dataVersion();

    // Reads the whole configuration into state() (call inside a transaction). Problems with
    // the stored rows, or a configuration that does not validate, come back in `problems`
    // (with *error saying which file) and leave state() as it was.
    bool load(ConfigErrors &problems, QString *error);

    StoreState &state() { return m_state; }
    const StoreState &state() const { return m_state; }

private:
    ConfigStoreDatabase(const QString &path, const QString &connectionName);

    QString m_path;
    QString m_connectionName;
    QSqlDatabase m_db;
    StoreState m_state;
};

} // namespace portico
