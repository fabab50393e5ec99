#pragma once

#include "Config.h"
#include "QuotaUsage.h"

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>
#include <memory>
#include <vector>

namespace portico {

// Where a change came from, as the history shows it.
enum class ConfigSource { Init, Gui, Admin, Import, Rollback };
QString configSourceName(ConfigSource source); // "init", "gui", "admin", "import", "rollback"

// One applied version of the configuration.
struct ConfigVersion
{
    qint64 revision = 0;
    QDateTime appliedAt; // UTC
    ConfigSource source = ConfigSource::Init;
    QString summary; // "route users updated", "import of portico.yaml: 3 routes, 1 service"
};

struct StoreResult
{
    enum class Status {
        Ok,
        Unchanged, // the change left the configuration as it was: nothing written
        Invalid,   // errors name the fields; nothing written
        Conflict,  // expectedRevision is not the stored one; nothing written
        NotFound,  // the change refers to something that does not exist; nothing written
        Failed,    // the database refused (disk full, locked too long); nothing written
    };
    Status status = Status::Ok;
    ConfigErrors errors; // Invalid: one per field; otherwise one error saying why
    qint64 revision = 0; // the store's revision after the call
    bool ok() const { return status == Status::Ok || status == Status::Unchanged; }
};

// What a change function returns: Ok to write the edited configuration, anything else to
// abandon it (with errors saying why, e.g. NotFound "no route named x").
struct EditOutcome
{
    StoreResult::Status status = StoreResult::Status::Ok;
    ConfigErrors errors;
    QString summary; // overrides the summary given to edit() when not empty
};

class ConfigStoreDatabase;

// All of Portico's configuration in one SQLite file (QtSql's QSQLITE driver): schema from
// versioned migrations (resources/migrations, PRAGMA user_version), WAL with synchronous=FULL,
// foreign keys on, every edit one transaction. Keeps the current configuration in memory so
// reads are free and an edit writes only the rows it changed.
//
// Every accepted change bumps the revision and is recorded in the history, from which any of
// the last historyLimit() versions can be restored in one step. Edits name the revision they
// were made against; when the file holds another (a second writer got there first) the edit is
// refused as a conflict instead of overwriting it.
//
// One instance is used from one thread (it owns a QSqlDatabase connection). Several instances,
// in one process or several, may share a file.
class ConfigStore
{
public:
    struct OpenResult
    {
        enum class Status {
            Ok,
            CannotOpen, // no permission, not a SQLite file, ...: the file is left as it was
            Damaged,    // integrity check failed: file left untouched, a copy kept aside
            TooNew,     // written by a newer Portico (user_version above ours): left untouched
            Invalid,    // the stored configuration (or `initial` for a new file) does not
                        // validate, e.g. tables edited by hand: left as it was; see errors
        };
        Status status = Status::Ok;
        std::unique_ptr<ConfigStore> store;
        QString error;      // what went wrong, naming the file
        QString damagedCopy; // Damaged: where the copy was kept
        bool created = false; // the file did not exist and was created with `initial`
        ConfigErrors errors;  // Invalid: one per field ("routes[3].paths: stored value is ...")
    };

    // SQLite's name for a store that lives in memory and goes with the instance: what
    // `porticod --config FILE` runs on, so the Admin API and history work without a file.
    static inline const QString kInMemory = QStringLiteral(":memory:");

    // Opens `path`, creating it (and its directory) with `initial` as revision 1 when absent.
    static OpenResult open(const QString &path, const Config &initial = Config());

    ~ConfigStore();
    ConfigStore(const ConfigStore &) = delete;
    ConfigStore &operator=(const ConfigStore &) = delete;

    QString path() const;
    // The configuration as of revision(); always valid.
    const Config &config() const;
    qint64 revision() const;

    // Runs `change` on a copy of the current configuration, validates the result and, when it
    // is valid and differs, writes the difference in one transaction as a new revision.
    // expectedRevision 0 means "whatever is current": if another writer changed the file since
    // this instance last read it, the change runs on the fresh configuration. A non-zero
    // expectedRevision that is not the stored revision gives Conflict.
    StoreResult edit(ConfigSource source, const QString &summary, qint64 expectedRevision,
                     const std::function<EditOutcome(Config &)> &change);
    // edit() replacing everything (PUT /config, import).
    StoreResult replace(const Config &config, ConfigSource source, const QString &summary,
                        qint64 expectedRevision = 0);

    // True when another connection committed since this instance last read or wrote.
    bool changedElsewhere() const;
    // Rereads the configuration when changedElsewhere(); returns true if it changed.
    bool reload();

    // Newest first; at most `limit`.
    std::vector<ConfigVersion> history(int limit = 100) const;
    // The configuration as it was right after `revision` was applied; nullopt when that
    // revision is no longer (or never was) in the history.
    std::optional<Config> configAt(qint64 revision) const;
    // Makes the configuration what it was at `revision`, as a new revision (source Rollback),
    // so a rollback can itself be rolled back.
    StoreResult rollback(qint64 revision, qint64 expectedRevision = 0);
    int historyLimit() const; // at least 100

    // Last use of API keys: operational data, not configuration (no new revision). Written
    // in batches by the engine, never once per request.
    bool recordKeyUse(const std::vector<std::pair<QString, QDateTime>> &lastUsedById);
    QDateTime keyLastUsed(const QString &keyId) const;

    // Day and month quota counts, so a restart does not reset them: runtime data like key
    // use (no revision, not exported, not in the history, kept by replace() and rollback()).
    // Upserts each row's count (the stored value becomes the given one), in one transaction.
    bool writeQuotaUsage(const std::vector<QuotaUsage> &rows);
    // Rows whose period is one of `periods` (the current day and month), for loading at start.
    // Empty when there are none or the read fails (which is logged).
    std::vector<QuotaUsage> readQuotaUsage(const QStringList &periods) const;
    // Deletes rows of other periods (old days and months), returns how many; -1 on failure.
    int pruneQuotaUsage(const QStringList &keepPeriods);

private:
    explicit ConfigStore(std::unique_ptr<ConfigStoreDatabase> database);
    std::unique_ptr<ConfigStoreDatabase> m_database;
};

} // namespace portico
