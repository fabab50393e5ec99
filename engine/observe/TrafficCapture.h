#pragma once

#include "config/Config.h"
#include "observe/CaptureRecord.h"

#include <QMutex>

#include <atomic>
#include <deque>
#include <memory>

namespace portico {

// The recent requests, for the desktop inspector and GET /traffic: a ring bounded both by a
// record count and by the memory the records take (settings.capture_records and
// capture_bytes), oldest dropped first.
//
// Workers add finished records from their threads; readers (the GUI, the Admin API) copy out
// shared pointers. One mutex guards the ring: it is held only to link a record in or copy
// pointers out, never while a record is built or freed, so workers barely contend on it.
//
// Capturing costs a worker a good part of what proxying a small request does (a record of
// a few hundred bytes, its headers, the oldest record freed), so with settings.capture
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

    // Links a finished record in, giving it the next sequence number.
    void add(std::shared_ptr<CaptureRecord> record);

    // Records with a sequence above `after`, oldest first; at most `limit` (the newest ones).
    CaptureRecords recordsAfter(quint64 after, int limit) const;
    // The newest `limit` records, oldest first.
    CaptureRecords latest(int limit) const { return recordsAfter(0, limit); }
    // The sequence the last added record got; 0 before any.
    quint64 lastSequence() const;
    qsizetype size() const;
    qint64 bytes() const;
    void clear();

    // Requests are captured while the returned token lives (capture "watched").
    std::shared_ptr<void> watch();
    // A client read records at `nowMs`: requests are captured for kReaderWatchMs more.
    void noteRead(qint64 nowMs);

private:
    enum class Mode { Watched, Always, Off };
    struct Entry
    {
        CaptureRecordPtr record;
        qint64 bytes = 0;
    };

    // Drops the oldest entries beyond the bounds into `dropped` (freed outside the lock).
    void trim(std::vector<CaptureRecordPtr> &dropped);

    std::atomic<int> m_maxRecords{0};
    std::atomic<int> m_bodyLimit{0};
    std::atomic<Mode> m_mode{Mode::Watched};
    std::atomic<int> m_watchers{0};
    std::atomic<qint64> m_readUntilMs{0};

    mutable QMutex m_mutex; // guards what follows
    std::deque<Entry> m_ring;
    qint64 m_maxBytes = 0;
    qint64 m_bytes = 0;
    quint64 m_lastSequence = 0;
};

} // namespace portico
