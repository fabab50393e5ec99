#pragma once

#include <QMutex>
#include <QObject>

#include <functional>
#include <memory>

namespace portico {

// Runs code on one thread on behalf of others (a JWKS fetch finishing for a paused request),
// safely even when that thread's owner goes away first: a closed mailbox drops what comes.
// Shared as std::shared_ptr; senders keep a weak_ptr and post through it.
class ThreadMailbox : public std::enable_shared_from_this<ThreadMailbox>
{
public:
    explicit ThreadMailbox(QObject *receiver) : m_receiver(receiver) {}

    // Queues `work` to run on the receiver's thread; false when the mailbox is closed.
    bool post(std::function<void()> work)
    {
        QMutexLocker lock(&m_mutex);
        if (!m_receiver)
            return false;
        return QMetaObject::invokeMethod(m_receiver, std::move(work), Qt::QueuedConnection);
    }

    // Called by the receiver's owner before it is destroyed; nothing is delivered afterwards.
    void close()
    {
        QMutexLocker lock(&m_mutex);
        m_receiver = nullptr;
    }

private:
    QMutex m_mutex;
    QObject *m_receiver;
};

// Posts through a weak reference: nothing happens when the mailbox is gone.
inline bool postTo(const std::weak_ptr<ThreadMailbox> &mailbox, std::function<void()> work)
{
    const std::shared_ptr<ThreadMailbox> box = mailbox.lock();
    return box && box->post(std::move(work));
}

} // namespace portico
