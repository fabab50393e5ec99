#include "EpollEventDispatcher.h"

#include "net/ReadinessNotifier.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QThread>
#include <QVarLengthArray>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace portico {

namespace {

constexpr int kMaxEvents = 128;

// What each QSocketNotifier::Type waits for, and what activates it: as in Qt's own dispatcher,
// an error or hang-up activates every notifier of the descriptor, so its owner reads or writes
// and learns what happened.
constexpr uint32_t kInterest[3] = {EPOLLIN, EPOLLOUT, EPOLLPRI};
constexpr uint32_t kActivatedBy[3] = {EPOLLIN | EPOLLHUP | EPOLLERR, EPOLLOUT | EPOLLHUP | EPOLLERR,
                                      EPOLLPRI | EPOLLHUP | EPOLLERR};

} // namespace

EpollEventDispatcher::EpollEventDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent)
    , m_epoll(::epoll_create1(EPOLL_CLOEXEC))
    , m_wakeFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
{
    if (m_epoll < 0 || m_wakeFd < 0)
        qFatal("EpollEventDispatcher: cannot create epoll or eventfd descriptors");
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = m_wakeFd;
    ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeFd, &event);
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    ::close(m_wakeFd);
    ::close(m_epoll);
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupted.store(false, std::memory_order_relaxed);
    Q_EMIT awake();
    m_postedMeanwhile = false;
    QCoreApplication::sendPostedEvents();

    const bool includeTimers = !(flags & QEventLoop::X11ExcludeTimers);
    // Events posted while sending (they wait for the next round) or an interrupt: no blocking.
    const bool canWait = (flags & QEventLoop::WaitForMoreEvents) && !m_postedMeanwhile
        && !m_interrupted.load(std::memory_order_relaxed);
    if (canWait)
        Q_EMIT aboutToBlock();
    if (m_interrupted.load(std::memory_order_relaxed))
        return false;

    int timeoutMs = 0;
    if (canWait)
        timeoutMs = includeTimers ? msecsToNextTimer() : -1;
    int activated =
        waitAndActivateNotifiers(timeoutMs, !(flags & QEventLoop::ExcludeSocketNotifiers));
    if (includeTimers)
        activated += activateTimers();
    return activated > 0;
}

int EpollEventDispatcher::waitAndActivateNotifiers(int timeoutMs, bool includeNotifiers)
{
    epoll_event events[kMaxEvents];
    int count;
    if (includeNotifiers) {
        applyChanges();
        count = ::epoll_wait(m_epoll, events, kMaxEvents, timeoutMs);
    } else {
        // Only a wake-up may end this wait: ready sockets would end it at once, being
        // level-triggered, and stay ready since they are not to be activated.
        pollfd wake{m_wakeFd, POLLIN, 0};
        count = ::poll(&wake, 1, timeoutMs);
        if (count > 0) {
            events[0].events = EPOLLIN;
            events[0].data.fd = m_wakeFd;
        }
    }
    if (count < 0) {
        if (errno != EINTR)
            qErrnoWarning("EpollEventDispatcher: epoll_wait");
        return 0;
    }

    int activated = 0;
    for (int i = 0; i < count; ++i) {
        const int fd = events[i].data.fd;
        if (fd == m_wakeFd) {
            drainWakeUps();
            ++activated;
            continue;
        }
        const uint32_t ready = events[i].events;
        const Descriptor &descriptor = m_descriptors[size_t(fd)];
        for (int type = 0; type < 3; ++type) {
            if (descriptor.notifiers[type] && (ready & kActivatedBy[type]))
                m_pending.push_back(descriptor.notifiers[type]);
        }
    }

    QEvent event(QEvent::SockAct);
    while (m_pendingHead < m_pending.size()) {
        // Taken before sending: a nested event loop carries on from the next one.
        QSocketNotifier *notifier = m_pending[m_pendingHead++];
        if (!notifier)
            continue;
        if (notifier->metaObject() == &ReadinessNotifier::staticMetaObject)
            static_cast<ReadinessNotifier *>(notifier)->activate(); // no event, no signal
        else
            QCoreApplication::sendEvent(notifier, &event);
        ++activated;
    }
    m_pending.clear();
    m_pendingHead = 0;
    return activated;
}

void EpollEventDispatcher::drainWakeUps()
{
    uint64_t count; // non-blocking: fails with EAGAIN at worst
    [[maybe_unused]] const ssize_t n = ::read(m_wakeFd, &count, sizeof count);
    // Cleared after reading: a wake-up from now on writes again. One that found it still set
    // needs no write: what it announced was posted before, and is sent at the next round.
    m_wakeUpPending.store(false, std::memory_order_release);
}

void EpollEventDispatcher::wakeUp()
{
    // Our own thread is not blocked in a wait (it is calling this); the next wait must not block.
    if (QThread::currentThread() == thread()) {
        m_postedMeanwhile = true;
        return;
    }
    if (!m_wakeUpPending.exchange(true, std::memory_order_acq_rel)) {
        const uint64_t one = 1;
        [[maybe_unused]] const ssize_t n = ::write(m_wakeFd, &one, sizeof one);
    }
}

