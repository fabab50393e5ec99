#pragma once

#include "observe/AccessLogFile.h"

#include <QByteArray>
#include <QMutex>
#include <QWaitCondition>

#include <atomic>
#include <vector>

class QThread;

namespace portico {

// The access log (settings.access_log): one JSON line per request (AccessLogLine), written by a
// thread of its own so that a worker never waits for the disk.
//
// Workers call append() with the finished request's record (its blob, see CaptureBlob): a
// short lock, a push onto a bounded queue, no I/O. The writer thread wakes when a batch is
// waiting or every 250 ms, swaps the queue out, decodes and formats it and writes it in one go
// (AccessLogFile rotates by size between lines), so lines reach the file within about a
// quarter of a second. When the queue is full (the disk cannot keep up, or the file cannot be
// written) further lines are dropped and counted: droppedLines(), and a {"dropped": N} line in
// the log where they are missing.
// While the file cannot be written (folder removed, disk full) it is tried again every second,
// and meanwhile the queue holds what it can; the path is also checked every second, so a log
// moved away or deleted behind the gateway's back is started anew.
class AccessLog
{
public:
    // About a second of a busy gateway's requests; a queued line costs its record's blob
    // (a few hundred bytes) until it is formatted.
    static constexpr int kDefaultMaxQueued = 32768;

    explicit AccessLog(int maxQueued = kDefaultMaxQueued);
    ~AccessLog();
    AccessLog(const AccessLog &) = delete;
    AccessLog &operator=(const AccessLog &) = delete;

    // Starts the log, or follows new options while it runs: lines appended before the call go
    // to the old file, lines after it to the new one, none is lost. An empty path closes it.
    // Same options as now: nothing happens.
    void configure(const AccessLogOptions &options);
    // Writes and flushes every line appended so far, then stops the writer thread.
    void close();

    // One relaxed load: the caller writes a record only when this is true.
    bool isEnabled() const { return m_enabled.load(std::memory_order_relaxed); }
    // From any thread, never blocking on I/O. Dropped silently while the log is off.
    void append(QByteArray record);

    // Lines lost since this log was created (queue full, write failed).
    quint64 droppedLines() const { return m_droppedTotal.load(std::memory_order_relaxed); }
    AccessLogOptions options() const;
    // Waits until every line appended before the call has been written (or found unwritable)
    // and flushed; false when that did not happen within the timeout.
    bool sync(int timeoutMs = 5000);

private:
    void run();
    bool hasWorkLocked() const;
    void countDroppedLocked(quint64 lines);

    const size_t m_maxQueued;
    std::atomic<bool> m_enabled{false};
    std::atomic<quint64> m_droppedTotal{0};

    mutable QMutex m_mutex;    // guards everything below
    QWaitCondition m_wake;     // the writer: work is waiting
    QWaitCondition m_progress; // sync(): lines were written
    QThread *m_thread = nullptr;
    bool m_running = false; // accepting lines
    bool m_stopping = false;
    AccessLogOptions m_options;
    bool m_optionsChanged = false;
    bool m_syncWanted = false;
    std::vector<QByteArray> m_pending;
    // Lines queued before an option change, with the options they were appended under: the
    // writer writes them there before it follows the change.
    struct Handover
    {
        AccessLogOptions options;
        std::vector<QByteArray> lines;
    };
    std::vector<Handover> m_handovers;
    quint64 m_droppedUnreported = 0; // not yet reported in the log
    quint64 m_accepted = 0;          // lines queued, ever
    quint64 m_processed = 0;         // of those, written or lost, ever
};

} // namespace portico
