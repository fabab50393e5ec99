#pragma once

#include <QHash>
#include <QMutex>
#include <QString>

#include <atomic>
#include <memory>

namespace portico {

// Passive health of one upstream target, shared by every worker and kept across config swaps.
// A target that fails `ejectAfter` consecutive connects is ejected for a while, then tried again.
class TargetHealth
{
public:
    bool isEjected(qint64 nowMs) const
    {
        return nowMs < m_ejectedUntilMs.load(std::memory_order_relaxed);
    }
    void recordSuccess() { m_consecutiveFailures.store(0, std::memory_order_relaxed); }
    // Returns true when this failure ejected the target.
    bool recordFailure(qint64 nowMs, int ejectAfter, int ejectForMs);
    int consecutiveFailures() const
    {
        return m_consecutiveFailures.load(std::memory_order_relaxed);
    }
    quint64 ejections() const { return m_ejections.load(std::memory_order_relaxed); }
    qint64 ejectedUntilMs() const { return m_ejectedUntilMs.load(std::memory_order_relaxed); }

private:
    std::atomic<int> m_consecutiveFailures{0};
    std::atomic<qint64> m_ejectedUntilMs{0};
    std::atomic<quint64> m_ejections{0};
};

// Hands out one TargetHealth per "host:port", so a target keeps its state when a new snapshot
// still uses it.
class HealthRegistry
{
public:
    std::shared_ptr<TargetHealth> healthFor(const QString &hostPort);
    // Starts with the same health objects as `other` (a dry run's registry reads the engine's).
    void shareFrom(const HealthRegistry &other);

private:
    mutable QMutex m_mutex;
    QHash<QString, std::shared_ptr<TargetHealth>> m_health;
};

} // namespace portico
