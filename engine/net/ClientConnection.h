#pragma once

#include "http/HttpParser.h"
#include "net/ByteStream.h"
#include "net/Deadline.h"
#include "observe/CaptureDraft.h"
#include "policy/RequestContext.h"
#include "policy/auth/AuthMemo.h"
#include "proxy/DownstreamSink.h"

#include <QObject>

#include <memory>
#include <vector>

namespace portico {

class ProxyExchange;
class Worker;

// One client connection on its worker thread: parses requests with llhttp, runs each through
// routing and the route's policies, hands it to a ProxyExchange and writes the answer back.
// Requests are served one at a time; pipelined ones wait, unread, in the socket buffer, so their
// responses go out in order and read-ahead stays bounded. The connection speaks to a ByteStream
// (plain TCP or TLS). Its answering half (response heads and bodies, local replies, counting
// and capture of each answer) is in ClientResponse.cpp.
class ClientConnection : public QObject,
                         private HttpParserListener,
                         private DownstreamSink,
                         private ByteStreamHandler
{
    Q_OBJECT
public:
    ClientConnection(std::unique_ptr<ByteStream> stream, Worker *worker);
    ~ClientConnection() override;

    // Shutting down: close now when idle, otherwise right after the current response.
    void closeWhenIdle();
    bool isIdle() const;
    // Called by the worker's sweep: header, idle and upstream timeouts.
    void checkTimeouts(qint64 nowMs);

Q_SIGNALS:
    void closed(portico::ClientConnection *connection);

private:
    // What stops the input loop until some event continues it.
    enum class Wait {
        None,
        Dispatch,     // a request head arrived and is being routed (policies may pause)
        UpstreamDrain, // the upstream has too much request body queued
        Response,     // the request is read; its response is still being written
    };

    // Why the parser paused, set by the callback that paused it.
    enum class Pause { None, HeadParsed, BodyTooLarge, UpstreamCongested, MessageComplete };

    void onReadyRead();
    // Parses kept input, then (when `socketReadable`) what the stream has.
    void processInput(bool socketReadable = false);
    void handlePause();
    void dispatchRequest();
    void startProxy();
    void rejectRequest(const LocalReply &reply, bool close);
    void failProtocol(const HttpError &error);
    void completeRequest();
    // Counts the answered request in the worker's figures (status, route, consumer, latency),
    // and logs it while the access log is on.
    void countResponse();
    void retireExchange();
    bool isRestOfBodySmall() const;
    void onBytesWritten();
    void onDisconnected();
    void closeConnection();
    void closeWhenFlushed();
    void closeNow();
    void startLinger();
    void readAhead();
    void drainInput();

    // ByteStreamHandler
    void onStreamReadable() override { onReadyRead(); }
    void onStreamDrained() override { onBytesWritten(); }
    void onStreamClosed(StreamError) override { onDisconnected(); }
    void startIdleTimer();
    void writeToClient(QByteArrayView data);

    // HttpParserListener (the client's requests)
    Action onRequestHead(RequestHead &head) override;
    Action onBody(QByteArrayView data) override;
    Action onMessageComplete() override;

    // DownstreamSink
    void sendResponseHead(ResponseHead head) override;
    void sendResponseBody(QByteArrayView data) override;
    void finishResponse() override;
    void sendLocalReply(const LocalReply &reply) override;
    void abortResponse() override;
    bool isDownstreamCongested() const override;
    void onUpstreamDrained() override;
    void flush() override;

    std::unique_ptr<ByteStream> m_stream;
    Worker *m_worker;
    HttpParser m_parser;
    QHostAddress m_peerAddress;
    QByteArray m_peerIp;
    quint16 m_peerPort = 0;
    QByteArray m_tls; // the stream's TLS version and cipher, once its handshake is done
    QByteArray m_input;
    qsizetype m_inputPos = 0;
    bool m_inInputLoop = false;
    bool m_parserPaused = false;
    Pause m_pause = Pause::None;
    Wait m_wait = Wait::None;
    bool m_closeAfterResponse = false;
    bool m_lingerPending = false; // linger once the answer is flushed
    bool m_lingering = false;
    bool m_closed = false;
    bool m_emittedClosed = false;
    bool m_writeFailed = false;
    bool m_shutdownRequested = false;

    // The request being served.
    std::unique_ptr<RequestContext> m_context;
    std::shared_ptr<int> m_alive; // policies that paused check it before resuming
    bool m_requestPaused = false; // a policy paused: m_alive goes with the request
    AuthMemo m_authMemo;
    std::unique_ptr<ProxyExchange> m_exchange;
    std::vector<std::unique_ptr<ProxyExchange>> m_retired; // finished, destroyed from a new event
    bool m_requestActive = false;
    bool m_requestBodyDone = false;
    bool m_discardBody = false;   // answered locally; the body is read and dropped
    qint64 m_bodyBytes = 0;
    qint64 m_maxBodyBytes = 0;

    // The response being written; collected here and written once per batch.
    QByteArray m_out;
    bool m_responseStarted = false;
    bool m_responseDone = false;
    bool m_responseChunked = false;
    int m_responseStatus = 0;

    CaptureDraft m_capture; // what the capture keeps of the request being served

    Deadline m_headerTimer;
    Deadline m_idleTimer;
};

} // namespace portico
