#include "ConfigStore.h"

#include "ConfigDiff.h"
#include "ConfigStoreDatabase.h"
#include "ConfigValidator.h"
#include "StoreFile.h"
#include "StoreHistory.h"
#include "StoreQuota.h"
#include "StoreSchema.h"
#include "StoreSql.h"
#include "StoreWriter.h"

#include <QDir>
#include <QFileInfo>
#include <QThreadPool>

namespace portico {

namespace {

constexpr int kHistoryLimit = 100;

using Status = StoreResult::Status;

StoreResult result(Status status, qint64 revision, const QString &message = QString())
{
    StoreResult r;
    r.status = status;
    r.revision = revision;
    if (!message.isEmpty())
        r.errors.push_back({QString(), message});
    return r;
}

// Freeing the routes and other lists of a large configuration still costs a few
// milliseconds (the consumers are usually shared with the new one). Its data is implicitly
// shared with atomic counts, so a pool thread can drop it after the edit returns.
void releaseInBackground(Config &&old)
{
    constexpr size_t kWorthAThread = 10'000;
    if (old.consumers.size() + old.routes.size() < kWorthAThread)
        return;
    Config *doomed = new Config(std::move(old));
    QThreadPool::globalInstance()->start([doomed] { delete doomed; });
}

struct EditRequest
{
    ConfigSource source = ConfigSource::Gui;
    QString summary;
    bool summaryIsPrefix = false; // "rollback to revision 4" + ": " + what changed
    qint64 expectedRevision = 0;
    std::function<EditOutcome(Config &)> change;
};

QString versionSummary(const EditRequest &request, const EditOutcome &outcome,
                       const ConfigDiff &diff)
{
    if (!outcome.summary.isEmpty())
        return outcome.summary;
    if (request.summary.isEmpty())
        return summarizeDiff(diff);
    return request.summaryIsPrefix ? request.summary + QStringLiteral(": ") + summarizeDiff(diff)
                                   : request.summary;
}

// The whole of an edit, in one write transaction: catch up with other writers, run the
// change on a copy, validate, write only what differs, record it in the history.
StoreResult applyEdit(ConfigStoreDatabase &database, const EditRequest &request)
{
    StoreState &state = database.state();
    QSqlDatabase &db = database.db();
    QString error;
    SqlTransaction transaction(db);
    if (!transaction.begin(SqlTransaction::Mode::Write, &error))
        return result(Status::Failed, state.revision, error);
    const std::optional<qint64> stored = database.storedRevision(&error);
    const std::optional<qint64> dataVersion = database.dataVersion();
    if (!stored || !dataVersion)
        return result(Status::Failed, state.revision,
                      error.isEmpty() ? QStringLiteral("the store has no revision") : error);

    if (*stored != state.revision) { // another writer got here first: start from its version
        ConfigErrors problems;
        if (!database.load(problems, &error)) {
            StoreResult failed = result(Status::Failed, state.revision, error);
            failed.errors.insert(failed.errors.end(), problems.begin(), problems.end());
            return failed;
        }
    }
    state.seenDataVersion = *dataVersion;
    if (request.expectedRevision != 0 && request.expectedRevision != *stored)
        return result(Status::Conflict, *stored,
                      QStringLiteral("the configuration is at revision %1, but the change was "
                                     "made against revision %2; it was not applied")
                          .arg(*stored)
                          .arg(request.expectedRevision));

    // Cheap: the consumers, by far the longest list, are shared until the change writes to them.
    Config edited = state.config;
    EditOutcome outcome = request.change(edited);
    if (outcome.status != Status::Ok) {
        StoreResult refused = result(outcome.status, *stored);
        refused.errors = std::move(outcome.errors);
        return refused;
    }
    StoreResult invalid = result(Status::Invalid, *stored);
    invalid.errors = validateConfig(edited, &state.config);
    if (!invalid.errors.empty())
        return invalid;
    const ConfigDiff diff = diffConfigs(state.config, edited);
    if (diff.isEmpty())
        return result(Status::Unchanged, *stored);

    ConfigVersion version;
    version.revision = *stored + 1;
    version.appliedAt = QDateTime::currentDateTimeUtc();
    version.source = request.source;
    version.summary = versionSummary(request, outcome, diff);
    StoredPositions positions = state.positions;
    if (!writeConfigChanges(db, state.config, edited, diff, positions, &error)
        || !recordVersion(db, version, diff, state.config, edited, &error)
        || !pruneHistory(db, version.revision, kHistoryLimit, &error)
        || !database.writeRevision(version.revision, &error) || !transaction.commit(&error))
        return result(Status::Failed, *stored, error);
    releaseInBackground(state.replaceConfig(std::move(edited)));
    state.positions = std::move(positions);
    state.revision = version.revision;
    return result(Status::Ok, version.revision);
}

// Loads the stored configuration, or writes `initial` as revision 1 when the file has none.
ConfigStore::OpenResult initializeOrLoad(ConfigStoreDatabase &database, const Config &initial)
{
    using OpenStatus = ConfigStore::OpenResult::Status;
    ConfigStore::OpenResult opened;
    const auto fail = [&](OpenStatus status, const QString &error) {
        opened.status = status;
        opened.error = error;
        return std::move(opened);
    };
    StoreState &state = database.state();
    QString error;
    for (const auto mode : {SqlTransaction::Mode::Read, SqlTransaction::Mode::Write}) {
        // A read transaction is enough to load; only a store without a revision is written,
        // under the write lock, after checking again that nobody wrote it meanwhile.
        SqlTransaction transaction(database.db());
        const std::optional<qint64> dataVersion = database.dataVersion();
        if (!transaction.begin(mode, &error) || !dataVersion)
            return fail(OpenStatus::CannotOpen, error);
        const std::optional<qint64> stored = database.storedRevision(&error);
        if (!stored && !error.isEmpty())
            return fail(OpenStatus::CannotOpen, error);
        if (stored) {
            if (!database.load(opened.errors, &error))
                return fail(opened.errors.empty() ? OpenStatus::CannotOpen : OpenStatus::Invalid,
                            error);
            state.seenDataVersion = *dataVersion;
            return opened;
        }
        if (mode == SqlTransaction::Mode::Read)
            continue;
        opened.errors = validateConfig(initial);
        if (!opened.errors.empty())
            return fail(
                OpenStatus::Invalid,
                QStringLiteral("the initial configuration for %1 is invalid").arg(database.path()));
        ConfigVersion version;
        version.revision = 1;
        version.appliedAt = QDateTime::currentDateTimeUtc();
        version.source = ConfigSource::Init;
        version.summary = QStringLiteral("initial configuration");
        if (!writeInitialConfig(database.db(), initial, state.positions, &error)
            || !recordVersion(database.db(), version, ConfigDiff(), Config(), initial, &error)
            || !database.writeRevision(1, &error) || !transaction.commit(&error))
            return fail(OpenStatus::CannotOpen,
                        QStringLiteral("cannot create %1: %2").arg(database.path(), error));
        state.replaceConfig(Config(initial));
        state.revision = 1;
        state.seenDataVersion = *dataVersion;
        opened.created = true;
        return opened;
    }
    Q_UNREACHABLE();
    return opened;
}

} // namespace

ConfigStore::ConfigStore(std::unique_ptr<ConfigStoreDatabase> database)
    : m_database(std::move(database))
{
}

ConfigStore::~ConfigStore() = default;

ConfigStore::OpenResult ConfigStore::open(const QString &path, const Config &initial)
{
    OpenResult opened;
    const auto fail = [&](OpenResult::Status status, const QString &error) {
        opened.status = status;
        opened.error = error;
        return std::move(opened);
    };
    const QFileInfo info(path);
    const bool inMemory = path == ConfigStore::kInMemory;
    if (inMemory) {
        opened.errors = validateConfig(initial);
        if (!opened.errors.empty())
            return fail(OpenResult::Status::Invalid,
                        QStringLiteral("the initial configuration is invalid"));
    } else if (info.exists()) {
        const StoreFileCheck check = inspectStoreFile(path, latestSchemaVersion());
        switch (check.status) {
        case StoreFileCheck::Status::Ok: break;
        case StoreFileCheck::Status::CannotOpen:
            return fail(OpenResult::Status::CannotOpen, check.error);
        case StoreFileCheck::Status::TooNew: return fail(OpenResult::Status::TooNew, check.error);
        case StoreFileCheck::Status::Damaged: {
            QString copyError;
            opened.damagedCopy = keepDamagedCopy(path, &copyError);
            const QString kept = opened.damagedCopy.isEmpty()
                ? QStringLiteral("; it was left as it is, but no copy could be kept: ") + copyError
                : QStringLiteral("; it was left as it is and a copy was kept as ")
                    + opened.damagedCopy;
            return fail(OpenResult::Status::Damaged, check.error + kept);
        }
        }
    } else {
        opened.errors = validateConfig(initial);
        if (!opened.errors.empty())
            return fail(OpenResult::Status::Invalid,
                        QStringLiteral("the initial configuration for %1 is invalid; nothing "
                                       "was created")
                            .arg(path));
        if (!QDir().mkpath(info.absolutePath()))
            return fail(OpenResult::Status::CannotOpen,
                        QStringLiteral("cannot create the directory %1").arg(info.absolutePath()));
    }

    QString error;
    std::unique_ptr<ConfigStoreDatabase> database = ConfigStoreDatabase::connect(path, &error);
    if (!database)
        return fail(OpenResult::Status::CannotOpen, error);
    if (!migrateStore(database->db(), &error))
        return fail(OpenResult::Status::CannotOpen,
                    QStringLiteral("cannot update the schema of %1: %2").arg(path, error));
    opened = initializeOrLoad(*database, initial);
    if (opened.status == OpenResult::Status::Ok) {
        opened.store.reset(new ConfigStore(std::move(database)));
    }
    return opened;
}

QString ConfigStore::path() const
{
    return m_database->path();
}

const Config &ConfigStore::config() const
{
    return m_database->state().config;
}

qint64 ConfigStore::revision() const
{
    return m_database->state().revision;
}

StoreResult ConfigStore::edit(ConfigSource source, const QString &summary, qint64 expectedRevision,
                              const std::function<EditOutcome(Config &)> &change)
{
    return applyEdit(*m_database, {source, summary, false, expectedRevision, change});
}

StoreResult ConfigStore::replace(const Config &config, ConfigSource source, const QString &summary,
                                 qint64 expectedRevision)
{
    return edit(source, summary, expectedRevision, [&config](Config &current) {
        current = config;
        return EditOutcome();
    });
}

bool ConfigStore::changedElsewhere() const
{
    const std::optional<qint64> dataVersion = m_database->dataVersion();
    return dataVersion && *dataVersion != m_database->state().seenDataVersion;
}

bool ConfigStore::reload()
{
    const std::optional<qint64> dataVersion = m_database->dataVersion();
    StoreState &state = m_database->state();
    if (!dataVersion || *dataVersion == state.seenDataVersion)
        return false;
    QString error;
    SqlTransaction transaction(m_database->db());
    if (!transaction.begin(SqlTransaction::Mode::Read, &error)) {
        qWarning("portico: cannot reload %s: %s", qPrintable(path()), qPrintable(error));
        return false;
    }
    const std::optional<qint64> stored = m_database->storedRevision(&error);
    if (stored && *stored == state.revision) { // only key or quota use changed
        state.seenDataVersion = *dataVersion;
        return false;
    }
    ConfigErrors problems;
    const bool loaded = m_database->load(problems, &error);
    state.seenDataVersion = *dataVersion; // a broken file is read again only once it changes
    if (!loaded) {
        for (const ConfigError &problem : problems)
            error += QStringLiteral("; ") + problem.toString();
        qWarning("portico: cannot reload %s: %s", qPrintable(path()), qPrintable(error));
        return false;
    }
    return true;
}

std::vector<ConfigVersion> ConfigStore::history(int limit) const
{
    QString error;
    std::optional<std::vector<ConfigVersion>> versions =
        readHistory(m_database->db(), limit, &error);
    if (!versions) {
        qWarning("portico: cannot read the history of %s: %s", qPrintable(path()),
                 qPrintable(error));
        return {};
    }
    return std::move(*versions);
}

std::optional<Config> ConfigStore::configAt(qint64 revision) const
{
    // One read transaction, so a writer pruning the history meanwhile cannot take rows away
    // half way. Revisions newer than this instance's are not needed: the rebuild starts from
    // its own configuration.
    QString error;
    SqlTransaction transaction(m_database->db());
    if (!transaction.begin(SqlTransaction::Mode::Read, &error)) {
        qWarning("portico: cannot read the history of %s: %s", qPrintable(path()),
                 qPrintable(error));
        return std::nullopt;
    }
    const StoreState &state = m_database->state();
    std::optional<Config> config =
        rebuildConfig(m_database->db(), state.config, state.revision, revision, &error);
    if (!config && !error.isEmpty())
        qWarning("portico: cannot rebuild revision %lld of %s: %s", revision, qPrintable(path()),
                 qPrintable(error));
    return config;
}

StoreResult ConfigStore::rollback(qint64 revision, qint64 expectedRevision)
{
    ConfigStoreDatabase &database = *m_database;
    const auto change = [&database, revision](Config &config) {
        EditOutcome outcome;
        QString error;
        const StoreState &state = database.state(); // current: applyEdit caught up already
        std::optional<Config> target =
            rebuildConfig(database.db(), state.config, state.revision, revision, &error);
        if (!target) {
            outcome.status = error.isEmpty() ? Status::NotFound : Status::Failed;
            outcome.errors.push_back(
                {QString(),
                 error.isEmpty()
                     ? QStringLiteral("revision %1 is not in the history (it keeps the last %2)")
                           .arg(revision)
                           .arg(kHistoryLimit)
                     : error});
            return outcome;
        }
        config = std::move(*target);
        return outcome;
    };
    return applyEdit(database,
                     {ConfigSource::Rollback,
                      QStringLiteral("rollback to revision %1").arg(revision), true,
                      expectedRevision, change});
}

int ConfigStore::historyLimit() const
{
    return kHistoryLimit;
}

bool ConfigStore::recordKeyUse(const std::vector<std::pair<QString, QDateTime>> &lastUsedById)
{
    if (lastUsedById.empty())
        return true;
    QSqlDatabase &db = m_database->db();
    QString error;
    SqlTransaction transaction(db);
    QSqlQuery query(db);
    // Only for keys that exist, and never backwards (batches may arrive out of order).
    bool ok = transaction.begin(SqlTransaction::Mode::Write, &error)
        && prepareSql(query,
                      QStringLiteral("INSERT INTO api_key_usage (key_id, last_used_ms) SELECT ?, ? "
                                     "WHERE EXISTS (SELECT 1 FROM api_keys WHERE id = ?) "
                                     "ON CONFLICT (key_id) DO UPDATE SET last_used_ms = "
                                     "max(last_used_ms, excluded.last_used_ms)"),
                      &error);
    for (size_t i = 0; ok && i < lastUsedById.size(); ++i) {
        const auto &[id, time] = lastUsedById[i];
        ok = !time.isValid()
            || runSql(query, {id, time.toMSecsSinceEpoch(), id},
                      QStringLiteral("cannot record the use of key %1").arg(id), &error);
    }
    ok = ok && transaction.commit(&error);
    if (!ok)
        qWarning("portico: %s: %s", qPrintable(path()), qPrintable(error));
    return ok;
}

QDateTime ConfigStore::keyLastUsed(const QString &keyId) const
{
    QSqlQuery query(m_database->db());
    QString error;
    query.setForwardOnly(true);
    if (!prepareSql(query,
                    QStringLiteral("SELECT last_used_ms FROM api_key_usage "
                                   "WHERE key_id = ?"),
                    &error)
        || !runSql(query, {keyId}, QStringLiteral("cannot read the use of key %1").arg(keyId),
                   &error)
        || !query.next())
        return QDateTime();
    return QDateTime::fromMSecsSinceEpoch(query.value(0).toLongLong(), Qt::UTC);
}

bool ConfigStore::writeQuotaUsage(const std::vector<QuotaUsage> &rows)
{
    QString error;
    if (writeQuotaRows(m_database->db(), rows, &error))
        return true;
    qWarning("portico: %s: %s", qPrintable(path()), qPrintable(error));
    return false;
}

std::vector<QuotaUsage> ConfigStore::readQuotaUsage(const QStringList &periods) const
{
    QString error;
    std::optional<std::vector<QuotaUsage>> rows = readQuotaRows(m_database->db(), periods, &error);
    if (!rows) {
        qWarning("portico: %s: %s", qPrintable(path()), qPrintable(error));
        return {};
    }
    return std::move(*rows);
}

int ConfigStore::pruneQuotaUsage(const QStringList &keepPeriods)
{
    QString error;
    const std::optional<int> removed = pruneQuotaRows(m_database->db(), keepPeriods, &error);
    if (!removed) {
        qWarning("portico: %s: %s", qPrintable(path()), qPrintable(error));
        return -1;
    }
    return *removed;
}

} // namespace portico
