#include "StoreFile.h"

#include "StoreSql.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QUrl>

#include <atomic>

namespace portico {

namespace {

constexpr int kSqliteCorrupt = 11;
constexpr int kSqliteNotADatabase = 26;

StoreFileCheck failure(StoreFileCheck::Status status, const QString &error)
{
    StoreFileCheck check;
    check.status = status;
    check.error = error;
    return check;
}

StoreFileCheck inspect(QSqlDatabase &db, const QString &path, int latestSchemaVersion)
{
    if (!db.open())
        return failure(StoreFileCheck::Status::CannotOpen,
                       sqlFailure(QStringLiteral("cannot open %1").arg(path), db.lastError()));
    QString error;
    int code = -1;
    const auto damagedOr = [&](const QString &message) {
        const bool damaged = code == kSqliteCorrupt || code == kSqliteNotADatabase;
        return failure(damaged ? StoreFileCheck::Status::Damaged
                               : StoreFileCheck::Status::CannotOpen,
                       damaged ? QStringLiteral("%1 is damaged: %2").arg(path, message)
                               : QStringLiteral("cannot read %1: %2").arg(path, message));
    };
    const auto version = sqlValue(db, QStringLiteral("PRAGMA user_version"), &error, &code);
    if (!version)
        return damagedOr(error);
    StoreFileCheck check;
    check.schemaVersion = version->toInt();
    if (check.schemaVersion > latestSchemaVersion)
        return failure(StoreFileCheck::Status::TooNew,
                       QStringLiteral("%1 was written by a newer Portico (schema version %2; this "
                                      "one knows up to %3); it was left as it is")
                           .arg(path)
                           .arg(check.schemaVersion)
                           .arg(latestSchemaVersion));

    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!query.exec(QStringLiteral("PRAGMA quick_check(10)"))) {
        code = sqliteResultCode(query.lastError());
        return damagedOr(sqlFailure(QStringLiteral("integrity check"), query.lastError()));
    }
    QStringList problems;
    while (query.next()) {
        const QString line = query.value(0).toString();
        if (line != QStringLiteral("ok"))
            problems.append(line);
    }
    if (query.lastError().isValid()) {
        code = sqliteResultCode(query.lastError());
        return damagedOr(sqlFailure(QStringLiteral("integrity check"), query.lastError()));
    }
    if (!problems.isEmpty())
        return failure(StoreFileCheck::Status::Damaged,
                       QStringLiteral("%1 is damaged: the integrity check failed: %2")
                           .arg(path, problems.join(QStringLiteral("; "))));
    return check;
}

} // namespace

QString uniqueStoreConnectionName()
{
    static std::atomic<quint64> next{0};
    return QStringLiteral("portico-store-%1").arg(next++);
}

StoreFileCheck inspectStoreFile(const QString &path, int latestSchemaVersion)
{
    const QFileInfo info(path);
    if (!info.isFile())
        return failure(StoreFileCheck::Status::CannotOpen,
                       QStringLiteral("cannot open %1: not a regular file").arg(path));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return failure(StoreFileCheck::Status::CannotOpen,
                       QStringLiteral("cannot open %1: %2").arg(path, file.errorString()));
    // Some other file given by mistake is refused, not reported as a damaged store. (An
    // empty file is a database SQLite has not written yet.)
    const QByteArray magic = file.read(16);
    file.close();
    if (!magic.isEmpty() && magic != QByteArrayView("SQLite format 3\0", 16))
        return failure(StoreFileCheck::Status::CannotOpen,
                       QStringLiteral("cannot open %1: not a SQLite database").arg(path));
    const QString name = uniqueStoreConnectionName();
    StoreFileCheck check;
    {
        // Even a read-only connection creates -wal and -shm files next to a WAL database when
        // they are missing. Without a -wal every commit is in the file itself, which can then
        // be read as immutable: no lock, no side file, nothing left behind a refused file.
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        const bool hasWal = QFileInfo::exists(path + QStringLiteral("-wal"));
        db.setDatabaseName(hasWal ? path
                                  : QUrl::fromLocalFile(QFileInfo(path).absoluteFilePath())
                                        .toString(QUrl::FullyEncoded)
                                   + QStringLiteral("?immutable=1"));
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=%1%2")
                                 .arg(kStoreBusyTimeoutMs)
                                 .arg(hasWal ? QString() : QStringLiteral(";QSQLITE_OPEN_URI")));
        check = inspect(db, path, latestSchemaVersion);
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return check;
}

QString keepDamagedCopy(const QString &path, QString *error)
{
    const QString stamp =
        QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
    QString copy = path + QStringLiteral(".damaged-") + stamp;
    for (int n = 2; QFileInfo::exists(copy) || QFileInfo::exists(copy + QStringLiteral("-wal"));
         ++n)
        copy = path + QStringLiteral(".damaged-") + stamp + u'-' + QString::number(n);
    QFile original(path);
    if (!original.copy(copy)) {
        *error = QStringLiteral("cannot copy %1 to %2: %3").arg(path, copy, original.errorString());
        return QString();
    }
    const QString wal = path + QStringLiteral("-wal");
    QFile walFile(wal);
    if (walFile.exists() && !walFile.copy(copy + QStringLiteral("-wal"))) {
        *error = QStringLiteral("cannot copy %1 to %2: %3")
                     .arg(wal, copy + QStringLiteral("-wal"), walFile.errorString());
        return QString();
    }
    return copy;
}

} // namespace portico
