#pragma once

#include "config/Config.h"
#include "observe/CaptureRecord.h"

#include <QMutex>

#include <atomic>
#include <memory>
#include <vector>

namespace portico {

// The recent requests, for the desktop inspector and GET /traffic: a ring bounded both by a
// record count and by the memory the records take (settings.capture_records and
// capture_bytes), oldest dropped first.
//
// Workers add finished records as blobs (CaptureBlob) from their threads; readers (the GUI,
// the Admin API) share the blobs out and decode copies of them on their own threads. One
// mutex guards the ring: it is held only to swap a blob in or share blobs out. The ring hands
// each adding worker the buffer of the record it drops, so in a full ring records go round
// without allocation.
//
// Capturing still costs a worker copies of a request's fields, so with settings.capture
// "watched" (the default) requests are captured only while someone watches: a holder of a
// watch() token (the desktop inspector while it is open), or for a minute after a client read
// records (GET /traffic). Unwatched, a request costs two relaxed loads.
//
// A captured record always has its headers (and, with capture_body_kib, its bodies' start);
// records the access log alone asks for have none (see CaptureDraft).
class TrafficCapture
{
public:
    static constexpr qint64 kReaderWatchMs = 60'000;

    // Takes new bounds and modes; a smaller ring drops its oldest records now. Called when a
    // snapshot is published; workers may be adding meanwhile.
    void configure(const ObserveConfig &observe);

    // Whether a request starting now (monotonic ms) is captured.
    bool isCapturing(qint64 nowMs) const;
    // How much of each body is kept; 0 = none.
    int bodyLimitBytes() const { return m_bodyLimit.load(std::memory_order_relaxed); }

    // Links a finished record (a blob) in, giving it the next sequence number, and leaves in
    // `record` a buffer to write the next one into: the oldest record's, once the ring is
    // full, or an empty one.
    void add(QByteArray &record);

    // Records with a sequence above `after`, oldest first; at most `limit` (the newest ones).
    CaptureRecords recordsAfter(quint64 after, int limit) const;
    // The newest `limit` records, oldest first.
    CaptureRecords latest(int limit) const { return recordsAfter(0, limit); }
    // The sequence the last added record got; 0 before any.
    quint64 lastSequence() const;
    qsizetype size() const;
    // The memory the records' blobs take.
    qint64 bytes() const;
    void clear();

    // Requests are captured while the returned token lives (capture "watched").
    std::shared_ptr<void> watch();
    // A client read records at `nowMs`: requests are captured for kReaderWatchMs more.
    void noteRead(qint64 nowMs);

private:
    enum class Mode { Watched, Always, Off };

    // The blob of the record numbered `sequence`, while it is in the ring.
    QByteArray &slotOf(quint64 sequence) { return m_slots[size_t(sequence % m_slots.size())]; }
    // Drops the oldest record into `dropped` (freed outside the lock).
    void dropOldest(std::vector<QByteArray> &dropped);

    std::atomic<int> m_bodyLimit{0};
    std::atomic<Mode> m_mode{Mode::Watched};
    std::atomic<bool> m_enabled{false}; // the ring holds at least one record
    std::atomic<int> m_watchers{0};
    std::atomic<qint64> m_readUntilMs{0};

    mutable QMutex m_mutex; // guards what follows
    std::vector<QByteArray> m_slots; // settings.capture_records of them
    quint64 m_first = 1;             // the oldest record's sequence
    quint64 m_lastSequence = 0;      // the newest's: the ring holds m_first..m_lastSequence
    qint64 m_maxBytes = 0;
    qint64 m_bytes = 0;
};

} // namespace portico
