#include "LoadBalancer.h"

#include <numeric>

namespace portico {

namespace {

constexpr int kMaxScheduleLength = 4096;

} // namespace

LoadBalancer::LoadBalancer(const std::vector<int> &weights)
    : m_targetCount(int(weights.size()))
{
    std::vector<int> w = weights;
    int divisor = 0;
    for (int x : w)
        divisor = std::gcd(divisor, x);
    if (divisor == 0) // every weight 0: nothing to schedule
        return;
    long total = 0;
    for (int &x : w) {
        x /= divisor;
        total += x;
    }
    // Scale down very long cycles; keeps each non-zero weight at least 1.
    if (total > kMaxScheduleLength) {
        const double scale = double(kMaxScheduleLength) / double(total);
        total = 0;
        for (int &x : w) {
            if (x > 0)
                x = std::max(1, int(x * scale));
            total += x;
        }
    }
    std::vector<long> current(w.size(), 0);
    m_schedule.reserve(size_t(total));
    for (long i = 0; i < total; ++i) {
        size_t best = 0;
        for (size_t t = 0; t < w.size(); ++t) {
            current[t] += w[t];
            if (current[t] > current[best])
                best = t;
        }
        current[best] -= total;
        m_schedule.push_back(quint16(best));
    }
}

LoadBalancer::LoadBalancer(const LoadBalancer &other)
    : m_schedule(other.m_schedule)
    , m_targetCount(other.m_targetCount)
{
}

int LoadBalancer::pick(const std::function<bool(int)> &isAvailable, int exclude) const
{
    if (m_schedule.empty())
        return -1;
    const size_t n = m_schedule.size();
    const quint64 start = m_next.fetch_add(1, std::memory_order_relaxed);
    // Walk the schedule from our slot; unavailable targets give their turn to the next one.
    for (size_t i = 0; i < n; ++i) {
        const int target = m_schedule[(start + i) % n];
        if (target != exclude && isAvailable(target))
            return target;
    }
    return -1;
}

} // namespace portico
