#include "StoreQuota.h"

#include "StoreSql.h"

#include <QSqlError>
#include <QSqlQuery>

namespace portico {

namespace {

// "?, ?, ?": one placeholder per period (SQLite allows 32,766; a caller passes a few).
QString placeholders(qsizetype count)
{
    QStringList marks;
    for (qsizetype i = 0; i < count; ++i)
        marks.append(QStringLiteral("?"));
    return marks.join(QStringLiteral(", "));
}

bool runWithPeriods(QSqlQuery &query, const QString &sql, const QStringList &periods,
                    const QString &what, QString *error)
{
    if (!prepareSql(query, sql, error))
        return false;
    for (qsizetype i = 0; i < periods.size(); ++i)
        query.bindValue(int(i), periods[i].isNull() ? QStringLiteral("") : periods[i]);
    if (query.exec())
        return true;
    *error = sqlFailure(what, query.lastError());
    return false;
}

} // namespace

bool writeQuotaRows(QSqlDatabase &db, const std::vector<QuotaUsage> &rows, QString *error)
{
    if (rows.empty())
        return true;
    SqlTransaction transaction(db);
    QSqlQuery query(db);
    bool ok = transaction.begin(SqlTransaction::Mode::Write, error)
        && prepareSql(query,
                      QStringLiteral("INSERT INTO quota_usage (subject, scope, window, period, "
                                     "used) VALUES (?, ?, ?, ?, ?) ON CONFLICT (subject, scope, "
                                     "window, period) DO UPDATE SET used = excluded.used"),
                      error);
    for (size_t i = 0; ok && i < rows.size(); ++i) {
        const QuotaUsage &row = rows[i];
        ok = runSql(query, {row.subject, row.scope, row.window, row.period, row.used},
                    QStringLiteral("cannot write the quota use of %1 (%2, %3 %4)")
                        .arg(row.subject, row.scope, row.window, row.period),
                    error);
    }
    return ok && transaction.commit(error);
}

std::optional<std::vector<QuotaUsage>> readQuotaRows(QSqlDatabase &db, const QStringList &periods,
                                                     QString *error)
{
    std::vector<QuotaUsage> rows;
    if (periods.isEmpty())
        return rows;
    QSqlQuery query(db);
    query.setForwardOnly(true);
    const QString sql = QStringLiteral("SELECT subject, scope, window, period, used FROM "
                                       "quota_usage WHERE period IN (%1) ORDER BY subject, "
                                       "scope, window, period")
                            .arg(placeholders(periods.size()));
    if (!runWithPeriods(query, sql, periods, QStringLiteral("cannot read the quota use"), error))
        return std::nullopt;
    while (query.next()) {
        rows.push_back({query.value(0).toString(), query.value(1).toString(),
                        query.value(2).toString(), query.value(3).toString(),
                        query.value(4).toLongLong()});
    }
    if (query.lastError().isValid()) { // next() fails on a page it cannot read
        *error = sqlFailure(QStringLiteral("cannot read the quota use"), query.lastError());
        return std::nullopt;
    }
    return rows;
}

std::optional<int> pruneQuotaRows(QSqlDatabase &db, const QStringList &keepPeriods, QString *error)
{
    SqlTransaction transaction(db);
    if (!transaction.begin(SqlTransaction::Mode::Write, error))
        return std::nullopt;
    QSqlQuery query(db);
    const QString sql = keepPeriods.isEmpty()
        ? QStringLiteral("DELETE FROM quota_usage")
        : QStringLiteral("DELETE FROM quota_usage WHERE period NOT IN (%1)")
              .arg(placeholders(keepPeriods.size()));
    if (!runWithPeriods(query, sql, keepPeriods, QStringLiteral("cannot prune the quota use"),
                        error))
        return std::nullopt;
    const int removed = query.numRowsAffected();
    if (!transaction.commit(error))
        return std::nullopt;
    return removed;
}

} // namespace portico
