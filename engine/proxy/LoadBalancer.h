#pragma once

#include <QtGlobal>

#include <atomic>
#include <functional>
#include <vector>

namespace portico {

// Weighted target selection. The schedule is nginx's smooth weighted round robin unrolled once at
// compile time (weights 90/10 give a sequence of 100 picks with the 10 spread out), so a pick is
// one atomic increment and the split is exact over every full cycle, across all workers.
class LoadBalancer
{
public:
    explicit LoadBalancer(const std::vector<int> &weights);
    LoadBalancer(const LoadBalancer &other);

    // The next target index, skipping those `isAvailable` rejects; -1 when none is available.
    // `exclude` is a target already tried for this request (or -1).
    int pick(const std::function<bool(int)> &isAvailable, int exclude = -1) const;
    const std::vector<quint16> &schedule() const { return m_schedule; }
    int targetCount() const { return m_targetCount; }

private:
    std::vector<quint16> m_schedule;
    int m_targetCount = 0;
    mutable std::atomic<quint64> m_next{0};
};

} // namespace portico
