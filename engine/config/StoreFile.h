#pragma once

#include <QString>

namespace portico {

// Looks at an existing store file before anything may write to it: through a read-only
// connection, which never writes the file (not even a checkpoint of its WAL on close).
struct StoreFileCheck
{
    enum class Status {
        Ok,
        CannotOpen, // unreadable, not a regular file, not SQLite at all, locked for too long
        Damaged,    // a SQLite file that SQLite cannot read, or fails the integrity check
        TooNew,     // user_version above the migrations this build knows
    };
    Status status = Status::Ok;
    QString error; // what is wrong, naming the file
    int schemaVersion = 0;
};
StoreFileCheck inspectStoreFile(const QString &path, int latestSchemaVersion);

// Copies a damaged store (and its -wal, which may hold the newest commits) next to it as
// "<path>.damaged-<UTC time>" (e.g. portico.db.damaged-20261128T074100Z), never overwriting an
// earlier copy. Returns the copy's path, or an empty string with *error set.
QString keepDamagedCopy(const QString &path, QString *error);

// Connection options shared by every store connection: how long to wait for another
// process's lock before giving up.
constexpr int kStoreBusyTimeoutMs = 10'000;

// A connection name no other store connection in this process uses.
QString uniqueStoreConnectionName();

} // namespace portico
