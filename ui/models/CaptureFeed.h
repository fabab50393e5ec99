#pragma once

#include <QObject>
#include <QTimer>

#include <memory>

namespace portico {

class TrafficCapture;
class TrafficTableModel;

// Brings the engine's newly captured requests into a TrafficTableModel: while running (the
// Traffic page visible and not paused) it polls the capture on a timer and appends what came
// since the last poll as one batch; while watching (the page visible) it holds a watch token,
// so the engine captures requests meanwhile (capture "watched"). Reading the
// capture copies shared pointers under a short lock: a poll costs the GUI thread little even
// at full load, and the engine never waits for the window.
class CaptureFeed : public QObject
{
    Q_OBJECT
public:
    static constexpr int kIntervalMs = 200;

    CaptureFeed(TrafficCapture &capture, TrafficTableModel *model, QObject *parent = nullptr);

    void setRunning(bool running);
    bool isRunning() const { return m_timer.isActive(); }
    void setWatching(bool watching);
    bool isWatching() const { return m_watch != nullptr; }

    // Appends what arrived since the last poll (at most the model's bound, the newest);
    // returns how many rows that added.
    int poll();
    // Later polls bring only requests captured from now on (Clear).
    void skipToNow();

    // Requests that left the capture's ring before a poll reached them (while paused or
    // hidden, or faster than the ring holds between two polls).
    qint64 missed() const { return m_missed; }
    int pollCount() const { return m_polls; }

Q_SIGNALS:
    void polled(int added);

private:
    TrafficCapture &m_capture;
    TrafficTableModel *m_model;
    QTimer m_timer;
    std::shared_ptr<void> m_watch;
    quint64 m_lastSeen = 0; // the sequence of the newest record taken
    bool m_polledOnce = false;
    qint64 m_missed = 0;
    int m_polls = 0;
};

} // namespace portico
