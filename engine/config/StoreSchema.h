#pragma once

#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <vector>

namespace portico {

// The store's schema comes from numbered SQL files (resources/migrations/NNNN_name.sql,
// embedded as :/migrations). PRAGMA user_version says how many are applied; opening a store
// applies the missing ones in order, each in its own transaction.
struct StoreMigration
{
    int version = 0; // NNNN
    QString name;    // the file name
    QString sql;
};

// The embedded migrations in version order (1, 2, ... with no gap).
const std::vector<StoreMigration> &storeMigrations();
// The schema version this build writes: the last migration's.
int latestSchemaVersion();

// Applies every migration above the file's user_version. Safe with several processes opening
// one file at once: each migration re-reads user_version under the write lock.
bool migrateStore(QSqlDatabase &db, QString *error);

// A script's statements, split on ';' outside quotes, comments and CREATE TRIGGER ... END
// bodies; comments are dropped.
QStringList splitSqlStatements(const QString &script);

} // namespace portico
