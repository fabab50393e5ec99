#include "LatencyHistogram.h"

#include <algorithm>
#include <cmath>

namespace portico {

void LatencyHistogram::merge(const LatencyHistogram &other)
{
    if (other.m_count == 0)
        return;
    for (size_t i = 0; i < m_buckets.size(); ++i)
        m_buckets[i] += other.m_buckets[i];
    m_count += other.m_count;
}

void LatencyHistogram::clear()
{
    if (m_count == 0)
        return;
    m_buckets.fill(0);
    m_count = 0;
}

double LatencyHistogram::percentile(double q) const
{
    if (m_count == 0)
        return 0.0;
    // Nearest rank: the smallest value with at least q of all values at or below it.
    const double wanted = std::ceil(std::clamp(q, 0.0, 1.0) * double(m_count));
    const quint64 rank = std::clamp<quint64>(quint64(wanted), 1, m_count);
    quint64 seen = 0;
    for (int i = 0; i < kBucketCount; ++i) {
        seen += m_buckets[size_t(i)];
        if (seen >= rank)
            return valueOf(i);
    }
    return valueOf(kBucketCount - 1);
}

double LatencyHistogram::valueOf(int bucket)
{
    if (bucket < kSubBuckets)
        return double(bucket);
    const int shift = (bucket - kSubBuckets) / kSubBuckets;
    const int sub = (bucket - kSubBuckets) % kSubBuckets;
    const double low = double(qint64(kSubBuckets + sub) << shift);
    const double width = double(qint64(1) << shift);
    return low + (width - 1.0) / 2.0;
}

} // namespace portico
