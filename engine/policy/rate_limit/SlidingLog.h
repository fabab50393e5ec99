#pragma once

#include <QtGlobal>

#include <algorithm>
#include <vector>

namespace portico {

// The times of the requests a sliding window let through, oldest first: a request passes when
// fewer than `limit` passed in the last window, whenever "now" is. That is exact for every
// window (no edge where twice the limit gets through) and never refuses a client that stayed
// within the limit. Entries older than the window are dropped as time moves on.
//
// Memory: one entry per request counted, up to kExactEntries. Beyond that (a limit far above
// 65,536 in the window, used fully) a request in the same 1/65,536 of the window as the newest
// entry joins it, and the entry takes its time: the log stays within 2 x kExactEntries entries
// however high the limit, and is less than that slice of the window late to free room (never
// early, so the limit still holds in every window).
class SlidingLog
{
public:
    static constexpr qint64 kExactEntries = 65'536;

    // Drops what left the window that starts after `windowStartUs`; returns how many requests
    // are still counted.
    qint64 countSince(qint64 windowStartUs)
    {
        while (m_entries > 0 && entry(0).timeUs <= windowStartUs)
            popFront();
        return m_requests;
    }
    qint64 entries() const { return m_entries; } // what it holds in memory

    // When the n-th oldest request counted (n < size()) leaves the window: its time, plus the
    // window.
    qint64 timeOfRequest(qint64 n) const
    {
        if (m_entries == m_requests) // one request per entry
            return entry(n).timeUs;
        for (qint64 i = 0;; ++i) {
            if (n < entry(i).count)
                return entry(i).timeUs;
            n -= entry(i).count;
        }
    }

    // Counts a request at `nowUs`; windowUs sets how close to the newest it may be merged.
    void push(qint64 nowUs, qint64 windowUs)
    {
        if (m_entries >= kExactEntries) {
            Entry &newest = entry(m_entries - 1);
            const qint64 sliceUs = std::max<qint64>(1, windowUs / kExactEntries);
            if (nowUs / sliceUs == newest.timeUs / sliceUs) {
                newest.timeUs = nowUs;
                ++newest.count;
                ++m_requests;
                return;
            }
        }
        if (m_entries == capacity())
            grow();
        entry(m_entries) = {nowUs, 1};
        ++m_entries;
        ++m_requests;
    }

private:
    struct Entry
    {
        qint64 timeUs;
        qint64 count;
    };

    qint64 capacity() const { return qint64(m_ring.size()); }
    Entry &entry(qint64 i) { return m_ring[size_t((m_head + i) & (capacity() - 1))]; }
    const Entry &entry(qint64 i) const
    {
        return m_ring[size_t((m_head + i) & (capacity() - 1))];
    }
    void popFront()
    {
        m_requests -= entry(0).count;
        m_head = (m_head + 1) & (capacity() - 1);
        if (--m_entries == 0)
            shrinkIfIdle();
    }
    void grow()
    {
        // Capacity stays a power of two so the index wraps with a mask.
        std::vector<Entry> bigger(m_ring.empty() ? 4 : m_ring.size() * 2);
        for (qint64 i = 0; i < m_entries; ++i)
            bigger[size_t(i)] = entry(i);
        m_ring.swap(bigger);
        m_head = 0;
    }
    // A client that once sent a burst does not keep its memory after the window emptied.
    void shrinkIfIdle()
    {
        m_head = 0;
        if (m_ring.size() > 64)
            std::vector<Entry>().swap(m_ring);
    }

    std::vector<Entry> m_ring;
    qint64 m_head = 0;
    qint64 m_entries = 0;
    qint64 m_requests = 0;
};

} // namespace portico
