#include "TcpStream.h"

#include "net/SocketPeer.h"
#include "net/TcpConnect.h"

#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace portico {

TcpStream::TcpStream(qintptr descriptor, QObject *parent)
    : QObject(parent)
{
    setUp(int(descriptor));
}

TcpStream::TcpStream(QObject *parent)
    : QObject(parent)
{
}

TcpStream::~TcpStream()
{
    closeDescriptor();
}

void TcpStream::setUp(int fd)
{
    m_fd = fd;
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    m_watch.start(fd, this, [this] { onReadActivated(); }, [this] { onWriteActivated(); });
}

void TcpStream::connectTo(const QHostAddress &address, quint16 port)
{
    Q_ASSERT(m_fd < 0);
    StreamError error = StreamError::None;
    const int fd = startTcpConnect(address, port, &error);
    if (fd < 0) {
        // Reported from the event loop, like every other connect outcome.
        QMetaObject::invokeMethod(
            this, [this, error] { fail(error); }, Qt::QueuedConnection);
        return;
    }
    setUp(fd);
    m_connecting = true;
    m_watch.setReading(false);
    // Writable once the connect finished, either way; SO_ERROR then tells which.
    m_watch.setWriting(true);
}

qint64 TcpStream::read(char *buffer, qint64 capacity)
{
    if (m_fd < 0 || m_readEnded)
        return kClosed;
    if (m_connecting)
        return 0;
    const ssize_t n = ::recv(m_fd, buffer, size_t(capacity), 0);
    if (n > 0)
        return n;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 0;
    // End of stream or an error: stop watching for input, which would otherwise stay readable.
    m_readEnded = true;
    m_watch.setReading(false);
    return kClosed;
}

bool TcpStream::write(QByteArrayView data)
{
    if (m_fd < 0)
        return false;
    if (data.isEmpty())
        return true;
    if (m_connecting || bytesToWrite() > 0) {
        m_out.append(data.data(), data.size());
        return true;
    }
    const ssize_t n = ::send(m_fd, data.data(), size_t(data.size()), MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        if (!m_failurePending) {
            m_failurePending = true;
            QMetaObject::invokeMethod(
                this,
                [this] {
                    if (m_fd >= 0)
                        fail(StreamError::Reset);
                },
                Qt::QueuedConnection);
        }
        return false;
    }
    const qsizetype sent = n > 0 ? qsizetype(n) : 0;
    if (sent < data.size()) {
        m_out.append(data.data() + sent, data.size() - sent);
        m_watch.setWriting(true);
    }
    return true;
}

bool TcpStream::flushQueue()
{
    while (bytesToWrite() > 0) {
        const ssize_t n = ::send(m_fd, m_out.constData() + m_outPos, size_t(bytesToWrite()),
                                 MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                return true;
            return false;
        }
        m_outPos += n;
    }
    m_out.clear();
    m_outPos = 0;
    m_watch.setWriting(false);
    return true;
}

void TcpStream::setReadEnabled(bool enabled)
{
    m_readEnabled = enabled;
    if (!m_connecting && !m_readEnded)
        m_watch.setReading(enabled);
}

void TcpStream::onReadActivated()
{
    if (m_handler)
        m_handler->onStreamReadable();
}

void TcpStream::onWriteActivated()
{
    if (m_connecting) {
        const StreamError error = finishedTcpConnect(m_fd);
        if (error != StreamError::None) {
            fail(error);
            return;
        }
        m_connecting = false;
        m_watch.setReading(m_readEnabled);
        m_watch.setWriting(bytesToWrite() > 0);
        if (m_handler)
            m_handler->onStreamConnected();
        return;
    }
    if (!flushQueue()) {
        fail(StreamError::Reset);
        return;
    }
    if (bytesToWrite() > 0)
        return;
    if (m_shutdownPending) {
        m_shutdownPending = false;
        ::shutdown(m_fd, SHUT_WR);
    }
    if (m_closeWhenFlushed) {
        closeDescriptor();
        if (m_handler)
            m_handler->onStreamClosed(StreamError::None);
        return;
    }
    if (m_handler)
        m_handler->onStreamDrained();
}

bool TcpStream::closeWhenFlushed()
{
    if (m_fd < 0)
        return true;
    if (bytesToWrite() == 0 && !m_connecting) {
        closeDescriptor();
        return true;
    }
    m_closeWhenFlushed = true;
    m_watch.setReading(false);
    return false;
}

void TcpStream::shutdownWrite()
{
    if (m_fd < 0)
        return;
    if (bytesToWrite() > 0)
        m_shutdownPending = true;
    else
        ::shutdown(m_fd, SHUT_WR);
}

void TcpStream::abort()
{
    closeDescriptor();
}

void TcpStream::fail(StreamError error)
{
    closeDescriptor();
    if (m_handler)
        m_handler->onStreamClosed(error);
}

void TcpStream::closeDescriptor()
{
    if (m_fd < 0)
        return;
    // Deferred: this may run inside one of their own activations.
    m_watch.retire();
    ::close(m_fd);
    m_fd = -1;
    m_connecting = false;
    m_out.clear();
    m_outPos = 0;
}

QHostAddress TcpStream::peerAddress() const
{
    return peerAddressOf(m_fd);
}

quint16 TcpStream::peerPort() const
{
    return peerPortOf(m_fd);
}

} // namespace portico
