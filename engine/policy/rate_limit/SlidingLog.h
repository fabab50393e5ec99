#pragma once

#include <QtGlobal>

#include <vector>

namespace portico {

// The times of the requests a sliding window let through, oldest first: a request passes when
// fewer than `limit` passed in the last window, whenever "now" is. That is exact for every
// window (no edge where twice the limit gets through) and never refuses a client that stayed
// within the limit. It holds one timestamp per request counted, so at most `limit` of them;
// entries older than the window are dropped as time moves on.
class SlidingLog
{
public:
    // Drops what left the window ending at `nowUs` and returns how many remain.
    qint64 countSince(qint64 windowStartUs)
    {
        while (m_size > 0 && at(0) <= windowStartUs)
            popFront();
        return m_size;
    }
    // The i-th oldest timestamp counted (i < size()).
    qint64 at(qint64 i) const { return m_ring[size_t((m_head + i) & (capacity() - 1))]; }
    qint64 size() const { return m_size; }
    bool isEmpty() const { return m_size == 0; }
    void push(qint64 nowUs)
    {
        if (m_size == capacity())
            grow();
        m_ring[size_t((m_head + m_size) & (capacity() - 1))] = nowUs;
        ++m_size;
    }
    // Takes back the newest timestamp (a request that another limit then refused).
    void popBack() { --m_size; }

private:
    qint64 capacity() const { return qint64(m_ring.size()); }
    void popFront()
    {
        m_head = (m_head + 1) & (capacity() - 1);
        --m_size;
        if (m_size == 0)
            shrinkIfIdle();
    }
    void grow()
    {
        // Capacity stays a power of two so the index wraps with a mask.
        std::vector<qint64> bigger(m_ring.empty() ? 4 : m_ring.size() * 2);
        for (qint64 i = 0; i < m_size; ++i)
            bigger[size_t(i)] = at(i);
        m_ring.swap(bigger);
        m_head = 0;
    }
    // A client that once sent a burst does not keep its memory after the window emptied.
    void shrinkIfIdle()
    {
        m_head = 0;
        if (m_ring.size() > 64)
            std::vector<qint64>().swap(m_ring);
    }

    std::vector<qint64> m_ring;
    qint64 m_head = 0;
    qint64 m_size = 0;
};

} // namespace portico
