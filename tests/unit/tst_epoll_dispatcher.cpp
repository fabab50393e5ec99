// The engine threads' epoll event dispatcher, on a QThread of its own, against Qt's semantics.
// Timing bounds are loose on purpose: what matters is order and that things happen at all.

#include "net/EpollEventDispatcher.h"
#include "net/ReadinessNotifier.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QPointer>
#include <QRegularExpression>
#include <QSocketNotifier>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <fcntl.h>
#include <functional>
#include <sys/socket.h>
#include <unistd.h>

using namespace portico;

namespace {

constexpr int kWaitMs = 10000; // for things that should take milliseconds

// What happened on the dispatcher's thread, in order; read from the test's thread.
class Log
{
public:
    void add(const QString &entry)
    {
        QMutexLocker lock(&m_mutex);
        m_entries.append(entry);
    }
    QStringList entries() const
    {
        QMutexLocker lock(&m_mutex);
        return m_entries;
    }
    qsizetype count(const QString &entry) const
    {
        QMutexLocker lock(&m_mutex);
        return m_entries.count(entry);
    }

private:
    mutable QMutex m_mutex;
    QStringList m_entries;
};

// A running QThread with the dispatcher installed, and a context object living there (what a
// test creates on the thread is parented to it, and deleted on the thread at the end).
class DispatcherThread
{
public:
    DispatcherThread()
    {
        m_dispatcher = new EpollEventDispatcher;
        m_thread.setEventDispatcher(m_dispatcher);
        m_thread.start();
        m_context = new QObject;
        m_context->moveToThread(&m_thread);
    }
    ~DispatcherThread()
    {
        if (m_thread.isRunning()) {
            run([this] { delete m_context; });
            m_thread.quit();
            m_thread.wait();
        } else {
            delete m_context; // the thread quit by itself
        }
    }

    // Runs `body` on the thread and waits for it.
    void run(const std::function<void()> &body)
    {
        QMetaObject::invokeMethod(m_context, body, Qt::BlockingQueuedConnection);
    }
    QObject *context() const { return m_context; }
    QThread &thread() { return m_thread; }
    EpollEventDispatcher *dispatcher() const { return m_dispatcher; }

private:
    QThread m_thread;
    EpollEventDispatcher *m_dispatcher;
    QObject *m_context;
};

struct SocketPair
{
    SocketPair() { ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fd); }
    ~SocketPair()
    {
        closeEnd(0);
        closeEnd(1);
    }
    void closeEnd(int end)
    {
        if (fd[end] >= 0)
            ::close(fd[end]);
        fd[end] = -1;
    }
    void send(int end, QByteArrayView data = "x")
    {
        (void)::write(fd[end], data.data(), data.size());
    }
    QByteArray receive(int end)
    {
        char buffer[256];
        const ssize_t n = ::read(fd[end], buffer, sizeof buffer);
        return n > 0 ? QByteArray(buffer, n) : QByteArray();
    }

    int fd[2] = {-1, -1};
};

// Counts the socket events delivered to the objects it filters.
class SocketEventCounter : public QObject
{
public:
    std::atomic<int> events = 0;

protected:
    bool eventFilter(QObject *, QEvent *event) override
    {
        if (event->type() == QEvent::SockAct)
            ++events;
        return false;
    }
};

// A timer driven by QObject::startTimer, to reach the dispatcher's timer API directly.
class TimerTarget : public QObject
{
public:
    std::function<void(int id)> onTimer;

protected:
    void timerEvent(QTimerEvent *event) override { onTimer(event->timerId()); }
};

} // namespace

