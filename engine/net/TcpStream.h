#pragma once

#include "net/ByteStream.h"
#include "net/SocketWatch.h"

#include <QByteArray>
#include <QObject>

namespace portico {


// Plain TCP on a non-blocking descriptor, driven by socket notifiers of the owning thread. It
// skips QTcpSocket's read buffer, its FIONREAD calls and its signal hops, which were most of
// the gateway's per-request overhead.
class TcpStream final : public QObject, public ByteStream
{
    Q_OBJECT
public:
    // An accepted, connected descriptor.
    explicit TcpStream(qintptr descriptor, QObject *parent = nullptr);
    // Not connected yet: call connectTo().
    explicit TcpStream(QObject *parent = nullptr);
    ~TcpStream() override;

    // Starts a non-blocking connect; onStreamConnected or onStreamClosed(Refused/Other) follows.
    void connectTo(const QHostAddress &address, quint16 port);

    void setHandler(ByteStreamHandler *handler) override { m_handler = handler; }
    qint64 read(char *buffer, qint64 capacity) override;
    bool write(QByteArrayView data) override;
    qint64 bytesToWrite() const override { return m_out.size() - m_outPos; }
    void setReadEnabled(bool enabled) override;
    bool closeWhenFlushed() override;
    void shutdownWrite() override;
    void abort() override;
    bool isOpen() const override { return m_fd >= 0; }
    bool isConnected() const override { return m_fd >= 0 && !m_connecting; }
    QHostAddress peerAddress() const override;
    quint16 peerPort() const override;

private:
    void setUp(int fd);
    void onReadActivated();
    void onWriteActivated();
    // Sends from the queue; false when the stream failed.
    bool flushQueue();
    void closeDescriptor();
    void fail(StreamError error);

    int m_fd = -1;
    SocketWatch m_watch;
    ByteStreamHandler *m_handler = nullptr;
    QByteArray m_out;
    qsizetype m_outPos = 0;
    bool m_connecting = false;
    bool m_closeWhenFlushed = false;
    bool m_readEnabled = true;
    bool m_readEnded = false;     // end of stream or error seen by read()
    bool m_shutdownPending = false;
    bool m_failurePending = false; // a failed write is reported from the event loop
};

} // namespace portico
