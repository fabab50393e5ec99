#pragma once

#include "http/HeaderMap.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <memory>

class QObject;
class QThread;

namespace portico::test {

// One request as the backend received it.
struct BackendRequest
{
    QByteArray method;
    QByteArray target; // as sent, with the query
    QByteArray path;   // target without the query
    int versionMinor = 1;
    HeaderMap headers;
    qint64 bodySize = 0;
    QByteArray bodySha256; // lowercase hex of the whole body (set once complete)
    QByteArray body;       // the first 64 KiB only
    bool complete = false; // the whole request, body included, arrived
    int connection = 0;    // 1-based number of the accepted connection it came on
};

struct BackendState;
class BackendServer;

// A controllable HTTP/1.1 origin server for tests, on its own thread with its own event loop,
// listening on 127.0.0.1 with an ephemeral port. Built on portico::HttpParser; keep-alive,
// pipelining (answered in order) and "Expect: 100-continue" are handled; bodies are streamed
// in both directions with back-pressure, so memory stays bounded whatever the sizes.
//
// Behaviour by path (any method; a HEAD request gets the same head without the body):
//   /echo          200, streams the request body back: Content-Length when the request had
//                  one, chunked otherwise; Content-Type copied from the request
//   /json          200, {"ok":true,"backend":NAME,"method":...,"path":...}
//   /bytes/N       200, N bytes of pattern() in 64 KiB pieces with Content-Length;
//                  ?chunked=1 chunked; ?close=1 no length, the body ends by closing
//   /sink          reads the body (streaming), answers {"bytes":N,"sha256":"<hex>"}
//   /delay/MS      answers like /json after MS milliseconds
//   /status/CODE   answers with that status (200..599) and a small JSON body (none for
//                  204/304)
//   /close         closes the connection without answering (after reading the request)
//   /reset         aborts the connection with a TCP RST (SO_LINGER 0), no answer
//   /hang          never answers (and reads no further requests on that connection)
//   /headers       200, {"method","target","headers":{lowercase name: combined value},
//                  "raw":[[name,value],...]} of the request as received
//   anything else  like /json
// Every response carries "X-Backend: NAME" when a name is set. A request with
// "Connection: close" (or an HTTP/1.0 one without keep-alive) is answered, then the connection
// is closed. An invalid request gets a 400 and the connection is closed.
class TestBackend
{
public:
    explicit TestBackend(const QString &name = QString());
    ~TestBackend();
    TestBackend(const TestBackend &) = delete;
    TestBackend &operator=(const TestBackend &) = delete;

    quint16 port() const { return m_port; }
    QString url() const; // "http://127.0.0.1:PORT"

    // Thread-safe; the name travels in the X-Backend response header.
    QString name() const;
    void setName(const QString &name);
    // false: every response says "Connection: close" and the connection is closed after it.
    void setKeepAlive(bool enabled);

    // Thread-safe accessors. A request is recorded as soon as its head arrives.
    int requestCount() const;
    QList<BackendRequest> requests() const;
    BackendRequest lastRequest() const; // a default one when there is none
    int connectionCount() const;        // connections accepted so far
    int openConnectionCount() const;    // connections currently open
    // Forgets the requests and restarts the connection count (open connections stay open).
    void clear();

    // Spins the calling thread's event loop until at least n requests arrived (and, if asked,
    // completed) or the timeout passed.
    bool waitForRequests(int n, int timeoutMs = 5000, bool complete = true) const;

    // The deterministic body of /bytes/N: byte i is (i % 251).
    static QByteArray pattern(qint64 offset, qint64 size);
    // Lowercase hex SHA-256 of pattern(0, size), computed piecewise.
    static QByteArray patternSha256(qint64 size);

private:
    std::shared_ptr<BackendState> m_state;
    QThread *m_thread = nullptr;
    QObject *m_context = nullptr; // lives on m_thread; runs setup and teardown there
    BackendServer *m_server = nullptr;
    quint16 m_port = 0;
};

} // namespace portico::test
