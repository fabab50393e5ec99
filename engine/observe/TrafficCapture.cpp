#include "TrafficCapture.h"

#include <QMutexLocker>

#include <algorithm>

namespace portico {

void TrafficCapture::configure(const ObserveConfig &observe)
{
    m_bodyLimit.store(observe.captureBodyKib * 1024, std::memory_order_relaxed);
    m_mode.store(observe.capture == QLatin1String("always") ? Mode::Always
                 : observe.capture == QLatin1String("off")  ? Mode::Off
                                                             : Mode::Watched,
                 std::memory_order_relaxed);
    std::vector<CaptureRecordPtr> dropped;
    {
        QMutexLocker lock(&m_mutex);
        m_maxRecords.store(observe.captureRecords, std::memory_order_relaxed);
        m_maxBytes = observe.captureBytes;
        trim(dropped);
    }
}

bool TrafficCapture::isCapturing(qint64 nowMs) const
{
    if (m_maxRecords.load(std::memory_order_relaxed) <= 0)
        return false;
    switch (m_mode.load(std::memory_order_relaxed)) {
    case Mode::Always: return true;
    case Mode::Off: return false;
    case Mode::Watched: break;
    }
    return m_watchers.load(std::memory_order_relaxed) > 0
        || nowMs < m_readUntilMs.load(std::memory_order_relaxed);
}

void TrafficCapture::add(std::shared_ptr<CaptureRecord> record)
{
    const qint64 bytes = record->approximateBytes();
    std::vector<CaptureRecordPtr> dropped; // freed after the lock is released
    QMutexLocker lock(&m_mutex);
    if (m_maxRecords.load(std::memory_order_relaxed) <= 0)
        return;
    record->sequence = ++m_lastSequence;
    m_ring.push_back({std::move(record), bytes});
    m_bytes += bytes;
    trim(dropped);
}

void TrafficCapture::trim(std::vector<CaptureRecordPtr> &dropped)
{
    const auto maxRecords = size_t(std::max(0, m_maxRecords.load(std::memory_order_relaxed)));
    while (!m_ring.empty() && (m_ring.size() > maxRecords || m_bytes > m_maxBytes)) {
        m_bytes -= m_ring.front().bytes;
        dropped.push_back(std::move(m_ring.front().record));
        m_ring.pop_front();
    }
}

CaptureRecords TrafficCapture::recordsAfter(quint64 after, int limit) const
{
    CaptureRecords out;
    QMutexLocker lock(&m_mutex);
    if (m_ring.empty() || limit <= 0)
        return out;
    // Sequences in the ring are consecutive, so the first one wanted is found by arithmetic.
    const quint64 first = m_ring.front().record->sequence;
    const size_t start = after < first ? 0 : size_t(after - first + 1);
    if (start >= m_ring.size())
        return out;
    const size_t from = std::max(start, m_ring.size() - std::min(m_ring.size(), size_t(limit)));
    out.reserve(m_ring.size() - from);
    for (size_t i = from; i < m_ring.size(); ++i)
        out.push_back(m_ring[i].record);
    return out;
}

quint64 TrafficCapture::lastSequence() const
{
    QMutexLocker lock(&m_mutex);
    return m_lastSequence;
}

qsizetype TrafficCapture::size() const
{
    QMutexLocker lock(&m_mutex);
    return qsizetype(m_ring.size());
}

qint64 TrafficCapture::bytes() const
{
    QMutexLocker lock(&m_mutex);
    return m_bytes;
}

void TrafficCapture::clear()
{
    std::deque<Entry> dropped;
    QMutexLocker lock(&m_mutex);
    dropped.swap(m_ring);
    m_bytes = 0;
    lock.unlock();
}

std::shared_ptr<void> TrafficCapture::watch()
{
    m_watchers.fetch_add(1, std::memory_order_relaxed);
    // The token may outlive the engine's threads but not the capture (owned with the engine).
    return std::shared_ptr<void>(static_cast<void *>(this), [this](void *) {
        m_watchers.fetch_sub(1, std::memory_order_relaxed);
    });
}

void TrafficCapture::noteRead(qint64 nowMs)
{
    m_readUntilMs.store(nowMs + kReaderWatchMs, std::memory_order_relaxed);
}

} // namespace portico
