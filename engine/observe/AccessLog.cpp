#include "AccessLog.h"

#include "observe/AccessLogLine.h"
#include "observe/CaptureBlob.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QThread>

#include <optional>
#include <utility>

namespace portico {

namespace {

constexpr int kTickMs = 250;           // the writer wakes at least this often
constexpr size_t kBatchLines = 1024;   // or as soon as this many lines wait
constexpr qint64 kCheckEveryMs = 1000; // path check, or a new try of a file that failed
constexpr qsizetype kKeptBufferBytes = 2 * 1024 * 1024; // about four full batches

} // namespace

AccessLog::AccessLog(int maxQueued)
    : m_maxQueued(size_t(qMax(1, maxQueued)))
{
}

AccessLog::~AccessLog()
{
    close();
}

void AccessLog::configure(const AccessLogOptions &options)
{
    if (options.path.isEmpty()) {
        close();
        return;
    }
    QMutexLocker lock(&m_mutex);
    if (m_thread && options == m_options)
        return;
    if (!m_pending.empty()) // still the old file's, whenever the writer gets to them
        m_handovers.push_back(Handover{m_options, std::exchange(m_pending, {})});
    m_options = options;
    m_optionsChanged = true;
    if (!m_thread) {
        m_running = true;
        m_stopping = false;
        m_thread = QThread::create([this] { run(); });
        m_thread->setObjectName(QStringLiteral("portico-access-log"));
        m_thread->start();
    }
    m_enabled.store(true, std::memory_order_relaxed);
    m_wake.wakeOne();
}

void AccessLog::close()
{
    QThread *thread = nullptr;
    {
        QMutexLocker lock(&m_mutex);
        if (!m_thread)
            return;
        m_enabled.store(false, std::memory_order_relaxed);
        m_running = false; // from here on nothing more is queued
        m_stopping = true;
        m_wake.wakeOne();
        thread = m_thread;
    }
    thread->wait(); // the writer writes what is queued, then ends
    delete thread;
    QMutexLocker lock(&m_mutex);
    m_thread = nullptr;
    m_stopping = false;
    m_options = AccessLogOptions{};
    m_optionsChanged = false;
    m_progress.wakeAll();
}

void AccessLog::append(QByteArray record)
{
    QMutexLocker lock(&m_mutex);
    if (!m_running)
        return;
    if (m_pending.size() >= m_maxQueued) {
        countDroppedLocked(1);
        return;
    }
    m_pending.push_back(std::move(record));
    ++m_accepted;
    if (m_pending.size() == kBatchLines) // once per batch, not per line
        m_wake.wakeOne();
}

AccessLogOptions AccessLog::options() const
{
    QMutexLocker lock(&m_mutex);
    return m_options;
}

bool AccessLog::sync(int timeoutMs)
{
    QMutexLocker lock(&m_mutex);
    const quint64 target = m_accepted;
    if (!m_thread)
        return m_processed >= target;
    m_syncWanted = true;
    m_wake.wakeOne();
    const QDeadlineTimer deadline(timeoutMs);
    while (m_processed < target && m_thread) {
        if (!m_progress.wait(&m_mutex, deadline))
            break;
    }
    return m_processed >= target;
}

bool AccessLog::hasWorkLocked() const
{
    return m_stopping || m_optionsChanged || m_syncWanted || m_pending.size() >= kBatchLines;
}

void AccessLog::countDroppedLocked(quint64 lines)
{
    m_droppedUnreported += lines;
    m_droppedTotal.fetch_add(lines, std::memory_order_relaxed);
}

void AccessLog::run()
{
    AccessLogFile file;
    std::vector<QByteArray> batch; // swapped with m_pending: both keep their capacity
    QByteArray buffer;
    QElapsedTimer sinceCheck;

    // Formats the lines (and the report of lines dropped before this point) and writes them;
    // what cannot be written is counted as dropped and reported once the file works again.
    const auto writeBatch = [&](std::vector<QByteArray> &lines, quint64 &dropped) {
        if (lines.empty() && dropped == 0)
            return;
        buffer.resize(0); // keeps the capacity
        for (const QByteArray &blob : lines) {
            if (const std::shared_ptr<CaptureRecord> record = decodeCaptureRecord(blob, 0))
                appendAccessLogLine(buffer, *record);
        }
        if (dropped)
            appendDroppedLine(buffer, QDateTime::currentMSecsSinceEpoch(), dropped);
        const qint64 lost = file.writeLines(buffer); // lines lost are the last ones
        if (buffer.capacity() > kKeptBufferBytes)
            buffer = QByteArray(); // a backlog's worth is not kept for good
        QMutexLocker lock(&m_mutex);
        if (lost > 0) {
            if (dropped)
                m_droppedUnreported += dropped; // its report line was lost too: counted already
            countDroppedLocked(quint64(lost) - (dropped ? 1 : 0));
        }
        m_processed += lines.size();
        m_progress.wakeAll();
        lines.clear();
        dropped = 0;
    };

    std::vector<Handover> handovers;
    for (;;) {
        bool stopping = false;
        bool syncWanted = false;
        std::optional<AccessLogOptions> changed;
        {
            QMutexLocker lock(&m_mutex);
            if (!hasWorkLocked())
                m_wake.wait(&m_mutex, QDeadlineTimer(kTickMs));
            stopping = m_stopping;
            syncWanted = std::exchange(m_syncWanted, false);
            if (std::exchange(m_optionsChanged, false))
                changed = m_options;
            handovers.swap(m_handovers);
        }
        for (Handover &handover : handovers) {
            quint64 none = 0;
            file.setOptions(handover.options);
            if (!file.isOpen())
                file.open();
            writeBatch(handover.lines, none);
        }
        handovers.clear();
        if (changed)
            file.setOptions(*changed);
        const bool due = !sinceCheck.isValid() || sinceCheck.elapsed() >= kCheckEveryMs;
        if (!file.isOpen()) {
            if (due || changed || syncWanted || stopping) {
                sinceCheck.start();
                file.open();
            }
        } else if (due) {
            sinceCheck.start();
            if (!file.isStillAtPath()) // deleted or moved away: start a new one at the path
                file.open();
        }
        // While the file cannot be written, lines wait in the bounded queue (which drops and
        // counts what does not fit) instead of being lost here.
        quint64 dropped = 0;
        bool tookQueue = false;
        if (file.isOpen() || stopping) {
            QMutexLocker lock(&m_mutex);
            // After a change since this round began, what is queued now belongs to the newer
            // options (and lines handed over go before it): the next round takes it.
            if (m_handovers.empty() && !m_optionsChanged) {
                batch.swap(m_pending);
                dropped = std::exchange(m_droppedUnreported, 0);
                tookQueue = true;
            }
        }
        writeBatch(batch, dropped);
        if (stopping && tookQueue) {
            file.close();
            return;
        }
    }
}

} // namespace portico
