#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>

namespace portico {

enum class StreamError { None, Closed, Reset, Refused, HostNotFound, Other };

// Events a stream reports from its event loop. Operations the owner calls (read, write) report
// their outcome in their return value and never call back, so no handler runs re-entrantly.
class ByteStreamHandler
{
public:
    virtual ~ByteStreamHandler() = default;
    virtual void onStreamConnected() {}
    virtual void onStreamReadable() = 0;
    // Everything queued for writing has gone out.
    virtual void onStreamDrained() = 0;
    // The stream ended outside a read or write call: a failed connect, a failed background
    // write, or a graceful close that finished. The stream is unusable afterwards.
    virtual void onStreamClosed(StreamError error) = 0;
};

// A bidirectional byte stream with a write queue: the connection abstraction the engine's
// HTTP code talks to. TcpStream is plain TCP on a raw descriptor; a TLS stream implements the
// same interface.
class ByteStream
{
public:
    static constexpr qint64 kClosed = -1;

    virtual ~ByteStream() = default;
    virtual void setHandler(ByteStreamHandler *handler) = 0;

    // Bytes read (> 0), 0 when nothing is available now, kClosed at end of stream or on error.
    virtual qint64 read(char *buffer, qint64 capacity) = 0;
    // Writes what the peer takes now and queues the rest. False when the stream failed; the
    // failure then also reaches onStreamClosed from the event loop, never from inside write().
    virtual bool write(QByteArrayView data) = 0;
    virtual qint64 bytesToWrite() const = 0;
    // Stop or resume reporting readability (while the owner cannot take more input).
    virtual void setReadEnabled(bool enabled) = 0;

    // Closes once the queue is flushed. True: closed now; false: onStreamClosed(None) follows.
    virtual bool closeWhenFlushed() = 0;
    // Ends our sending side (FIN) but keeps reading.
    virtual void shutdownWrite() = 0;
    // Closes at once, dropping the queue; no callback.
    virtual void abort() = 0;
    virtual bool isOpen() const = 0;
    virtual bool isConnected() const = 0;

    virtual QHostAddress peerAddress() const = 0;
    virtual quint16 peerPort() const = 0;
    // For TLS: "TLSv1.3 TLS_AES_128_GCM_SHA256" once the handshake is done; empty for plain TCP.
    virtual QByteArray tlsDescription() const { return {}; }
};

} // namespace portico