class TestEpollDispatcher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readNotifier()
    {
        DispatcherThread t;
        SocketPair pair;
        Log log;
        std::atomic<QThread *> activatedOn = nullptr;
        t.run([&] {
            auto *notifier = new QSocketNotifier(pair.fd[0], QSocketNotifier::Read, t.context());
            connect(notifier, &QSocketNotifier::activated, notifier, [&] {
                activatedOn = QThread::currentThread();
                log.add(QString::fromLatin1(pair.receive(0)));
            });
        });
        pair.send(1, "hello");
        QTRY_COMPARE_WITH_TIMEOUT(log.entries(), QStringList{"hello"}, kWaitMs);
        QCOMPARE(activatedOn.load(), &t.thread());
        pair.send(1, "again");
        QTRY_COMPARE_WITH_TIMEOUT(log.entries(), (QStringList{"hello", "again"}), kWaitMs);
    }

    void readinessNotifierIsCalledWithoutAnEvent()
    {
        // The engine's own notifier skips Qt's event delivery: its function is called, and
        // an event filter on it sees nothing.
        DispatcherThread t;
        SocketPair pair;
        Log log;
        SocketEventCounter *counter = nullptr; // on the thread, as filters must be
        t.run([&] {
            counter = new SocketEventCounter;
            counter->setParent(t.context());
            auto *notifier = new ReadinessNotifier(
                pair.fd[0], QSocketNotifier::Read,
                [&] { log.add(QString::fromLatin1(pair.receive(0))); }, t.context());
            notifier->installEventFilter(counter);
        });
        pair.send(1, "hello");
        QTRY_COMPARE_WITH_TIMEOUT(log.entries(), QStringList{"hello"}, kWaitMs);
        QCOMPARE(counter->events.load(), 0);
    }

    void readinessNotifierWorksUnderQtsDispatcher()
    {
        // On a thread with Qt's own dispatcher it is an ordinary notifier: an event, then the
        // same function.
        SocketPair pair;
        QStringList log;
        SocketEventCounter counter;
        ReadinessNotifier notifier(
            pair.fd[0], QSocketNotifier::Read,
            [&] { log.append(QString::fromLatin1(pair.receive(0))); }, nullptr);
        notifier.installEventFilter(&counter);
        pair.send(1, "hello");
        QTRY_COMPARE_WITH_TIMEOUT(log, QStringList{"hello"}, kWaitMs);
        QCOMPARE(counter.events.load(), 1);
    }

    void notifiersAreLevelTriggered()
    {
        DispatcherThread t;
        SocketPair pair;
        std::atomic<int> activations = 0;
        t.run([&] {
            auto *notifier = new QSocketNotifier(pair.fd[0], QSocketNotifier::Read, t.context());
            // Never reads: the data stays, so the notifier must keep firing.
            connect(notifier, &QSocketNotifier::activated, notifier, [&, notifier] {
                if (++activations == 3)
                    notifier->setEnabled(false);
            });
        });
        pair.send(1);
        QTRY_COMPARE_WITH_TIMEOUT(activations.load(), 3, kWaitMs);
        t.run([] {}); // a round after disabling
        QCOMPARE(activations.load(), 3);
    }

    void hangUpActivatesRead()
    {
        DispatcherThread t;
        int fds[2];
        QCOMPARE(::pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
        std::atomic<int> activations = 0;
        t.run([&] {
            auto *notifier = new QSocketNotifier(fds[0], QSocketNotifier::Read, t.context());
            connect(notifier, &QSocketNotifier::activated, notifier, [&, notifier] {
                ++activations;
                notifier->setEnabled(false);
            });
        });
        ::close(fds[1]); // a pipe's reader then sees EPOLLHUP alone
        QTRY_COMPARE_WITH_TIMEOUT(activations.load(), 1, kWaitMs);
        t.run([&] { delete t.context()->findChild<QSocketNotifier *>(); });
        ::close(fds[0]);
    }

    void writeNotifier()
    {
        DispatcherThread t;
        SocketPair pair;
        std::atomic<int> activations = 0;
        t.run([&] {
            auto *notifier = new QSocketNotifier(pair.fd[0], QSocketNotifier::Write, t.context());
            connect(notifier, &QSocketNotifier::activated, notifier, [&, notifier] {
                notifier->setEnabled(false);
                pair.send(0, "from-write-notifier");
                ++activations;
            });
        });
        QTRY_COMPARE_WITH_TIMEOUT(activations.load(), 1, kWaitMs);
        QCOMPARE(pair.receive(1), QByteArray("from-write-notifier"));
    }

    void readAndWriteOnOneDescriptor()
    {
        DispatcherThread t;
        SocketPair pair;
        Log log;
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
        t.run([&] {
            read = new QSocketNotifier(pair.fd[0], QSocketNotifier::Read, t.context());
            write = new QSocketNotifier(pair.fd[0], QSocketNotifier::Write, t.context());
            connect(read, &QSocketNotifier::activated, read,
                    [&] { log.add("R:" + QString::fromLatin1(pair.receive(0))); });
            connect(write, &QSocketNotifier::activated, write, [&] {
                log.add("W");
                write->setEnabled(false);
            });
        });
        // Writable at once; the read notifier stays quiet until there is something to read.
        QTRY_COMPARE_WITH_TIMEOUT(log.entries(), QStringList{"W"}, kWaitMs);
        pair.send(1, "a");
        QTRY_COMPARE_WITH_TIMEOUT(log.entries(), (QStringList{"W", "R:a"}), kWaitMs);
        // Writing again, then without the read notifier: the descriptor's mask follows each change.
        t.run([&] { write->setEnabled(true); });
        QTRY_COMPARE_WITH_TIMEOUT(log.count("W"), 2, kWaitMs);
        t.run([&] {
            delete read;
            write->setEnabled(true);
        });
        QTRY_COMPARE_WITH_TIMEOUT(log.count("W"), 3, kWaitMs);
        pair.send(1, "b");
        t.run([&] {
            read = new QSocketNotifier(pair.fd[0], QSocketNotifier::Read, t.context());
            connect(read, &QSocketNotifier::activated, read,
                    [&] { log.add("R:" + QString::fromLatin1(pair.receive(0))); });
        });
        QTRY_COMPARE_WITH_TIMEOUT(log.count("R:b"), 1, kWaitMs);
        QCOMPARE(log.count("W"), 3);
    }

    // Changes reach the epoll set before the next wait: only the last state counts.
    void toggledWithinOneRound()
    {
        DispatcherThread t;
        SocketPair pair;
        Log log;
        t.run([&] {
            auto *read = new QSocketNotifier(pair.fd[0], QSocketNotifier::Read, t.context());
            auto *write = new QSocketNotifier(pair.fd[0], QSocketNotifier::Write, t.context());
            connect(read, &QSocketNotifier::activated, read, [&, read] {
                log.add("R");
                read->setEnabled(false);
            });
            connect(write, &QSocketNotifier::activated, write, [&] { log.add("W"); });
            write->setEnabled(false); // created enabled; never waited on
            read->setEnabled(false);
            read->setEnabled(true);
            write->setEnabled(true);
            write->setEnabled(false);
            pair.send(1);
            QMetaObject::invokeMethod(
                t.context(), [&] { log.add("next round"); }, Qt::QueuedConnection);
        });
        QTRY_VERIFY_WITH_TIMEOUT(log.count("R") == 1 && log.count("next round") == 1, kWaitMs);
        t.run([] {});
        QCOMPARE(log.count("W"), 0);
    }

    // What a worker does all day: a connection's notifiers go, its descriptor is closed, and a
    // new connection gets the same number and notifiers of the same kind, all in one round.
    void descriptorReusedWithinOneRound()
    {
        DispatcherThread t;
        auto *old = new SocketPair;
        SocketPair *fresh = nullptr;
        std::atomic<int> activations = 0;
        t.run([&] { new QSocketNotifier(old->fd[0], QSocketNotifier::Read, t.context()); });
        t.run([] {}); // watched for a round
        const int number = old->fd[0];
        t.run([&] {
            delete t.context()->findChild<QSocketNotifier *>();
            old->closeEnd(0);
            fresh = new SocketPair;
            auto *notifier = new QSocketNotifier(fresh->fd[0], QSocketNotifier::Read, t.context());
            connect(notifier, &QSocketNotifier::activated, notifier, [&, notifier] {
                ++activations;
                notifier->setEnabled(false);
            });
        });
        if (fresh->fd[0] != number)
            qWarning("descriptor number not reused; the case was not exercised");
        fresh->send(1);
        QTRY_COMPARE_WITH_TIMEOUT(activations.load(), 1, kWaitMs);
        t.run([&] { qDeleteAll(t.context()->findChildren<QSocketNotifier *>()); });
        delete old;
        delete fresh;
    }

    // Closing a descriptor with its notifier still enabled drops it from the epoll set behind
    // the dispatcher's back; a notifier on the reused number must still work.
    void descriptorClosedWithNotifierEnabled()
    {
        DispatcherThread t;
        auto *old = new SocketPair;
        SocketPair *fresh = nullptr;
        std::atomic<int> activations = 0;
        QSocketNotifier *stale = nullptr;
        t.run([&] { stale = new QSocketNotifier(old->fd[0], QSocketNotifier::Read, t.context()); });
        const int number = old->fd[0];
        t.run([&] {
            old->closeEnd(0);
            fresh = new SocketPair;
        });
        if (fresh->fd[0] == number) {
            QTest::ignoreMessage(QtWarningMsg, QRegularExpression("multiple socket notifiers"));
        }
        t.run([&] {
            auto *notifier = new QSocketNotifier(fresh->fd[0], QSocketNotifier::Read, t.context());
            connect(notifier, &QSocketNotifier::activated, notifier, [&, notifier] {
                ++activations;
                notifier->setEnabled(false);
            });
        });
        fresh->send(1);
        QTRY_COMPARE_WITH_TIMEOUT(activations.load(), 1, kWaitMs);
        t.run([&] { qDeleteAll(t.context()->findChildren<QSocketNotifier *>()); });
        delete old;
        delete fresh;
    }

    void notifierDeletedByAnotherInSameBatch()
    {
        DispatcherThread t;
        constexpr int kPairs = 6;
        SocketPair pairs[kPairs];
        std::atomic<int> activations = 0;
        std::atomic<bool> batchDone = false;
        t.run([&] {
            auto *notifiers = new QList<QPointer<QSocketNotifier>>;
            for (SocketPair &pair : pairs) {
                auto *notifier =
                    new QSocketNotifier(pair.fd[0], QSocketNotifier::Read, t.context());
                notifiers->append(notifier);
                connect(notifier, &QSocketNotifier::activated, notifier, [&, notifiers, notifier] {
                    ++activations;
                    // Whichever comes first deletes the others, all of them ready in this batch.
                    for (const QPointer<QSocketNotifier> &other : *notifiers) {
                        if (other && other != notifier)
                            delete other.data();
                    }
                    notifier->setEnabled(false);
                    QMetaObject::invokeMethod(
                        t.context(), [&] { batchDone = true; }, Qt::QueuedConnection);
                });
            }
            connect(t.context(), &QObject::destroyed, [notifiers] { delete notifiers; });
            // All ready before the thread waits again.
            for (SocketPair &pair : pairs)
                pair.send(1);
        });
        QTRY_VERIFY_WITH_TIMEOUT(batchDone.load(), kWaitMs);
        t.run([] {});
        QCOMPARE(activations.load(), 1);
    }

    void notifierDisabledByAnotherInSameBatch()
    {
        DispatcherThread t;
        SocketPair first, second;
        Log log;
        QSocketNotifier *a = nullptr;
        QSocketNotifier *b = nullptr;
        t.run([&] {
            a = new QSocketNotifier(first.fd[0], QSocketNotifier::Read, t.context());
            b = new QSocketNotifier(second.fd[0], QSocketNotifier::Read, t.context());
            // Each disables the other and itself: exactly one of them runs in the batch.
            connect(a, &QSocketNotifier::activated, a, [&] {
                log.add("a");
                a->setEnabled(false);
                b->setEnabled(false);
            });
            connect(b, &QSocketNotifier::activated, b, [&] {
                log.add("b");
                a->setEnabled(false);
                b->setEnabled(false);
            });
            first.send(1);
            second.send(1);
        });
        QTRY_COMPARE_WITH_TIMEOUT(log.entries().size(), 1, kWaitMs);
        t.run([] {});
        QCOMPARE(log.entries().size(), 1);
        // Enabled again, both still have data: both fire.
        t.run([&] {
            a->disconnect();
            b->disconnect();
            for (QSocketNotifier *n : {a, b}) {
                connect(n, &QSocketNotifier::activated, n, [&log, n, a = a] {
                    log.add(n == a ? "a2" : "b2");
                    n->setEnabled(false);
                });
                n->setEnabled(true);
            }
        });
        QTRY_COMPARE_WITH_TIMEOUT(log.entries().size(), 3, kWaitMs);
        QCOMPARE(log.count("a2"), 1);
        QCOMPARE(log.count("b2"), 1);
    }

    // A descriptor closed in the batch and its number reused at once: the new notifier must not
    // get the old descriptor's event (for a connecting socket, a stale "writable" would look
    // like a finished connect).
    void reusedDescriptorInSameBatch()
    {
        DispatcherThread t;
        SocketPair first, second;
        Log log;
        std::atomic<bool> batchDone = false;
        SocketPair *replacement = nullptr;
        t.run([&] {
            auto *a = new QSocketNotifier(first.fd[0], QSocketNotifier::Read, t.context());
            auto *b = new QSocketNotifier(second.fd[0], QSocketNotifier::Read, t.context());
            // Replaces the other one by a fresh descriptor, with the same number (the lowest
            // free) and nothing to read, and a read notifier on it.
            auto replaceOther = [&](QSocketNotifier *self, QSocketNotifier *other,
                                    SocketPair &otherPair) {
                log.add("old");
                self->setEnabled(false);
                const int number = int(other->socket());
                delete other;
                otherPair.closeEnd(0);
                replacement = new SocketPair;
                log.add(replacement->fd[0] == number ? "reused" : "not-reused");
                auto *fresh =
                    new QSocketNotifier(replacement->fd[0], QSocketNotifier::Read, t.context());
                connect(fresh, &QSocketNotifier::activated, fresh, [&] { log.add("fresh"); });
                QMetaObject::invokeMethod(
                    t.context(), [&] { batchDone = true; }, Qt::QueuedConnection);
            };
            connect(a, &QSocketNotifier::activated, a,
                    [=, &second] { replaceOther(a, b, second); });
            connect(b, &QSocketNotifier::activated, b, [=, &first] { replaceOther(b, a, first); });
            first.send(1);
            second.send(1);
        });
        QTRY_VERIFY_WITH_TIMEOUT(batchDone.load(), kWaitMs);
        t.run([] {});
        QCOMPARE(log.count("old"), 1);
        QCOMPARE(log.count("fresh"), 0);
        if (log.count("reused") == 0)
            qWarning("descriptor number not reused; the stale-event case was not exercised");
        t.run([&] { qDeleteAll(t.context()->findChildren<QSocketNotifier *>()); });
        delete replacement;
    }

    void timersFireInDeadlineOrder()
    {
        DispatcherThread t;
        Log log;
        QElapsedTimer clock;
        std::atomic<qint64> elapsed[3] = {0, 0, 0};
        t.run([&] {
            clock.start();
            const int intervals[3] = {300, 100, 200};
            for (int i = 0; i < 3; ++i) {
                QTimer::singleShot(intervals[i], Qt::PreciseTimer, t.context(), [&, i] {
                    elapsed[i] = clock.elapsed();
                    log.add(QString::number(i));
                });
            }
        });
        QTRY_COMPARE_WITH_TIMEOUT(log.entries(), (QStringList{"1", "2", "0"}), kWaitMs);
        // Never early (a millisecond's rounding allowed); late only by the machine's mood.
        QVERIFY2(elapsed[1] >= 99, qPrintable(QString::number(elapsed[1])));
        QVERIFY2(elapsed[2] >= 199, qPrintable(QString::number(elapsed[2])));
        QVERIFY2(elapsed[0] >= 299, qPrintable(QString::number(elapsed[0])));
        QVERIFY(elapsed[0] < kWaitMs);
    }

    void repeatingTimerStoppedFromItsCallback()
    {
        DispatcherThread t;
        std::atomic<int> fired = 0;
        std::atomic<qint64> elapsedMs = 0;
        std::atomic<bool> later = false;
        t.run([&] {
            auto *timer = new QTimer(t.context());
            timer->setTimerType(Qt::CoarseTimer);
            timer->setInterval(20);
            auto *clock = new QElapsedTimer;
            clock->start();
            connect(timer, &QTimer::timeout, timer, [&, timer, clock] {
                if (++fired == 5) {
                    timer->stop();
                    elapsedMs = clock->elapsed();
                    delete clock;
                    QTimer::singleShot(100, t.context(), [&] { later = true; });
                }
            });
            timer->start();
        });
        QTRY_VERIFY_WITH_TIMEOUT(later.load(), kWaitMs);
        QCOMPARE(fired.load(), 5);
        QVERIFY2(elapsedMs >= 99, qPrintable(QString::number(elapsedMs)));
    }

    void timerKilledByAnotherTimer()
    {
        DispatcherThread t;
        Log log;
        TimerTarget *target = nullptr;
        t.run([&] {
            target = new TimerTarget;
            target->setParent(t.context());
            // Same interval, started back to back: due in the same round, first one first.
            const int first = target->startTimer(50, Qt::PreciseTimer);
            const int second = target->startTimer(50, Qt::PreciseTimer);
            const int third = target->startTimer(150, Qt::PreciseTimer);
            target->onTimer = [&log, target, first, second, third](int id) {
                if (id == first) {
                    log.add("first");
                    target->killTimer(first);
                    target->killTimer(second);
                } else if (id == third) {
                    log.add("third");
                    target->killTimer(third);
                } else {
                    log.add("second");
                }
            };
        });
        QTRY_COMPARE_WITH_TIMEOUT(log.entries(), (QStringList{"first", "third"}), kWaitMs);
    }

    void timerApi()
    {
        DispatcherThread t;
        std::atomic<int> remaining = -2;
        std::atomic<int> registered = -1;
        std::atomic<int> afterKill = -2;
        std::atomic<bool> unknownFalse = false;
        t.run([&] {
            auto *target = new TimerTarget;
            target->setParent(t.context());
            target->onTimer = [](int) {};
            const int id = target->startTimer(1000);
            target->startTimer(5000, Qt::VeryCoarseTimer);
            remaining = t.dispatcher()->remainingTime(id);
            registered = int(t.dispatcher()->registeredTimers(target).size());
            target->killTimer(id);
            afterKill = t.dispatcher()->remainingTime(id);
            unknownFalse = !t.dispatcher()->unregisterTimer(id);
        });
        QVERIFY2(remaining > 0 && remaining <= 1000, qPrintable(QString::number(remaining)));
        QCOMPARE(registered.load(), 2);
        QCOMPARE(afterKill.load(), -1);
        QVERIFY(unknownFalse.load());
    }

    // moveToThread asks the old dispatcher for the object's timers and re-registers them.
    void timerFollowsObjectToAnotherThread()
    {
        DispatcherThread from, to;
        std::atomic<QThread *> firedOn = nullptr;
        std::atomic<int> fired = 0;
        TimerTarget *target = nullptr;
        from.run([&] {
            target = new TimerTarget;
            target->onTimer = [&](int) {
                firedOn = QThread::currentThread();
                ++fired;
            };
            target->startTimer(10);
        });
        from.run([&] { target->moveToThread(&to.thread()); });
        const int before = fired;
        QTRY_VERIFY_WITH_TIMEOUT(fired > before && firedOn == &to.thread(), kWaitMs);
        to.run([&] { delete target; });
    }

    // Interval 0 timers run on every round, but the sockets still get theirs.
    void zeroTimerDoesNotStarveSockets()
    {
        DispatcherThread t;
        SocketPair pair;
        std::atomic<int> spins = 0;
        std::atomic<bool> read = false;
        QTimer *zero = nullptr;
        t.run([&] {
            zero = new QTimer(t.context());
            zero->setInterval(0);
            connect(zero, &QTimer::timeout, zero, [&] { ++spins; });
            zero->start();
            auto *notifier = new QSocketNotifier(pair.fd[0], QSocketNotifier::Read, t.context());
            connect(notifier, &QSocketNotifier::activated, notifier, [&] {
                pair.receive(0);
                read = true;
            });
        });
        QTRY_VERIFY_WITH_TIMEOUT(spins > 10, kWaitMs);
        pair.send(1);
        QTRY_VERIFY_WITH_TIMEOUT(read.load(), kWaitMs);
        // Posted events too.
        std::atomic<bool> queued = false;
        QMetaObject::invokeMethod(
            t.context(), [&] { queued = true; }, Qt::QueuedConnection);
        QTRY_VERIFY_WITH_TIMEOUT(queued.load(), kWaitMs);
        t.run([&] { zero->stop(); });
    }

    void queuedCallsAndDeleteLater()
    {
        DispatcherThread t;
        std::atomic<QThread *> ranOn = nullptr;
        QMetaObject::invokeMethod(
            t.context(), [&] { ranOn = QThread::currentThread(); }, Qt::QueuedConnection);
        QTRY_COMPARE_WITH_TIMEOUT(ranOn.load(), &t.thread(), kWaitMs);

        // From another thread, and from the thread itself.
        std::atomic<int> destroyed = 0;
        QObject *fromOutside = nullptr;
        QObject *fromInside = nullptr;
        t.run([&] {
            fromOutside = new QObject;
            fromInside = new QObject;
            for (QObject *o : {fromOutside, fromInside})
                connect(o, &QObject::destroyed, [&] { ++destroyed; });
        });
        fromOutside->deleteLater();
        QMetaObject::invokeMethod(
            t.context(), [&] { fromInside->deleteLater(); }, Qt::QueuedConnection);
        QTRY_COMPARE_WITH_TIMEOUT(destroyed.load(), 2, kWaitMs);
    }

    // Each call posts the next from inside the posted-event pass, which leaves it for the next
    // round: the thread must not block in between (nothing else would wake it).
    void chainOfPostedCallsDoesNotStall()
    {
        DispatcherThread t;
        std::atomic<int> calls = 0;
        std::function<void()> step = [&] {
            if (++calls < 10000)
                QMetaObject::invokeMethod(t.context(), step, Qt::QueuedConnection);
        };
        QMetaObject::invokeMethod(t.context(), step, Qt::QueuedConnection);
        QTRY_COMPARE_WITH_TIMEOUT(calls.load(), 10000, kWaitMs);
    }

    void quitAndWaitArePrompt()
    {
        // Idle (no timer at all): the thread is blocked in epoll_wait without a timeout.
        for (int i = 0; i < 20; ++i) {
            auto *dispatcher = new EpollEventDispatcher;
            QThread thread;
            thread.setEventDispatcher(dispatcher);
            thread.start();
            QVERIFY(QTest::qWaitFor([&] { return thread.isRunning(); }, kWaitMs));
            if (i % 2)
                QThread::msleep(5); // sometimes already waiting, sometimes not yet
            QElapsedTimer clock;
            clock.start();
            thread.quit();
            QVERIFY(thread.wait(kWaitMs));
            QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
        }
        // And from inside.
        DispatcherThread t;
        QMetaObject::invokeMethod(
            t.context(), [] { QThread::currentThread()->quit(); }, Qt::QueuedConnection);
        QVERIFY(t.thread().wait(kWaitMs));
    }

    void wakeUpFromAnotherThread()
    {
        DispatcherThread t;
        std::atomic<int> awake = 0;
        std::atomic<int> aboutToBlock = 0;
        t.run([&] {
            connect(
                t.dispatcher(), &QAbstractEventDispatcher::awake, t.context(), [&] { ++awake; },
                Qt::DirectConnection);
            connect(
                t.dispatcher(), &QAbstractEventDispatcher::aboutToBlock, t.context(),
                [&] { ++aboutToBlock; }, Qt::DirectConnection);
        });
        // Idle, so blocked: each wake-up is one more round.
        QTRY_VERIFY_WITH_TIMEOUT(aboutToBlock > 0, kWaitMs);
        for (int i = 0; i < 5; ++i) {
            const int before = awake;
            t.dispatcher()->wakeUp();
            QTRY_VERIFY_WITH_TIMEOUT(awake > before, kWaitMs);
        }
    }

    // processEvents itself: not waiting unless asked, interrupt, notifiers excluded.
    void processEventsFlags()
    {
        DispatcherThread t;
        SocketPair pair;
        std::atomic<qint64> noWaitMs = -1;
        std::atomic<int> activations = 0;
        std::atomic<bool> activatedWhileExcluded = true;
        t.run([&] {
            QElapsedTimer clock;
            clock.start();
            t.dispatcher()->processEvents(QEventLoop::AllEvents);
            noWaitMs = clock.elapsed();

            auto *notifier = new QSocketNotifier(pair.fd[0], QSocketNotifier::Read, t.context());
            connect(notifier, &QSocketNotifier::activated, notifier, [&] { ++activations; });
            pair.send(1);
            t.dispatcher()->processEvents(QEventLoop::ExcludeSocketNotifiers);
            activatedWhileExcluded = activations > 0;
            t.dispatcher()->processEvents(QEventLoop::AllEvents);
            pair.receive(0);
        });
        QVERIFY2(noWaitMs >= 0 && noWaitMs < 5000, qPrintable(QString::number(noWaitMs)));
        QVERIFY(!activatedWhileExcluded);
        QCOMPARE(activations.load(), 1);

        // A waiting processEvents returns when interrupted from another thread.
        std::atomic<bool> waiting = false;
        std::atomic<bool> returned = false;
        QMetaObject::invokeMethod(
            t.context(),
            [&] {
                waiting = true;
                t.dispatcher()->processEvents(QEventLoop::WaitForMoreEvents);
                returned = true;
            },
            Qt::QueuedConnection);
        QTRY_VERIFY_WITH_TIMEOUT(waiting.load(), kWaitMs);
        QThread::msleep(20);
        t.dispatcher()->interrupt();
        QTRY_VERIFY_WITH_TIMEOUT(returned.load(), kWaitMs);
    }
};

QTEST_GUILESS_MAIN(TestEpollDispatcher)
#include "tst_epoll_dispatcher.moc"
