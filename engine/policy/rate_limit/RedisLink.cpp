#include "RedisLink.h"

#include "HiredisQtAdapter.h"
#include "RedisArgv.h"

#include <QHostAddress>
#include <QHostInfo>
#include <QPointer>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <utility>

namespace portico {

namespace {

constexpr int kFirstBackoffMs = 100;
constexpr int kMaxBackoffMs = 5000;
constexpr int kMinConnectTimeoutMs = 2000; // connect, then the handshake's answer
constexpr int kMinStallMs = 3000;
constexpr quint64 kHandshakeId = 0;

void *toPrivdata(quint64 id)
{
    return reinterpret_cast<void *>(quintptr(id));
}

QByteArray seconds(qint64 ms)
{
    return QByteArray::number(double(ms) / 1000.0, 'g', 3);
}

} // namespace

RedisLink::RedisLink(RedisEndpoint endpoint, int timeoutMs, QObject *parent)
    : QObject(parent)
    , m_endpoint(std::move(endpoint))
    , m_timeoutMs(std::max(1, timeoutMs))
    , m_timeoutTimer(this)
    , m_retryTimer(this)
    , m_connectTimer(this)
    , m_backoffMs(kFirstBackoffMs)
{
    m_clock.start();
    m_timeoutTimer.setSingleShot(true);
    m_timeoutTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_timeoutTimer, &QTimer::timeout, this, &RedisLink::expireCommands);
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &RedisLink::connectNow);
    m_connectTimer.setSingleShot(true);
    connect(&m_connectTimer, &QTimer::timeout, this, [this] {
        releaseContext(true);
        goDown("no answer within " + seconds(m_connectTimer.interval()) + " s");
    });
    connectNow();
}

RedisLink::~RedisLink()
{
    m_state = State::Closed;
    if (m_lookupId >= 0)
        QHostInfo::abortHostLookup(m_lookupId);
    m_retryTimer.stop();
    m_connectTimer.stop();
    m_timeoutTimer.stop();
    releaseContext(true);
    // Callbacks may submit more (answered "down" into m_deferredDown): loop until none is left.
    while (!m_pending.empty() || !m_deferredDown.empty()) {
        std::map<quint64, Pending> pending = std::exchange(m_pending, {});
        std::vector<Done> deferred = std::exchange(m_deferredDown, {});
        for (Done &done : deferred)
            done(RedisReply::failure(RedisReply::downError()));
        for (auto &[id, command] : pending)
            command.done(RedisReply::failure(RedisReply::downError()));
    }
}

void RedisLink::evalScript(const RedisScript &script, const std::vector<QByteArray> &keys,
                           const std::vector<QByteArray> &args, Done done)
{
    if (m_state != State::Up && m_state != State::Connecting) {
        answerDownLater(std::move(done));
        return;
    }
    submit(script.evalShaCommand(keys, args), script.source(), std::move(done));
}

void RedisLink::command(const QList<QByteArray> &words, Done done)
{
    submit(words, QByteArray(), std::move(done));
}

void RedisLink::submit(QList<QByteArray> words, QByteArray scriptSource, Done done)
{
    const quint64 id = m_nextId;
    const bool up = m_state == State::Up;
    if ((!up && m_state != State::Connecting) || words.isEmpty() || (up && !send(id, words))) {
        answerDownLater(std::move(done));
        return;
    }
    ++m_nextId;
    // Given while connecting: sent once the connection is up (see becomeUp).
    Pending command{std::move(done), m_clock.elapsed() + m_timeoutMs, {}, {}, up};
    if (!up || !scriptSource.isNull()) {
        command.words = std::move(words);
        command.scriptSource = std::move(scriptSource);
    }
    m_pending.emplace_hint(m_pending.end(), id, std::move(command));
    if (!m_timeoutTimer.isActive())
        armTimeoutTimer();
}

bool RedisLink::send(quint64 id, const QList<QByteArray> &words)
{
    RedisArgv argv(words);
    if (redisAsyncCommandArgv(m_context, &RedisLink::onReply, toPrivdata(id), argv.count(),
                              argv.argv(), argv.lengths())
        != REDIS_OK)
        return false;
    if (m_unanswered++ == 0)
        m_lastProgress = m_clock.elapsed();
    return true;
}

void RedisLink::onReply(redisAsyncContext *context, void *reply, void *privdata)
{
    // No reply: hiredis is freeing the context, and whoever made it do so answers the commands.
    auto *link = static_cast<RedisLink *>(context->data);
    if (link && reply)
        link->handleReply(quint64(quintptr(privdata)), static_cast<const redisReply *>(reply));
}

