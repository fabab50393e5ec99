#pragma once

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

#include <initializer_list>
#include <optional>

namespace portico {

// Thin helpers over QtSql for the configuration store: every call reports failure as a
// sentence naming the step (the store never throws), and transactions roll back unless
// committed.

// SQLite's primary result code of a failed call (SQLITE_CORRUPT = 11, SQLITE_NOTADB = 26, ...),
// or -1 when there is none.
int sqliteResultCode(const QSqlError &error);
// "<what>: <SQLite's message>".
QString sqlFailure(const QString &what, const QSqlError &error);

// Prepares `sql` on `query`; false with *error set when SQLite refuses it.
bool prepareSql(QSqlQuery &query, const QString &sql, QString *error);
// Binds `values` to the prepared `query` in order and runs it.
bool runSql(QSqlQuery &query, std::initializer_list<QVariant> values, const QString &what,
            QString *error);
// Runs one statement without parameters.
bool execSql(QSqlDatabase &db, const QString &sql, QString *error);
// The first column of the first row of `sql` (a null QVariant when there is no row); nullopt
// with *error set when the statement fails. *code gets SQLite's result code on failure.
std::optional<QVariant> sqlValue(QSqlDatabase &db, const QString &sql, QString *error,
                                 int *code = nullptr);

// BEGIN ... COMMIT on one connection; rolls back when destroyed before commit(). Writers
// begin with IMMEDIATE so two of them queue on the busy timeout instead of both reading, then
// one failing to upgrade its lock (SQLITE_BUSY with no retry possible).
class SqlTransaction
{
public:
    enum class Mode { Read, Write };
    explicit SqlTransaction(QSqlDatabase &db)
        : m_db(db)
    {
    }
    ~SqlTransaction();
    SqlTransaction(const SqlTransaction &) = delete;
    SqlTransaction &operator=(const SqlTransaction &) = delete;

    bool begin(Mode mode, QString *error);
    bool commit(QString *error);
    void rollback();
    bool isActive() const { return m_active; }

private:
    QSqlDatabase &m_db;
    bool m_active = false;
};

} // namespace portico
