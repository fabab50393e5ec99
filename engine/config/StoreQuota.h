#pragma once

#include "QuotaUsage.h"

#include <QSqlDatabase>
#include <QStringList>

#include <optional>
#include <vector>

namespace portico {

// The store's quota_usage table (migration 0004): day and month quota counts that survive a
// restart. Each call is one transaction; failures come back as a sentence in *error.

// Upserts every row: the stored count becomes the given one.
bool writeQuotaRows(QSqlDatabase &db, const std::vector<QuotaUsage> &rows, QString *error);
// The rows whose period is one of `periods`, ordered by subject, scope, window and period.
std::optional<std::vector<QuotaUsage>> readQuotaRows(QSqlDatabase &db, const QStringList &periods,
                                                     QString *error);
// Deletes the rows whose period is not in `keepPeriods`; how many went.
std::optional<int> pruneQuotaRows(QSqlDatabase &db, const QStringList &keepPeriods, QString *error);

} // namespace portico