void RedisLink::handleReply(quint64 id, const redisReply *reply)
{
    m_unanswered = std::max(0, m_unanswered - 1);
    m_lastProgress = m_clock.elapsed();
    if (id == kHandshakeId) {
        handleHandshake(reply);
        return;
    }
    const auto it = m_pending.find(id);
    if (it == m_pending.end())
        return; // answered "timeout" already
    Pending &command = it->second;
    RedisReply answer = RedisReply::fromHiredis(*reply);
    if (!answer.ok && !command.scriptSource.isNull() && answer.error.startsWith("NOSCRIPT")) {
        // Redis lost its scripts (a restart, SCRIPT FLUSH): EVAL runs the script and loads it
        // for the next EVALSHA. Same id and deadline.
        command.words[0] = QByteArrayLiteral("EVAL");
        command.words[1] = std::exchange(command.scriptSource, QByteArray());
        const bool sent = send(id, command.words);
        command.words.clear();
        if (sent)
            return;
        answer = RedisReply::failure(RedisReply::downError());
    }
    Done done = std::move(command.done);
    m_pending.erase(it);
    done(answer);
}

void RedisLink::connectNow()
{
    m_state = State::Connecting;
    m_connectTimer.start(std::max(m_timeoutMs, kMinConnectTimeoutMs));
    const quint64 attempt = ++m_attempt;
    QHostAddress address;
    if (m_endpoint.host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0) {
        address = QHostAddress(QHostAddress::LocalHost);
    } else if (!address.setAddress(m_endpoint.host)) {
        // A name: hiredis would resolve it with a blocking getaddrinfo; Qt does it elsewhere.
        m_lookupId = QHostInfo::lookupHost(m_endpoint.host, this,
                                           [this, attempt](const QHostInfo &info) {
                                               if (attempt == m_attempt)
                                                   hostLookedUp(info);
                                           });
        return;
    }
    connectTo(address.toString().toLatin1());
}

void RedisLink::hostLookedUp(const QHostInfo &info)
{
    m_lookupId = -1;
    if (m_state != State::Connecting)
        return; // gave up waiting (the connect timer)
    const QList<QHostAddress> addresses = info.addresses();
    if (addresses.isEmpty()) {
        goDown("cannot resolve " + m_endpoint.host.toUtf8() + ": " + info.errorString().toUtf8());
        return;
    }
    // IPv4 first, as hiredis resolves names itself (and as Redis often binds only).
    const auto ipv4 = std::find_if(addresses.begin(), addresses.end(), [](auto &address) {
        return address.protocol() == QAbstractSocket::IPv4Protocol;
    });
    connectTo((ipv4 != addresses.end() ? *ipv4 : addresses.first()).toString().toLatin1());
}

void RedisLink::connectTo(const QByteArray &ip)
{
    Q_ASSERT(!m_context);
    redisAsyncContext *context = redisAsyncConnect(ip.constData(), m_endpoint.port);
    if (!context) {
        goDown("out of memory");
        return;
    }
    if (context->err) {
        const QByteArray reason = context->errstr;
        redisAsyncFree(context);
        goDown(reason);
        return;
    }
    m_context = context;
    m_context->data = this;
    m_adapter = new RedisQtAdapter;
    m_adapter->setContext(m_context);
    // In this order: setting the connect callback is what asks the adapter (attached by now)
    // for the write event that tells a non-blocking connect finished.
    redisAsyncSetConnectCallback(m_context, &RedisLink::onConnect);
    redisAsyncSetDisconnectCallback(m_context, &RedisLink::onDisconnect);
}

void RedisLink::onConnect(const redisAsyncContext *context, int status)
{
    if (auto *link = static_cast<RedisLink *>(context->data))
        link->handleConnect(status);
}

void RedisLink::handleConnect(int status)
{
    if (status != REDIS_OK) {
        const QByteArray reason = m_context->errstr;
        releaseContext(false); // hiredis frees it when this returns
        goDown(reason);
        return;
    }
    redisEnableKeepAlive(&m_context->c);
    // Up only once Redis answers: a hung server accepts connections too. And not from here,
    // since hiredis keeps using the context after this callback, so whatever runs on
    // upChanged must not be able to free it; a reply callback is safe (hiredis defers a free).
    const QList<QByteArray> handshake = m_endpoint.db == 0
        ? QList<QByteArray>{"PING"}
        : QList<QByteArray>{"SELECT", QByteArray::number(m_endpoint.db)};
    if (!send(kHandshakeId, handshake)) {
        releaseContext(false);
        goDown("cannot send to the connection");
    }
}

void RedisLink::handleHandshake(const redisReply *reply)
{
    if (m_state != State::Connecting)
        return;
    if (reply->type == REDIS_REPLY_ERROR) {
        const QByteArray reason(reply->str, qsizetype(reply->len));
        releaseContext(true); // from a reply callback: hiredis frees it once that returns
        goDown(reason);
        return;
    }
    becomeUp();
}

void RedisLink::onDisconnect(const redisAsyncContext *context, int status)
{
    if (auto *link = static_cast<RedisLink *>(context->data))
        link->handleDisconnect(status);
}

void RedisLink::handleDisconnect(int status)
{
    QByteArray reason = m_context->errstr;
    if (status == REDIS_OK || reason.isEmpty())
        reason = "closed";
    releaseContext(false); // hiredis frees it when this returns
    goDown(reason);
}