void EpollEventDispatcher::interrupt()
{
    m_interrupted.store(true, std::memory_order_relaxed);
    wakeUp();
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    if (fd < 0)
        return;
    if (size_t(fd) >= m_descriptors.size())
        m_descriptors.resize(size_t(fd) + 1);
    Descriptor &descriptor = m_descriptors[size_t(fd)];
    QSocketNotifier *&slot = descriptor.notifiers[notifier->type()];
    if (slot && slot != notifier) {
        qWarning("EpollEventDispatcher: multiple socket notifiers for descriptor %d", fd);
        // Likely closed with its notifier enabled, which dropped it from the epoll set.
        descriptor.events = 0;
    }
    slot = notifier;
    markChanged(fd, descriptor);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    if (fd < 0 || size_t(fd) >= m_descriptors.size())
        return;
    Descriptor &descriptor = m_descriptors[size_t(fd)];
    QSocketNotifier *&slot = descriptor.notifiers[notifier->type()];
    if (slot != notifier)
        return;
    slot = nullptr;
    std::replace(m_pending.begin() + qsizetype(m_pendingHead), m_pending.end(), notifier,
                 static_cast<QSocketNotifier *>(nullptr));
    // At once, unlike additions: the owner closes the descriptor next, and a descriptor opened
    // before the next wait may get its number (which would then look watched already).
    updateInterest(fd, descriptor);
}

void EpollEventDispatcher::markChanged(int fd, Descriptor &descriptor)
{
    if (!descriptor.changed) {
        descriptor.changed = true;
        m_changed.push_back(fd);
    }
}

void EpollEventDispatcher::applyChanges()
{
    for (const int fd : m_changed) {
        Descriptor &descriptor = m_descriptors[size_t(fd)];
        descriptor.changed = false;
        updateInterest(fd, descriptor);
    }
    m_changed.clear();
}

void EpollEventDispatcher::updateInterest(int fd, Descriptor &descriptor)
{
    uint32_t wanted = 0;
    for (int type = 0; type < 3; ++type) {
        if (descriptor.notifiers[type])
            wanted |= kInterest[type];
    }
    if (wanted == descriptor.events)
        return;
    int op = descriptor.events == 0 ? EPOLL_CTL_ADD : wanted == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
    descriptor.events = wanted;
    epoll_event event{};
    event.events = wanted;
    event.data.fd = fd;
    if (::epoll_ctl(m_epoll, op, fd, &event) == 0 || op == EPOLL_CTL_DEL)
        return; // a failed removal: closed already
    // Closing a descriptor drops it from the epoll set, and its number may be in use again by
    // now: whatever the set holds for it, make it what the notifiers want.
    op = errno == ENOENT ? EPOLL_CTL_ADD : errno == EEXIST ? EPOLL_CTL_MOD : -1;
    if (op < 0 || ::epoll_ctl(m_epoll, op, fd, &event) != 0)
        qErrnoWarning("EpollEventDispatcher: cannot watch descriptor %d", fd);
}

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                                         QObject *object)
{
    Q_ASSERT(!m_timers.contains(timerId));
    const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(interval);
    m_timers.emplace(timerId,
                     Timer{object, interval, timerType, m_deadlines.emplace(deadline, timerId)});
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    const auto it = m_timers.find(timerId);
    if (it == m_timers.end())
        return false;
    m_deadlines.erase(it->second.deadline);
    m_timers.erase(it);
    return true;
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    bool found = false;
    for (auto it = m_timers.begin(); it != m_timers.end();) {
        if (it->second.object == object) {
            m_deadlines.erase(it->second.deadline);
            it = m_timers.erase(it);
            found = true;
        } else {
            ++it;
        }
    }
    return found;
}

QList<QAbstractEventDispatcher::TimerInfo>
EpollEventDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> timers;
    for (const auto &[id, timer] : m_timers) {
        if (timer.object == object)
            timers.append(TimerInfo(id, int(timer.intervalMs), timer.type));
    }
    return timers;
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    const auto it = m_timers.find(timerId);
    if (it == m_timers.end())
        return -1;
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(it->second.deadline->first - Clock::now());
    return int(std::clamp<qint64>(left.count(), 0, INT_MAX));
}

int EpollEventDispatcher::msecsToNextTimer() const
{
    for (const auto &[deadline, id] : m_deadlines) {
        // One running a nested event loop from its callback cannot fire again meanwhile.
        if (m_timers.at(id).inCallback)
            continue;
        // Rounded up: waking before the deadline would only mean waiting again.
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
        return int(std::clamp<qint64>(left.count(), 0, INT_MAX));
    }
    return -1;
}

int EpollEventDispatcher::activateTimers()
{
    const Clock::time_point now = Clock::now();
    if (m_deadlines.empty() || m_deadlines.begin()->first > now)
        return 0;
    // Those due now, each once: one a callback re-arms or starts (an interval 0 one too) waits
    // for the next round, after the sockets had their turn.
    QVarLengthArray<int, 16> due;
    for (auto it = m_deadlines.begin(); it != m_deadlines.end() && it->first <= now; ++it)
        due.append(it->second);

    int activated = 0;
    for (const int id : due) {
        // A callback may have unregistered it, or restarted it under the same id.
        auto it = m_timers.find(id);
        if (it == m_timers.end() || it->second.inCallback || it->second.deadline->first > now)
            continue;
        Timer &timer = it->second;
        // Re-armed before its callback, which may unregister or restart it. A late timer skips
        // the periods it missed rather than firing in a burst.
        const std::chrono::milliseconds interval(timer.intervalMs);
        Clock::time_point next = timer.deadline->first + interval;
        if (next <= now)
            next = now + interval;
        auto node = m_deadlines.extract(timer.deadline);
        node.key() = next;
        timer.deadline = m_deadlines.insert(std::move(node));

        timer.inCallback = true;
        QTimerEvent event(id);
        QCoreApplication::sendEvent(timer.object, &event);
        ++activated;
        it = m_timers.find(id);
        if (it != m_timers.end())
            it->second.inCallback = false;
    }
    return activated;
}

} // namespace portico
