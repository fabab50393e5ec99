#pragma once

#include <QAbstractEventDispatcher>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <unordered_map>
#include <vector>

namespace portico {

// The engine threads' event loop, on Linux epoll. Qt's own dispatcher rebuilds and polls an array
// of every watched descriptor on each loop iteration, which with a hundred-odd connections per
// worker costs more than the events themselves; here an iteration costs what became ready.
// Semantics are Qt's: level-triggered socket notifiers, posted events sent on every iteration,
// timers precise to the millisecond whatever their Qt::TimerType.
class EpollEventDispatcher final : public QAbstractEventDispatcher
{
    Q_OBJECT
public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                       QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    // Both thread-safe.
    void wakeUp() override;
    void interrupt() override;

private:
    using Clock = std::chrono::steady_clock;
    using Deadlines = std::multimap<Clock::time_point, int>; // timer ids by next deadline

    struct Timer
    {
        QObject *object;
        qint64 intervalMs;
        Qt::TimerType type;
        Deadlines::iterator deadline;
        bool inCallback = false;
    };

    // The notifiers of one descriptor (by QSocketNotifier::Type) and the epoll mask installed.
    struct Descriptor
    {
        QSocketNotifier *notifiers[3] = {};
        uint32_t events = 0;
        bool changed = false; // in m_changed
    };

    // Waits up to timeoutMs (-1: forever) and activates the notifiers that are ready.
    int waitAndActivateNotifiers(int timeoutMs, bool includeNotifiers);
    int activateTimers();
    int msecsToNextTimer() const;
    void markChanged(int fd, Descriptor &descriptor);
    void applyChanges();
    void updateInterest(int fd, Descriptor &descriptor);
    void drainWakeUps();

    int m_epoll = -1;
    int m_wakeFd = -1; // an eventfd, in m_epoll
    std::atomic<bool> m_wakeUpPending{false};
    std::atomic<bool> m_interrupted{false};
    bool m_postedMeanwhile = false; // wakeUp() from our own thread, which was not blocked then

    std::vector<Descriptor> m_descriptors; // by fd
    // Descriptors with notifiers added since the last wait: the epoll set gets them just
    // before waiting, so one enabled and disabled in between (a write notifier created
    // disabled, say) costs no system call. Removals are applied at once.
    std::vector<int> m_changed;
    // Notifiers ready and not activated yet, from m_pendingHead on. Shared with nested loops
    // (which finish the batch), and unregistering a notifier nulls its entry, so a notifier
    // disabled or deleted by another's activation is never touched after it is gone.
    std::vector<QSocketNotifier *> m_pending;
    size_t m_pendingHead = 0;

    std::unordered_map<int, Timer> m_timers; // by id
    Deadlines m_deadlines;
};

} // namespace portico
