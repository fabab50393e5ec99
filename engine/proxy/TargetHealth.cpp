#include "TargetHealth.h"

namespace portico {

bool TargetHealth::recordFailure(qint64 nowMs, int ejectAfter, int ejectForMs)
{
    const int failures = m_consecutiveFailures.fetch_add(1, std::memory_order_relaxed) + 1;
    if (ejectAfter <= 0 || failures < ejectAfter)
        return false;
    // Back in rotation after the ejection; one more failure then ejects it again at once.
    m_consecutiveFailures.store(ejectAfter - 1, std::memory_order_relaxed);
    m_ejectedUntilMs.store(nowMs + ejectForMs, std::memory_order_relaxed);
    m_ejections.fetch_add(1, std::memory_order_relaxed);
    return true;
}

std::shared_ptr<TargetHealth> HealthRegistry::healthFor(const QString &hostPort)
{
    QMutexLocker lock(&m_mutex);
    auto &slot = m_health[hostPort];
    if (!slot)
        slot = std::make_shared<TargetHealth>();
    return slot;
}

void HealthRegistry::shareFrom(const HealthRegistry &other)
{
    QMutexLocker theirs(&other.m_mutex);
    const QHash<QString, std::shared_ptr<TargetHealth>> copy = other.m_health;
    theirs.unlock();
    QMutexLocker lock(&m_mutex);
    m_health = copy;
}

} // namespace portico
