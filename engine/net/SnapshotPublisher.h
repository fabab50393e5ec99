#pragma once

#include <QMutex>

#include <atomic>
#include <memory>

namespace portico {

struct Snapshot;

// The engine's current snapshot, as every worker sees it. A request dispatched after publish()
// returns runs on the new snapshot (a revoked key is refused on the very next request), at the
// cost of one atomic load per request; the lock is taken only when the version moved.
class SnapshotPublisher
{
public:
    void publish(std::shared_ptr<const Snapshot> snapshot, quint64 version)
    {
        QMutexLocker lock(&m_mutex);
        m_snapshot = std::move(snapshot);
        m_version.store(version, std::memory_order_release);
    }

    quint64 version() const { return m_version.load(std::memory_order_acquire); }

    std::shared_ptr<const Snapshot> current() const
    {
        QMutexLocker lock(&m_mutex);
        return m_snapshot;
    }

private:
    mutable QMutex m_mutex;
    std::shared_ptr<const Snapshot> m_snapshot;
    std::atomic<quint64> m_version{0};
};

} // namespace portico
