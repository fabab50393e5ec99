#pragma once

// Internals of TestBackend: shared state, the server and one connection. Everything here but
// BackendState lives on the backend's thread.

#include "TestBackend.h"
#include "http/HttpParser.h"

#include <QCryptographicHash>
#include <QMutex>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace portico::test {

struct BackendState
{
    mutable QMutex mutex;
    QString name;
    bool keepAlive = true;
    QList<BackendRequest> requests;
    quint64 generation = 0; // bumped by clear(), so stale record indexes are not written
    int connections = 0;
    int openConnections = 0;
};

class BackendServer : public QTcpServer
{
    Q_OBJECT
public:
    explicit BackendServer(std::shared_ptr<BackendState> state);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    std::shared_ptr<BackendState> m_state;
};

class BackendConnection : public QObject, private HttpParserListener
{
    Q_OBJECT
public:
    BackendConnection(qintptr descriptor, int number, std::shared_ptr<BackendState> state,
                      QObject *parent);
    ~BackendConnection() override;

private:
    enum class Route { Json, Echo, Bytes, Sink, Delay, Status, Close, Reset, Hang, Headers };
    enum class Streaming { None, Bytes };

    Action onRequestHead(RequestHead &head) override;
    Action onBody(QByteArrayView data) override;
    Action onMessageComplete() override;

    void readInput();
    void resumeParser();
    void onBytesWritten();
    QString backendName() const;
    QByteArray infoJson() const;
    void respond();
    void sendHead(int status, HeaderMap headers, qint64 contentLength, bool chunked);
    void sendSimple(int status, const QByteArray &json);
    void writeBytesBody();
    void responseDone();
    void failRequest(int status, const QByteArray &message);
    void updateRecord();
    bool congested() const;

    std::shared_ptr<BackendState> m_state;
    QTcpSocket *m_socket;
    HttpParser m_parser;
    int m_number;
    QByteArray m_input;
    bool m_paused = false;    // the parser waits for the current response
    bool m_drainWait = false; // a body callback paused for the client to read
    bool m_closing = false;
    bool m_reading = false;        // readInput() is on the stack
    bool m_mustFeed = false;       // feed even with no input: callbacks may be pending
    bool m_pendingRespond = false; // a request completed; answer it once feed() returns

    // The request being handled.
    RequestHead m_head;
    Route m_route = Route::Json;
    int m_recordIndex = -1;
    quint64 m_recordGeneration = 0;
    qint64 m_bodySize = 0;
    QByteArray m_bodyStart;
    QCryptographicHash m_bodyHash{QCryptographicHash::Sha256};
    bool m_keepAlive = true;
    bool m_isHead = false;
    bool m_echoChunked = false;
    bool m_headSent = false;

    // A /bytes response in progress.
    Streaming m_streaming = Streaming::None;
    qint64 m_bytesTotal = 0;
    qint64 m_bytesSent = 0;
    bool m_bytesChunked = false;
    bool m_bytesClose = false;
    QTimer m_delayTimer;
};

} // namespace portico::test
