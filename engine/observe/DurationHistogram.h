#pragma once

#include <QtGlobal>

#include <array>

namespace portico {

// Durations counted in the fixed buckets GET /metrics exposes (Prometheus `le` bounds from
// 1 ms to 10 s), with their exact sum. Unlike LatencyHistogram, whose log-linear buckets do not
// fall on these bounds, it answers "how many took at most 25 ms" exactly, and its 64-bit counts
// are meant for totals since start. Recording is one compare per bucket passed (a fast request
// stops at the first) and never allocates; histograms merge by adding buckets.
class DurationHistogram
{
public:
    static constexpr int kBounds = 13;
    static constexpr std::array<qint64, kBounds> kBoundsMicros{
        1'000,   2'500,   5'000,     10'000,    25'000,    50'000,    100'000,
        250'000, 500'000, 1'000'000, 2'500'000, 5'000'000, 10'000'000};
    static constexpr int kBuckets = kBounds + 1; // the last one: above the last bound

    // Negative durations count as 0.
    void record(qint64 micros)
    {
        if (micros < 0)
            micros = 0;
        int bucket = 0;
        while (bucket < kBounds && micros > kBoundsMicros[size_t(bucket)])
            ++bucket;
        ++m_counts[size_t(bucket)];
        m_sumMicros += quint64(micros);
    }
    void merge(const DurationHistogram &other)
    {
        for (size_t i = 0; i < m_counts.size(); ++i)
            m_counts[i] += other.m_counts[i];
        m_sumMicros += other.m_sumMicros;
    }

    // Values in bucket i: above bound i-1 (or 0), at most bound i (none for the last bucket).
    // Not cumulative.
    const std::array<quint64, kBuckets> &counts() const { return m_counts; }
    quint64 count() const
    {
        quint64 total = 0;
        for (quint64 c : m_counts)
            total += c;
        return total;
    }
    quint64 sumMicros() const { return m_sumMicros; }
    bool isEmpty() const { return count() == 0; }

private:
    std::array<quint64, kBuckets> m_counts{};
    quint64 m_sumMicros = 0;
};

} // namespace portico
