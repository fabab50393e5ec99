#pragma once

#include "RedisEndpoint.h"
#include "RedisReply.h"
#include "RedisScript.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QTimer>

#include <functional>
#include <map>
#include <vector>

class QHostInfo;
struct redisAsyncContext; // hiredis's
class RedisQtAdapter;     // hiredis's Qt adapter (HiredisQtAdapter.h)

namespace portico {

// One asynchronous connection to Redis (hiredis), owned by and used only from the thread that
// creates it (a worker): nothing here ever blocks that thread.
//
// It connects at construction and is up once Redis answered on the new connection (PING, or
// SELECT for a db other than 0); commands given while it connects wait for that (within their
// timeout), so the first requests of a worker are not decided without Redis. When a connection
// cannot be made or is lost, every command waiting is answered "down" at once, and it
// reconnects by itself, 100 ms after the first failure, doubling up to 5 s; until the next
// attempt commands are answered "down", never queued. A command without an answer within the
// timeout is answered "timeout"; its late reply is dropped. A
// connection that has answered nothing for a long while (a hung server, or a peer gone without
// a reset) is dropped and made again.
class RedisLink : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(const RedisReply &)>;

    // timeoutMs: how long a command may wait for its reply, from when it is given.
    RedisLink(RedisEndpoint endpoint, int timeoutMs, QObject *parent = nullptr);
    // Commands still waiting are answered "down", from here.
    ~RedisLink() override;

    // Runs `script` with EVALSHA, and with EVAL when Redis does not know it (NOSCRIPT, as after
    // a restart). `done` is called exactly once, on this thread and never from inside this
    // call: with the script's reply, or with "timeout" or "down" (which a link that is down
    // answers at once, on the next pass of the event loop; see isDown()).
    void evalScript(const RedisScript &script, const std::vector<QByteArray> &keys,
                    const std::vector<QByteArray> &args, Done done);
    // Any other command, as words ("GET", key). Same contract.
    void command(const QList<QByteArray> &words, Done done);

    bool isUp() const { return m_state == State::Up; }
    // A connection failed and the next attempt is not due yet: commands get "down" at once.
    bool isDown() const { return m_state == State::Waiting; }
    const RedisEndpoint &endpoint() const { return m_endpoint; }
    int timeoutMs() const { return m_timeoutMs; }
    int inFlight() const { return int(m_pending.size()); } // commands waiting for an answer

Q_SIGNALS:
    void upChanged(bool up);

private:
    enum class State {
        Connecting, // resolving the host, connecting, then SELECT or PING answered
        Up,
        Waiting,    // down, until the retry timer fires
        Closed,     // being destroyed
    };

    struct Pending
    {
        Done done;
        qint64 deadline; // on m_clock
        // The words until sent (given while connecting); for a script, its EVALSHA words and
        // its source, to send EVAL on NOSCRIPT (once).
        QList<QByteArray> words;
        QByteArray scriptSource;
        bool sent = false;
    };

    // hiredis's callbacks: the context's `data` is the link, or null once it let go of it.
    static void onConnect(const redisAsyncContext *context, int status);
    static void onDisconnect(const redisAsyncContext *context, int status);
    static void onReply(redisAsyncContext *context, void *reply, void *privdata);

    void submit(QList<QByteArray> words, QByteArray scriptSource, Done done);
    bool send(quint64 id, const QList<QByteArray> &words);
    void handleReply(quint64 id, const ::redisReply *reply);

    void connectNow();
    void hostLookedUp(const QHostInfo &info);
    void connectTo(const QByteArray &ip);
    void handleConnect(int status);
    void handleHandshake(const ::redisReply *reply);
    void handleDisconnect(int status);
    void becomeUp();
    void goDown(const QByteArray &reason);
    void releaseContext(bool free);

    void expireCommands();
    void armTimeoutTimer();
    void answerDownLater(Done done);
    void answerDeferred();

    const RedisEndpoint m_endpoint;
    const int m_timeoutMs;

    State m_state = State::Connecting;
    redisAsyncContext *m_context = nullptr;
    RedisQtAdapter *m_adapter = nullptr; // the context's, deleted while the context lives
    QElapsedTimer m_clock;

    std::map<quint64, Pending> m_pending; // by id, so by deadline too
    quint64 m_nextId = 1;                 // 0 is the handshake sent after connecting
    int m_unanswered = 0;                 // commands sent on this connection, no reply yet
    qint64 m_lastProgress = 0;            // when a reply last came in or m_unanswered left 0
    QTimer m_timeoutTimer;

    std::vector<Done> m_deferredDown; // "down" answers for the next event loop pass
    bool m_deferredPosted = false;

    QTimer m_retryTimer;
    QTimer m_connectTimer; // bounds connecting and the handshake
    int m_backoffMs;
    quint64 m_attempt = 0; // tells a stale host lookup from the current one
    int m_lookupId = -1;   // the host lookup in progress
    QByteArray m_loggedFailure; // the reason last logged while down; empty when up
};

} // namespace portico
