#pragma once

#include <QtGlobal>

#include <array>
#include <bit>

namespace portico {

// Durations in microseconds, counted in log-linear buckets: exact below 16 µs, then each power
// of two split into 16 equal sub-buckets up to 2^27 µs (about 134 s); longer values count in
// the last bucket. A percentile is reported as the middle of its bucket, so it is within 1/32
// (about 3%) of the true nearest-rank value. Recording is a few instructions and never
// allocates; histograms of the same layout merge by adding buckets, so workers can each keep
// their own and an aggregator sums them.
//
// Counts are 32-bit per bucket: meant for one sampling interval, not for totals since start.
class LatencyHistogram
{
public:
    static constexpr int kSubBucketBits = 4;
    static constexpr int kSubBuckets = 1 << kSubBucketBits;
    static constexpr int kMaxExponent = 26; // highest power of two with buckets of its own
    static constexpr int kBucketCount =
        kSubBuckets + (kMaxExponent - kSubBucketBits + 1) * kSubBuckets;
    static constexpr qint64 kMaxMicros = (qint64(1) << (kMaxExponent + 1)) - 1;

    // Negative durations count as 0, those above kMaxMicros as kMaxMicros.
    void record(qint64 micros)
    {
        ++m_buckets[size_t(bucketOf(micros))];
        ++m_count;
    }
    void merge(const LatencyHistogram &other);
    void clear();

    quint64 count() const { return m_count; }
    bool isEmpty() const { return m_count == 0; }
    // The nearest-rank percentile for q in [0, 1] (0.99 = p99), in microseconds; 0 when empty.
    double percentile(double q) const;

    static int bucketOf(qint64 micros)
    {
        if (micros < kSubBuckets)
            return micros < 0 ? 0 : int(micros);
        if (micros > kMaxMicros)
            micros = kMaxMicros;
        const int exponent = std::bit_width(quint64(micros)) - 1; // >= kSubBucketBits
        const int shift = exponent - kSubBucketBits;
        const int sub = int(micros >> shift) - kSubBuckets; // 0..15
        return kSubBuckets + shift * kSubBuckets + sub;
    }
    // The value a bucket reports: its middle (its only value below 16 µs).
    static double valueOf(int bucket);

private:
    std::array<quint32, kBucketCount> m_buckets{};
    quint64 m_count = 0;
};

} // namespace portico
