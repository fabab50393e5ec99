#include "CaptureFeed.h"

#include "models/TrafficTableModel.h"

#include "observe/TrafficCapture.h"

namespace portico {

CaptureFeed::CaptureFeed(TrafficCapture &capture, TrafficTableModel *model, QObject *parent)
    : QObject(parent)
    , m_capture(capture)
    , m_model(model)
{
    m_timer.setInterval(kIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &CaptureFeed::poll);
}

void CaptureFeed::setRunning(bool running)
{
    if (running == m_timer.isActive())
        return;
    if (running) {
        poll(); // catch up at once, then keep up
        m_timer.start();
    } else {
        m_timer.stop();
    }
}

void CaptureFeed::setWatching(bool watching)
{
    if (watching && !m_watch)
        m_watch = m_capture.watch();
    else if (!watching)
        m_watch.reset();
}

int CaptureFeed::poll()
{
    ++m_polls;
    const quint64 last = m_capture.lastSequence();
    if (last < m_lastSeen) // sequences started again: take everything there is
        m_lastSeen = 0;
    int added = 0;
    if (last > m_lastSeen) {
        const CaptureRecords batch = m_capture.recordsAfter(m_lastSeen, m_model->maxRows());
        if (!batch.empty()) {
            const quint64 first = batch.front()->sequence;
            if (m_polledOnce && first > m_lastSeen + 1)
                m_missed += qint64(first - m_lastSeen - 1);
            m_lastSeen = batch.back()->sequence;
            m_model->append(batch);
            added = int(batch.size());
        }
    }
    m_polledOnce = true;
    Q_EMIT polled(added);
    return added;
}

void CaptureFeed::skipToNow()
{
    m_lastSeen = m_capture.lastSequence();
    m_polledOnce = true;
    m_missed = 0;
}

} // namespace portico
