#pragma once

#include <QByteArray>
#include <QHash>
#include <QMutex>

#include <array>
#include <utility>
#include <vector>

namespace portico {

// When each API key was last used, collected from every worker and written to the store in
// batches (a database write per request would cost more than the request). Workers call
// record() at most once per key and second; the application takes the batch on a timer.
class KeyUsageRecorder
{
public:
    void record(const QByteArray &keyId, qint64 nowMs);
    // Everything recorded since the last call: (key id, last use in ms since the epoch).
    std::vector<std::pair<QByteArray, qint64>> take();
    // The latest use not yet taken, or 0.
    qint64 pending(const QByteArray &keyId) const;

private:
    struct Shard
    {
        mutable QMutex mutex;
        QHash<QByteArray, qint64> lastUsedMs;
    };
    Shard &shardFor(const QByteArray &keyId) const;

    mutable std::array<Shard, 8> m_shards;
};

} // namespace portico
