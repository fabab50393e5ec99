#pragma once

#include "JwksFetcher.h"

#include <QMutex>
#include <QString>
#include <QUrl>

#include <functional>
#include <memory>
#include <vector>

namespace portico {

struct JwkSet;

// One identity provider's JWK Set, fetched in the background and shared by every worker.
// Kept for its Cache-Control max-age clamped into [minS, maxS]; refetched early, at most once
// per kUnknownKidRefetchS, when a token names a key id it lacks (the provider rotated its
// keys); kept when a refetch fails, so an identity provider's outage does not lock everyone
// out while its old keys still verify.
class JwksSource : public std::enable_shared_from_this<JwksSource>
{
public:
    static constexpr qint64 kUnknownKidRefetchS = 10;
    static constexpr qint64 kRetryAfterFailureS = 10;

    struct Settings
    {
        QUrl url;
        int minS = 60;
        int maxS = 86'400;
    };
    // What the source knows, for the request's record, logs and the GUI.
    struct Status
    {
        int keyCount = 0;
        qint64 fetchedMs = 0;     // last successful fetch, 0 = never
        qint64 freshUntilMs = 0;  // refetched after this
        qint64 lastAttemptMs = 0;
        QString lastError;        // of the last attempt; empty when it succeeded
        int fetches = 0;          // attempts so far
    };
    // Runs on the fetcher's thread when a fetch the caller waits for has ended (either way).
    using Ready = std::function<void()>;

    JwksSource(Settings settings, std::weak_ptr<JwksFetcher> fetcher);

    const Settings &settings() const { return m_settings; }
    // The keys to verify with: the latest fetched, possibly stale; null before the first fetch.
    std::shared_ptr<const JwkSet> keys() const;
    Status status() const;

    // Before a verification with keys(): starts a background refetch when they are past their
    // time (they keep serving meanwhile).
    void refreshIfStale(qint64 nowMs);
    // When keys() is null: returns true when a fetch is under way (started now or before) and
    // `ready` runs once it ends; false after a first fetch that failed moments ago.
    bool waitForKeys(qint64 nowMs, Ready ready);
    // A token named a kid the keys lack. Returns true when a refetch is under way (not rate
    // limited): `ready` runs once it ends; false: refuse the token.
    bool refetchForUnknownKid(qint64 nowMs, Ready ready);

    // What waitForKeys() and refetchForUnknownKid() would answer now, doing nothing (the route
    // tester's dry run).
    bool wouldWaitForKeys(qint64 nowMs) const;
    bool wouldRefetchForUnknownKid(qint64 nowMs) const;

private:
    // With m_mutex held.
    bool startFetchLocked(qint64 nowMs);
    bool failedRecentlyLocked(qint64 nowMs) const;
    bool kidRefetchLimitedLocked(qint64 nowMs) const;
    void onFetched(const JwksResponse &response);
    qint64 lifetimeMs(const QByteArray &cacheControl) const;

    const Settings m_settings;
    const std::weak_ptr<JwksFetcher> m_fetcher;
    mutable QMutex m_mutex;
    std::shared_ptr<const JwkSet> m_keys;
    Status m_status;
    bool m_inFlight = false;
    qint64 m_lastKidRefetchMs = 0;
    std::vector<Ready> m_waiting;
};

} // namespace portico
