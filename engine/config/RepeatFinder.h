#pragma once

#include <QStringView>

#include <algorithm>
#include <utility>
#include <vector>

namespace portico {

// Finds the values of a list that repeat an earlier one (names, key ids, key hashes) in lists
// of 100,000 values and more: a radix sort of (fingerprint, index) numbers, which reads memory
// in order, where a hash table waits on a cache miss per value. Values with equal fingerprints
// are compared for real, so a fingerprint collision never invents a repeat or hides one, and
// many crafted collisions cost a sort, not a comparison of every pair.
class RepeatFinder
{
public:
    explicit RepeatFinder(qsizetype expected = 0) { m_entries.reserve(size_t(expected)); }

    // Value `index` (0 <= index < 2^32, increasing from call to call) has `fingerprint`.
    void add(quint64 fingerprint, qint64 index)
    {
        Q_ASSERT(index >= 0 && index <= 0xffffffffLL);
        Q_ASSERT(m_entries.empty() || qint64(m_entries.back() & kIndexMask) < index);
        const quint64 folded = (fingerprint ^ (fingerprint >> 32)) & kIndexMask;
        m_entries.push_back(folded << 32 | quint64(index));
    }

    // Finds the repeats; valueOf(index) is the value added as `index`.
    template<typename ValueOf>
    void resolve(ValueOf valueOf)
    {
        sortByFingerprint(); // stable: equal fingerprints stay in index order
        for (size_t start = 0; start < m_entries.size();) {
            size_t end = start + 1;
            while (end < m_entries.size() && (m_entries[end] >> 32) == (m_entries[start] >> 32))
                ++end;
            if (end - start > 1)
                resolveGroup(start, end, valueOf);
            start = end;
        }
        std::sort(m_repeats.begin(), m_repeats.end());
        m_entries = std::vector<quint64>();
    }

    // The first value equal to value `index`, or -1 when it is the first of its kind (or was
    // not added). Ask in increasing index order.
    qint64 firstOf(qint64 index)
    {
        while (m_next < m_repeats.size() && m_repeats[m_next].first < index)
            ++m_next;
        return m_next < m_repeats.size() && m_repeats[m_next].first == index
            ? m_repeats[m_next].second
            : -1;
    }

    // (repeat, first) pairs, by repeat; after resolve().
    const std::vector<std::pair<qint64, qint64>> &repeats() const { return m_repeats; }

private:
    static constexpr quint64 kIndexMask = 0xffffffffULL;
    static qint64 indexOf(quint64 entry) { return qint64(entry & kIndexMask); }

    // Least significant digits first over the fingerprint half, 11 bits a pass (three passes;
    // the counts fit a core's first-level cache); each pass is stable.
    void sortByFingerprint()
    {
        constexpr int kBits = 11;
        constexpr size_t kBuckets = size_t(1) << kBits;
        std::vector<quint64> buffer(m_entries.size());
        std::vector<size_t> starts(kBuckets + 1);
        for (int shift = 32; shift < 64; shift += kBits) {
            std::fill(starts.begin(), starts.end(), 0);
            for (quint64 entry : m_entries)
                ++starts[((entry >> shift) & (kBuckets - 1)) + 1];
            for (size_t b = 0; b < kBuckets; ++b)
                starts[b + 1] += starts[b];
            for (quint64 entry : m_entries)
                buffer[starts[(entry >> shift) & (kBuckets - 1)]++] = entry;
            m_entries.swap(buffer);
        }
    }

    // Entries [start, end) share a fingerprint and are in index order.
    template<typename ValueOf>
    void resolveGroup(size_t start, size_t end, ValueOf &valueOf)
    {
        if (end - start <= 8) { // the usual case: a real repeat, or a rare collision
            for (size_t j = start + 1; j < end; ++j) {
                for (size_t i = start; i < j; ++i) {
                    if (valueOf(indexOf(m_entries[i])) == valueOf(indexOf(m_entries[j]))) {
                        m_repeats.emplace_back(indexOf(m_entries[j]), indexOf(m_entries[i]));
                        break;
                    }
                }
            }
            return;
        }
        const auto begin = m_entries.begin() + qsizetype(start);
        const auto finish = m_entries.begin() + qsizetype(end);
        std::stable_sort(begin, finish, [&](quint64 a, quint64 b) {
            return valueOf(indexOf(a)) < valueOf(indexOf(b));
        });
        for (auto run = begin; run != finish;) {
            auto next = run + 1;
            while (next != finish && valueOf(indexOf(*next)) == valueOf(indexOf(*run))) {
                m_repeats.emplace_back(indexOf(*next), indexOf(*run));
                ++next;
            }
            run = next;
        }
    }

    std::vector<quint64> m_entries;                   // fingerprint << 32 | index
    std::vector<std::pair<qint64, qint64>> m_repeats; // (repeat, first), by repeat
    size_t m_next = 0;
};

} // namespace portico