void RedisLink::becomeUp()
{
    m_connectTimer.stop();
    m_state = State::Up;
    m_backoffMs = kFirstBackoffMs;
    if (!m_loggedFailure.isEmpty()) {
        qInfo("portico: redis %s: reachable again", qPrintable(m_endpoint.address()));
        m_loggedFailure.clear();
    }
    // What was given while connecting goes now, in order (one hiredis refuses: "down").
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        Pending &command = it->second;
        if (!command.sent && !(command.sent = send(it->first, command.words))) {
            answerDownLater(std::move(command.done));
            it = m_pending.erase(it);
            continue;
        }
        if (command.scriptSource.isNull())
            command.words.clear();
        ++it;
    }
    if (!m_pending.empty())
        armTimeoutTimer();
    Q_EMIT upChanged(true);
}

void RedisLink::goDown(const QByteArray &reason)
{
    const bool wasUp = m_state == State::Up;
    m_state = State::Waiting;
    m_connectTimer.stop();
    m_timeoutTimer.stop();
    const int delayMs = m_backoffMs;
    m_backoffMs = std::min(2 * m_backoffMs, kMaxBackoffMs);
    m_retryTimer.start(delayMs);
    // Once per reason, not once per retry: a server away for an hour is one or two lines.
    if (reason != m_loggedFailure) {
        qWarning("portico: redis %s: %s (%s); retrying in %s s",
                 qPrintable(m_endpoint.address()), wasUp ? "connection lost" : "unreachable",
                 reason.constData(), seconds(delayMs).constData());
        m_loggedFailure = reason;
    }

    // Callbacks may destroy the link: they run from a list of our own, after the last access.
    std::map<quint64, Pending> pending = std::exchange(m_pending, {});
    QPointer<RedisLink> self(this);
    for (auto &[id, command] : pending)
        command.done(RedisReply::failure(RedisReply::downError()));
    if (wasUp && self)
        Q_EMIT upChanged(false);
}

void RedisLink::releaseContext(bool free)
{
    redisAsyncContext *context = std::exchange(m_context, nullptr);
    if (!context)
        return;
    context->data = nullptr; // its remaining callbacks find no link
    m_unanswered = 0;
    // The adapter's destructor writes into the context, so it goes while the context lives,
    // after its notifiers (which it leaves to hiredis's cleanup hook). Then nothing may call
    // the hooks, which would pass the adapter's (now null) pointer.
    if (RedisQtAdapter *adapter = std::exchange(m_adapter, nullptr)) {
        if (context->ev.cleanup)
            context->ev.cleanup(context->ev.data);
        context->ev.addRead = context->ev.delRead = nullptr;
        context->ev.addWrite = context->ev.delWrite = nullptr;
        context->ev.cleanup = nullptr;
        delete adapter;
    }
    // Runs the callbacks still queued with no reply (ignored, see onReply); from inside one,
    // hiredis only marks the context and frees it once that callback returns.
    if (free)
        redisAsyncFree(context);
}

void RedisLink::expireCommands()
{
    const qint64 now = m_clock.elapsed();
    const qint64 stallMs = std::max<qint64>(5 * qint64(m_timeoutMs), kMinStallMs);
    if (m_state == State::Up && m_unanswered > 0 && now - m_lastProgress >= stallMs) {
        // Nothing answered for a long while: a hung server, or a peer gone without a reset.
        // Reconnecting also bounds what hiredis buffers for it.
        releaseContext(true);
        goDown("no reply for " + seconds(now - m_lastProgress) + " s");
        return;
    }
    std::vector<Done> expired;
    while (!m_pending.empty() && m_pending.begin()->second.deadline <= now) {
        expired.push_back(std::move(m_pending.begin()->second.done));
        m_pending.erase(m_pending.begin());
    }
    armTimeoutTimer();
    for (Done &done : expired)
        done(RedisReply::failure(RedisReply::timeoutError()));
}

void RedisLink::armTimeoutTimer()
{
    if (m_pending.empty()) {
        m_timeoutTimer.stop();
        return;
    }
    // A timer left armed for a command answered since then only fires and re-arms.
    const qint64 waitMs = m_pending.begin()->second.deadline - m_clock.elapsed();
    m_timeoutTimer.start(int(std::max<qint64>(0, waitMs)));
}

void RedisLink::answerDownLater(Done done)
{
    m_deferredDown.push_back(std::move(done));
    if (m_deferredPosted || m_state == State::Closed)
        return; // the destructor answers them
    m_deferredPosted = true;
    QMetaObject::invokeMethod(this, &RedisLink::answerDeferred, Qt::QueuedConnection);
}

void RedisLink::answerDeferred()
{
    m_deferredPosted = false;
    std::vector<Done> batch = std::exchange(m_deferredDown, {});
    for (Done &done : batch)
        done(RedisReply::failure(RedisReply::downError()));
}

} // namespace portico
