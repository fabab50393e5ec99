#include "TrafficCapture.h"

#include "observe/CaptureBlob.h"

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
    const auto slots = size_t(std::max(0, observe.captureRecords));
    std::vector<QByteArray> dropped; // freed after the lock is released
    QMutexLocker lock(&m_mutex);
    if (slots != m_slots.size()) {
        // The newest records that fit move to their places in the new ring.
        std::vector<QByteArray> ring(slots);
        const quint64 kept = std::min<quint64>(slots, m_lastSequence + 1 - m_first);
        const quint64 keepFrom = m_lastSequence + 1 - kept;
        m_bytes = 0;
        for (quint64 sequence = keepFrom; sequence <= m_lastSequence; ++sequence) {
            QByteArray &moved = ring[size_t(sequence % slots)];
            moved = std::move(slotOf(sequence));
            m_bytes += moved.capacity();
        }
        m_slots.swap(ring);
        dropped.swap(ring);
        m_first = keepFrom;
    }
    m_maxBytes = observe.captureBytes;
    while (m_bytes > m_maxBytes && m_first <= m_lastSequence)
        dropOldest(dropped);
    m_enabled.store(!m_slots.empty(), std::memory_order_relaxed);
}

bool TrafficCapture::isCapturing(qint64 nowMs) const
{
    if (!m_enabled.load(std::memory_order_relaxed))
        return false;
    switch (m_mode.load(std::memory_order_relaxed)) {
    case Mode::Always: return true;
    case Mode::Off: return false;
    case Mode::Watched: break;
    }
    return m_watchers.load(std::memory_order_relaxed) > 0
        || nowMs < m_readUntilMs.load(std::memory_order_relaxed);
}

void TrafficCapture::add(QByteArray &record)
{
    std::vector<QByteArray> dropped; // only when the byte cap drops records
    QMutexLocker lock(&m_mutex);
    if (m_slots.empty())
        return;
    const quint64 sequence = ++m_lastSequence;
    QByteArray &slot = slotOf(sequence);
    if (sequence - m_first >= m_slots.size()) { // full: the slot holds the oldest record
        m_bytes -= slot.capacity();
        ++m_first;
    }
    m_bytes += record.capacity();
    std::swap(slot, record);
    while (m_bytes > m_maxBytes && m_first <= m_lastSequence) // the new one too, if too big
        dropOldest(dropped);
}

void TrafficCapture::dropOldest(std::vector<QByteArray> &dropped)
{
    QByteArray &slot = slotOf(m_first++);
    m_bytes -= slot.capacity();
    dropped.push_back(std::exchange(slot, QByteArray()));
}

CaptureRecords TrafficCapture::recordsAfter(quint64 after, int limit) const
{
    std::vector<QByteArray> blobs; // shared with the ring for as long as it takes to copy them
    quint64 from = 0;
    {
        QMutexLocker lock(&m_mutex);
        if (limit <= 0 || m_first > m_lastSequence)
            return {};
        from = std::max({after + 1, m_first, m_lastSequence + 1 - std::min<quint64>(
                                                  quint64(limit), m_lastSequence)});
        if (from > m_lastSequence)
            return {};
        blobs.reserve(size_t(m_lastSequence + 1 - from));
        for (quint64 sequence = from; sequence <= m_lastSequence; ++sequence)
            blobs.push_back(m_slots[size_t(sequence % m_slots.size())]);
    }
    // Decoded here, on the reader's thread, from copies: a record a reader keeps (the Traffic
    // page keeps thousands) holds its own bytes, so the ring's buffers stay the ring's and go
    // on being reused rather than replaced.
    CaptureRecords out;
    out.reserve(blobs.size());
    for (QByteArray &blob : blobs) {
        const QByteArray copy(blob.constData(), blob.size());
        blob = QByteArray(); // the ring's buffer is free for reuse again
        if (CaptureRecordPtr record = decodeCaptureRecord(copy, from))
            out.push_back(std::move(record));
        ++from;
    }
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
    return qsizetype(m_lastSequence + 1 - m_first);
}

qint64 TrafficCapture::bytes() const
{
    QMutexLocker lock(&m_mutex);
    return m_bytes;
}

void TrafficCapture::clear()
{
    std::vector<QByteArray> dropped;
    QMutexLocker lock(&m_mutex);
    dropped.resize(m_slots.size());
    dropped.swap(m_slots);
    m_first = m_lastSequence + 1;
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
