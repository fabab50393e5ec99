#pragma once

#include "net/ReadinessNotifier.h"

#include <functional>

namespace portico {

// The read and write notifiers of a stream's descriptor (TcpStream, TlsStream): created with
// reading on and writing off, switched by the stream, retired when it closes the descriptor.
// Switching a retired (or never started) watch does nothing.
class SocketWatch
{
public:
    void start(int fd, QObject *owner, std::function<void()> onReadable,
               std::function<void()> onWritable)
    {
        m_read = new ReadinessNotifier(fd, QSocketNotifier::Read, std::move(onReadable), owner);
        m_write = new ReadinessNotifier(fd, QSocketNotifier::Write, std::move(onWritable), owner);
        m_write->setEnabled(false);
    }
    void setReading(bool on)
    {
        if (m_read)
            m_read->setEnabled(on);
    }
    void setWriting(bool on)
    {
        if (m_write)
            m_write->setEnabled(on);
    }
    // Before the descriptor is closed. Deleted later: this may run inside their own activation.
    void retire()
    {
        for (QSocketNotifier *notifier : {m_read, m_write}) {
            if (notifier) {
                notifier->setEnabled(false);
                notifier->deleteLater();
            }
        }
        m_read = m_write = nullptr;
    }

private:
    ReadinessNotifier *m_read = nullptr;
    ReadinessNotifier *m_write = nullptr;
};

} // namespace portico
