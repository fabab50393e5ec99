#include "StoreSql.h"

#include <QSqlError>

namespace portico {

int sqliteResultCode(const QSqlError &error)
{
    bool ok = false;
    const int code = error.nativeErrorCode().toInt(&ok);
    return ok ? code & 0xff : -1; // extended codes carry the primary one in the low byte
}

QString sqlFailure(const QString &what, const QSqlError &error)
{
    const QString text = error.databaseText().isEmpty() ? error.text() : error.databaseText();
    return what + QStringLiteral(": ") + text;
}

bool prepareSql(QSqlQuery &query, const QString &sql, QString *error)
{
    if (query.prepare(sql))
        return true;
    *error = sqlFailure(QStringLiteral("cannot prepare \"%1\"").arg(sql), query.lastError());
    return false;
}

bool runSql(QSqlQuery &query, std::initializer_list<QVariant> values, const QString &what,
            QString *error)
{
    int index = 0;
    for (const QVariant &value : values) {
        // QtSql binds a null QString as NULL; an empty field is text, not a missing value.
        if (value.typeId() == QMetaType::QString
            && static_cast<const QString *>(value.constData())->isNull())
            query.bindValue(index++, QStringLiteral(""));
        else
            query.bindValue(index++, value);
    }
    if (query.exec())
        return true;
    *error = sqlFailure(what, query.lastError());
    return false;
}

bool execSql(QSqlDatabase &db, const QString &sql, QString *error)
{
    QSqlQuery query(db);
    if (query.exec(sql))
        return true;
    *error = sqlFailure(sql, query.lastError());
    return false;
}

std::optional<QVariant> sqlValue(QSqlDatabase &db, const QString &sql, QString *error, int *code)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!query.exec(sql)) {
        *error = sqlFailure(sql, query.lastError());
        if (code)
            *code = sqliteResultCode(query.lastError());
        return std::nullopt;
    }
    if (!query.next()) {
        if (query.lastError().isValid()) { // next() fails on a page it cannot read
            *error = sqlFailure(sql, query.lastError());
            if (code)
                *code = sqliteResultCode(query.lastError());
            return std::nullopt;
        }
        return QVariant();
    }
    return query.value(0);
}

SqlTransaction::~SqlTransaction()
{
    rollback();
}

bool SqlTransaction::begin(Mode mode, QString *error)
{
    Q_ASSERT(!m_active);
    m_active = execSql(
        m_db, mode == Mode::Write ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN"),
        error);
    return m_active;
}

bool SqlTransaction::commit(QString *error)
{
    Q_ASSERT(m_active);
    if (!execSql(m_db, QStringLiteral("COMMIT"), error)) {
        rollback(); // a failed COMMIT (SQLITE_FULL, ...) leaves the transaction open
        return false;
    }
    m_active = false;
    return true;
}

void SqlTransaction::rollback()
{
    if (!m_active)
        return;
    m_active = false;
    QString ignored; // nothing more to do if even the rollback fails: SQLite undoes on close
    execSql(m_db, QStringLiteral("ROLLBACK"), &ignored);
}

} // namespace portico
