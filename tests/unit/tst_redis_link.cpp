// The Redis connection of the rate limiter (RedisLink), its blocking sibling (RedisSyncClient)
// and the parsing of redis:// addresses, against real redis-server processes. The test's own
// thread runs the engine's epoll event dispatcher, as workers do (see main()).
// Timing bounds are loose on purpose (the suite also runs under Valgrind): what matters is
// that nothing blocks, that timeouts come from the timeout and "down" from the drop.

#include "RedisTestServer.h"
#include "net/EpollEventDispatcher.h"
#include "policy/rate_limit/RedisEndpoint.h"
#include "policy/rate_limit/RedisLink.h"
#include "policy/rate_limit/RedisScript.h"
#include "policy/rate_limit/RedisSyncClient.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <map>
#include <memory>
#include <optional>

using namespace portico;
using portico::test::RedisTestServer;

namespace {

constexpr int kWaitMs = 10000; // for things that should take milliseconds
constexpr int kTimeoutMs = 2000; // a link's command timeout where the test needs none

// What the link answered, kept alive by the callback itself (a test may fail and return first).
class Answers
{
public:
    RedisLink::Done add() const
    {
        return [state = m_state](const RedisReply &reply) { state->push_back(reply); };
    }
    int count() const { return int(m_state->size()); }
    const RedisReply &at(int i) const { return (*m_state)[size_t(i)]; }
    const RedisReply &last() const { return m_state->back(); }

private:
    std::shared_ptr<std::vector<RedisReply>> m_state = std::make_shared<std::vector<RedisReply>>();
};

const RedisScript &kindsScript()
{
    static const RedisScript script(R"lua(
        local kind = ARGV[1]
        if kind == 'integer' then return 42
        elseif kind == 'negative' then return -7
        elseif kind == 'string' then return 'hello'
        elseif kind == 'binary' then return ARGV[2]
        elseif kind == 'empty' then return ''
        elseif kind == 'nil' then return nil
        elseif kind == 'status' then return redis.status_reply('FINE')
        elseif kind == 'error' then return redis.error_reply('MYERR something broke')
        elseif kind == 'nested' then
            return {1, 'two', {3, {'four', {}}}, redis.error_reply('EINNER inside')}
        elseif kind == 'raise' then return redis.call('INCR', KEYS[1])
        end
        return redis.error_reply('ERR unknown kind')
    )lua");
    return script;
}

const RedisScript &incrScript()
{
    static const RedisScript script("return {ARGV[1], redis.call('INCR', KEYS[1])}");
    return script;
}

const RedisScript &setScript()
{
    static const RedisScript script("return redis.call('SET', KEYS[1], ARGV[1])");
    return script;
}

// How many times Redis ran `command` since the last CONFIG RESETSTAT.
int commandCalls(const RedisTestServer &server, const QByteArray &command)
{
    const RedisReply info = server.command({"INFO", "commandstats"});
    const QRegularExpression pattern(QStringLiteral("cmdstat_%1:calls=(\\d+)")
                                         .arg(QString::fromLatin1(command)));
    const QRegularExpressionMatch match = pattern.match(QString::fromUtf8(info.value.string));
    return match.hasMatch() ? match.captured(1).toInt() : 0;
}

QByteArray describe(const RedisReply &reply)
{
    return reply.ok ? reply.value.describe() : "failure: " + reply.error;
}

// A running QThread with the engine's dispatcher, like a worker's.
class WorkerThread
{
public:
    WorkerThread()
    {
        m_thread.setEventDispatcher(new EpollEventDispatcher);
        m_thread.start();
        m_context = new QObject;
        m_context->moveToThread(&m_thread);
    }
    ~WorkerThread()
    {
        run([this] { delete m_context; });
        m_thread.quit();
        m_thread.wait();
    }
    void run(const std::function<void()> &body)
    {
        QMetaObject::invokeMethod(m_context, body, Qt::BlockingQueuedConnection);
    }
    QObject *context() const { return m_context; }

private:
    QThread m_thread;
    QObject *m_context;
};

} // namespace

class TestRedisLink : public QObject
{
    Q_OBJECT

private:
    RedisTestServer m_server; // shared by the tests that neither stop nor freeze it

    // A link to `server`, up.
    std::unique_ptr<RedisLink> upLink(const RedisTestServer &server, int timeoutMs = kTimeoutMs,
                                      int db = 0)
    {
        auto link = std::make_unique<RedisLink>(server.endpoint(db), timeoutMs);
        (void)QTest::qWaitFor([&] { return link->isUp(); }, kWaitMs); // the caller checks
        return link;
    }

    // Runs a script and waits for the answer.
    static RedisReply eval(RedisLink &link, const RedisScript &script,
                           const std::vector<QByteArray> &keys,
                           const std::vector<QByteArray> &args)
    {
        Answers answers;
        link.evalScript(script, keys, args, answers.add());
        if (!QTest::qWaitFor([&] { return answers.count() > 0; }, kWaitMs))
            return RedisReply::failure("the test gave up waiting");
        return answers.last();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
    }

    void init()
    {
        if (!m_server.isRunning())
            QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
        QVERIFY(m_server.command({"FLUSHALL"}).ok);
        QVERIFY(m_server.command({"SCRIPT", "FLUSH"}).ok);
        QVERIFY(m_server.command({"CONFIG", "RESETSTAT"}).ok);
    }

    void cleanup()
    {
        m_server.thaw(); // after a test that failed while it was frozen
    }

    void endpointParsing_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<int>("db");
        QTest::addColumn<QString>("canonical");

        auto ok = [](const char *text, const char *host, int port, int db, const char *canonical) {
            QTest::newRow(text) << QString::fromUtf8(text) << true << QString::fromUtf8(host)
                                << port << db << QString::fromUtf8(canonical);
        };
        ok("redis://127.0.0.1:6379/0", "127.0.0.1", 6379, 0, "redis://127.0.0.1:6379/0");
        ok("redis://127.0.0.1", "127.0.0.1", 6379, 0, "redis://127.0.0.1:6379/0");
        ok("redis://localhost:7000", "localhost", 7000, 0, "redis://localhost:7000/0");
        ok("redis://cache.internal/3", "cache.internal", 6379, 3, "redis://cache.internal:6379/3");
        ok("REDIS://redis-1:1/15", "redis-1", 1, 15, "redis://redis-1:1/15");
        ok("redis://[::1]:6380/2", "::1", 6380, 2, "redis://[::1]:6380/2");
        ok("redis://[fe80::1]", "fe80::1", 6379, 0, "redis://[fe80::1]:6379/0");
        ok("redis://h:65535/0", "h", 65535, 0, "redis://h:65535/0");

        for (const char *text :
             {"", "local", "localhost:6379", "http://h:6379", "rediss://h:6379", "redis://",
              "redis:///0", "redis://:6379", "redis://h:0", "redis://h:65536", "redis://h:abc",
              "redis://h:", "redis://h:-1", "redis://h:+1", "redis://h/", "redis://h/x",
              "redis://h/-1", "redis://h/1/2", "redis://h/0?timeout=1", "redis://h/0#x",
              "redis://user:pw@h", "redis://:pw@h:6379", "redis://::1:6379", "redis://[::1",
              "redis://[::1]x", "redis://[not-ipv6]:1", "redis://[127.0.0.1]", "redis://h b",
              "redis://h:6379/99999999", " redis://h"}) {
            QTest::newRow(qPrintable(QStringLiteral("bad: '%1'").arg(QLatin1String(text))))
                << QString::fromUtf8(text) << false << QString() << 0 << 0 << QString();
        }
    }

    void endpointParsing()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QString error;
        const std::optional<RedisEndpoint> endpoint = RedisEndpoint::parse(text, &error);
        QCOMPARE(endpoint.has_value(), valid);
        if (!valid) {
            QVERIFY(error.contains(QLatin1String("redis://host[:port][/db]")));
            return;
        }
        QVERIFY(error.isEmpty());
        QTEST(endpoint->host, "host");
        QTEST(int(endpoint->port), "port");
        QTEST(endpoint->db, "db");
        QTEST(endpoint->text, "canonical");
        QCOMPARE(RedisEndpoint::parse(endpoint->text)->text, endpoint->text);
    }

    void scriptShaIsRedisOwn()
    {
        const RedisScript script("return 'sha check'");
        const RedisReply loaded = m_server.command({"SCRIPT", "LOAD", script.source()});
        QVERIFY2(loaded.ok, loaded.error.constData());
        QCOMPARE(script.sha1(), loaded.value.string);
    }

    void scriptRoundTripThroughEvalShaAndNoscript()
    {
        const auto link = upLink(m_server);
        QVERIFY(link->isUp());
        const RedisScript script("return {KEYS[1], ARGV[1], ARGV[2]}");

        // A fresh server does not know it: EVALSHA answers NOSCRIPT, EVAL runs it.
        RedisReply reply = eval(*link, script, {"key"}, {"a", "b"});
        QCOMPARE(describe(reply), QByteArray(R"(["key", "a", "b"])"));
        QCOMPARE(commandCalls(m_server, "evalsha"), 1);
        QCOMPARE(commandCalls(m_server, "eval"), 1);

        // Loaded by that EVAL: EVALSHA alone from now on.
        reply = eval(*link, script, {"k2"}, {"c", "d"});
        QCOMPARE(describe(reply), QByteArray(R"(["k2", "c", "d"])"));
        QCOMPARE(commandCalls(m_server, "evalsha"), 2);
        QCOMPARE(commandCalls(m_server, "eval"), 1);

        // Flushed (as by a restart): the fallback again, unseen by the caller.
        QVERIFY(m_server.command({"SCRIPT", "FLUSH"}).ok);
        reply = eval(*link, script, {"k3"}, {"e", "f"});
        QCOMPARE(describe(reply), QByteArray(R"(["k3", "e", "f"])"));
        QCOMPARE(commandCalls(m_server, "evalsha"), 3);
        QCOMPARE(commandCalls(m_server, "eval"), 2);
    }

    void repliesOfEveryKind()
    {
        const auto link = upLink(m_server);
        QVERIFY(link->isUp());
        auto run = [&](const QByteArray &kind, const QByteArray &extra = {}) {
            return eval(*link, kindsScript(), {"kinds:key"}, {kind, extra});
        };

        RedisReply reply = run("integer");
        QVERIFY(reply.ok);
        QCOMPARE(reply.value.type, RedisValue::Type::Integer);
        QCOMPARE(reply.value.integer, 42);
        QCOMPARE(run("negative").value.integer, -7);

        reply = run("string");
        QCOMPARE(reply.value.type, RedisValue::Type::String);
        QCOMPARE(reply.value.string, QByteArray("hello"));

        const QByteArray binary("a\0b\r\n\xff", 6);
        reply = run("binary", binary);
        QCOMPARE(reply.value.type, RedisValue::Type::String);
        QCOMPARE(reply.value.string, binary);
        QCOMPARE(reply.value.describe(), QByteArray(R"("a\x00b\x0d\x0a\xff")"));

        reply = run("empty");
        QCOMPARE(reply.value.type, RedisValue::Type::String);
        QVERIFY(reply.value.string.isEmpty());

        reply = run("nil");
        QVERIFY(reply.ok);
        QVERIFY(reply.value.isNil());

        reply = run("status");
        QVERIFY(reply.ok);
        QCOMPARE(reply.value.type, RedisValue::Type::Status);
        QCOMPARE(reply.value.string, QByteArray("FINE"));

        reply = run("error");
        QVERIFY(!reply.ok);
        QCOMPARE(reply.error, QByteArray("MYERR something broke"));
        QCOMPARE(reply.value.type, RedisValue::Type::Error);
        QVERIFY(!reply.isTimeout() && !reply.isDown());

        reply = run("nested");
        QVERIFY(reply.ok);
        QCOMPARE(reply.value.describe(),
                 QByteArray(R"([1, "two", [3, ["four", []]], (error) EINNER inside])"));
        QCOMPARE(reply.value.elements.at(2).elements.at(1).elements.at(0).string, "four");
        QCOMPARE(reply.value.elements.at(3).type, RedisValue::Type::Error);

        // An error the script raises comes back as Redis's error.
        QVERIFY(m_server.command({"SET", "kinds:key", "not a number"}).ok);
        reply = run("raise");
        QVERIFY(!reply.ok);
        QVERIFY2(reply.error.startsWith("ERR"), reply.error.constData());

        // A nil inside an array, and a plain command.
        Answers answers;
        link->command({"SET", "present", "1"}, answers.add());
        link->command({"MGET", "present", "absent"}, answers.add());
        link->command({"NOSUCHCOMMAND"}, answers.add());
        QTRY_COMPARE_WITH_TIMEOUT(answers.count(), 3, kWaitMs);
        QCOMPARE(answers.at(0).value.describe(), QByteArray("(status) OK"));
        QCOMPARE(answers.at(1).value.describe(), QByteArray(R"(["1", nil])"));
        QVERIFY(!answers.at(2).ok);
        QVERIFY2(answers.at(2).error.startsWith("ERR unknown command"),
                 answers.at(2).error.constData());
    }

    void thousandPipelinedCommandsAnsweredOnceEach()
    {
        const auto link = upLink(m_server, 5000);
        QVERIFY(link->isUp());
        constexpr int kCount = 1000;
        auto answered = std::make_shared<std::map<QByteArray, int>>();
        auto failures = std::make_shared<int>(0);
        for (int i = 0; i < kCount; ++i) {
            link->evalScript(incrScript(), {"counter"}, {QByteArray::number(i)},
                             [answered, failures](const RedisReply &reply) {
                                 if (!reply.ok || reply.value.elements.size() != 2)
                                     ++*failures;
                                 else
                                     ++(*answered)[reply.value.elements[0].string];
                             });
        }
        // All sent before any answer could be read: in flight together.
        QCOMPARE(link->inFlight(), kCount);
        QTRY_COMPARE_WITH_TIMEOUT(int(answered->size()) + *failures, kCount, kWaitMs);
        QCOMPARE(*failures, 0);
        for (const auto &[id, times] : *answered)
            QCOMPARE(times, 1);
        QCOMPARE(link->inFlight(), 0);
        QCOMPARE(m_server.command({"GET", "counter"}).value.string, QByteArray("1000"));
        QTest::qWait(100); // nothing answered twice later
        QCOMPARE(int(answered->size()), kCount);
        for (const auto &[id, times] : *answered)
            QCOMPARE(times, 1);
    }

    void selectsTheDatabase()
    {
        const auto link = upLink(m_server, kTimeoutMs, 5);
        QVERIFY(link->isUp());
        QCOMPARE(describe(eval(*link, setScript(), {"where"}, {"five"})),
                 QByteArray("(status) OK"));
        QCOMPARE(m_server.command({"GET", "where"}, 5).value.string, QByteArray("five"));
        QVERIFY(m_server.command({"GET", "where"}, 0).value.isNil());
    }

    void databaseOutOfRangeKeepsTheLinkDown()
    {
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral(
                                 "^portico: redis 127\\.0\\.0\\.1:\\d+: unreachable \\(ERR DB "
                                 "index is out of range\\); retrying in 0\\.1 s$")));
        RedisLink link(m_server.endpoint(999), kTimeoutMs);
        QTest::qWait(400);
        QVERIFY(!link.isUp());
    }

    void timeoutOnAFrozenServerThenRecovery()
    {
        const auto link = upLink(m_server, 300);
        QVERIFY(link->isUp());
        // Loaded first: what runs after the thaw is the EVALSHA itself.
        QCOMPARE(describe(eval(*link, incrScript(), {"frozen"}, {"0"})), R"(["0", 1])");
        QVERIFY(m_server.freeze());

        int ticks = 0; // the thread keeps running its event loop meanwhile
        QTimer ticker;
        connect(&ticker, &QTimer::timeout, this, [&] { ++ticks; });
        ticker.start(20);

        Answers answers;
        QElapsedTimer clock;
        clock.start();
        link->evalScript(incrScript(), {"frozen"}, {"1"}, answers.add());
        QVERIFY2(clock.elapsed() < 100, "evalScript must not wait for Redis");
        QTRY_COMPARE_WITH_TIMEOUT(answers.count(), 1, kWaitMs);
        const qint64 elapsed = clock.elapsed();
        QVERIFY2(answers.last().isTimeout(), describe(answers.last()).constData());
        QVERIFY2(elapsed >= 280 && elapsed < 3000, qPrintable(QString::number(elapsed)));
        QVERIFY(ticks >= 5);
        QVERIFY(link->isUp()); // slow is not down

        // It runs once thawed, and its late reply is dropped: answered once.
        QVERIFY(m_server.thaw());
        QTRY_COMPARE_WITH_TIMEOUT(m_server.command({"GET", "frozen"}).value.string,
                                  QByteArray("2"), kWaitMs);
        QTest::qWait(100);
        QCOMPARE(answers.count(), 1);

        QCOMPARE(describe(eval(*link, incrScript(), {"frozen"}, {"2"})), R"(["2", 3])");
    }

    void timeoutWhileRedisSleeps()
    {
        const auto link = upLink(m_server, 200);
        const auto sleeper = upLink(m_server, 5000);
        QVERIFY(link->isUp() && sleeper->isUp());

        Answers slept, answers;
        QElapsedTimer sleeping;
        sleeping.start();
        sleeper->command({"DEBUG", "SLEEP", "1"}, slept.add());
        QTest::qWait(100); // Redis is asleep by now
        QElapsedTimer clock;
        clock.start();
        link->evalScript(incrScript(), {"sleepy"}, {"1"}, answers.add());
        QTRY_COMPARE_WITH_TIMEOUT(answers.count(), 1, kWaitMs);
        QVERIFY2(answers.last().isTimeout(), describe(answers.last()).constData());
        QVERIFY2(clock.elapsed() < 800, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(slept.count(), 0);

        QTRY_COMPARE_WITH_TIMEOUT(slept.count(), 1, kWaitMs);
        QVERIFY2(slept.last().ok, describe(slept.last()).constData());
        QVERIFY(sleeping.elapsed() >= 900);
        // The first one's NOSCRIPT came after its timeout: dropped, and never run with EVAL.
        QCOMPARE(describe(eval(*link, incrScript(), {"sleepy"}, {"2"})), R"(["2", 1])");
        QCOMPARE(answers.count(), 1);
    }

    void serverGoneThenBack()
    {
        RedisTestServer server;
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        const auto link = upLink(server, 5000);
        QVERIFY(link->isUp());
        QSignalSpy upChanges(link.get(), &RedisLink::upChanged);
        const QString address = QStringLiteral("127\\.0\\.0\\.1:%1").arg(server.port());

        // Commands in flight when it goes: "down" at once, long before their timeout.
        QVERIFY(server.freeze());
        Answers inFlight;
        for (int i = 0; i < 5; ++i)
            link->evalScript(incrScript(), {"gone"}, {QByteArray::number(i)}, inFlight.add());
        const QString lost = QStringLiteral("^portico: redis %1: connection lost \\(.+\\); "
                                            "retrying in 0\\.1 s$");
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(lost.arg(address)));
        const QString refused = QStringLiteral("^portico: redis %1: unreachable \\(Connection "
                                               "refused\\); retrying in 0\\.2 s$");
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(refused.arg(address)));
        QElapsedTimer clock;
        clock.start();
        server.stop();
        QTRY_COMPARE_WITH_TIMEOUT(inFlight.count(), 5, kWaitMs);
        QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));
        for (int i = 0; i < 5; ++i)
            QVERIFY2(inFlight.at(i).isDown(), describe(inFlight.at(i)).constData());
        QCOMPARE(upChanges.count(), 1);
        QCOMPARE(upChanges.at(0).at(0).toBool(), false);
        QVERIFY(!link->isUp());

        // Down: answered at once (on the next event loop pass, not from inside the call).
        Answers whileDown;
        link->evalScript(incrScript(), {"gone"}, {"x"}, whileDown.add());
        QCOMPARE(whileDown.count(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(whileDown.count(), 1, 100);
        QVERIFY(whileDown.last().isDown());

        // Let the backoff grow past its first steps, then bring the server back.
        QTest::qWait(700);
        QTest::ignoreMessage(QtInfoMsg,
                             QRegularExpression(QStringLiteral(
                                 "^portico: redis %1: reachable again$").arg(address)));
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        clock.restart();
        QTRY_VERIFY_WITH_TIMEOUT(link->isUp(), 5000 + 2000); // the longest backoff, and slack
        QVERIFY2(clock.elapsed() < 3000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(upChanges.count(), 2);
        QCOMPARE(upChanges.at(1).at(0).toBool(), true);

        // A new server knows no script: the NOSCRIPT fallback, unseen.
        QCOMPARE(describe(eval(*link, incrScript(), {"back"}, {"y"})), R"(["y", 1])");
        QCOMPARE(whileDown.count(), 1);
        QCOMPARE(inFlight.count(), 5);
    }

    // A worker's first requests come while its link is still connecting: they wait for the
    // connection (within their timeout) instead of being answered "down".
    void commandsGivenWhileConnectingWaitForIt()
    {
        RedisLink link(m_server.endpoint(), kTimeoutMs);
        QVERIFY(!link.isUp() && !link.isDown());
        Answers answers;
        link.command({"INCR", "early"}, answers.add());
        link.command({"INCR", "early"}, answers.add());
        QTRY_COMPARE_WITH_TIMEOUT(answers.count(), 2, kWaitMs);
        QCOMPARE(answers.at(0).value.integer, 1); // sent in the order given
        QCOMPARE(answers.at(1).value.integer, 2);

        // Waiting for a connection that does not come: "down" once the attempt fails.
        RedisTestServer closed;
        QVERIFY2(closed.start(), qPrintable(closed.errorString()));
        closed.stop();
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("unreachable")));
        RedisLink refused(closed.endpoint(), kTimeoutMs);
        Answers refusedAnswers;
        refused.command({"PING"}, refusedAnswers.add());
        QTRY_COMPARE_WITH_TIMEOUT(refusedAnswers.count(), 1, kWaitMs);
        QVERIFY(refusedAnswers.last().isDown());
        QVERIFY(refused.isDown());
    }

    void refusedConnection()
    {
        RedisTestServer server; // never started: its port is closed
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        server.stop();
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral(
                                 "^portico: redis 127\\.0\\.0\\.1:%1: unreachable \\(Connection "
                                 "refused\\); retrying in 0\\.1 s$").arg(server.port())));
        RedisLink link(server.endpoint(), kTimeoutMs);
        QSignalSpy upChanges(&link, &RedisLink::upChanged);
        QTest::qWait(500); // a few retries: logged once
        QVERIFY(!link.isUp());
        QCOMPARE(upChanges.count(), 0);
        Answers answers;
        link.evalScript(incrScript(), {"k"}, {"v"}, answers.add());
        QTRY_COMPARE_WITH_TIMEOUT(answers.count(), 1, 100);
        QVERIFY(answers.last().isDown());
    }

    void unresolvableName()
    {
        // Looked up off the thread; the connect timer (2 s) bounds a resolver that never answers.
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral(
                                 "^portico: redis no-such-host\\.invalid:6379: unreachable "
                                 "\\((cannot resolve no-such-host\\.invalid: .+|no answer "
                                 "within 2 s)\\); retrying in 0\\.1 s$")));
        RedisLink link(*RedisEndpoint::parse(QStringLiteral("redis://no-such-host.invalid")),
                       kTimeoutMs);
        Answers answers;
        link.evalScript(incrScript(), {"k"}, {"v"}, answers.add());
        // Within the connect timer, whatever the resolver does (slow under memcheck and load).
        QTRY_COMPARE_WITH_TIMEOUT(answers.count(), 1, 3000);
        QVERIFY(answers.last().isDown());
        QTest::qWait(2300);
        QVERIFY(!link.isUp());
    }

    void hungServerIsDroppedThenRecovered()
    {
        RedisTestServer server;
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        const auto link = upLink(server, 100);
        QVERIFY(link->isUp());
        QSignalSpy upChanges(link.get(), &RedisLink::upChanged);
        QVERIFY(server.freeze());
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("connection lost \\(no reply for "
                                                               "[0-9.]+ s\\)")));
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("unreachable \\(no answer within "
                                                               "2 s\\)")));
        // Traffic that only times out, until the link gives up on the connection (3 s).
        Answers answers;
        QElapsedTimer clock;
        clock.start();
        while (link->isUp() && clock.elapsed() < kWaitMs) {
            link->evalScript(incrScript(), {"hung"}, {"x"}, answers.add());
            QTest::qWait(100);
        }
        QVERIFY(!link->isUp());
        QVERIFY2(clock.elapsed() >= 2900, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(upChanges.count(), 1);
        // It connects again (the kernel accepts for a stopped server) but is not up: no PONG.
        QTest::qWait(2500);
        QVERIFY(!link->isUp());

        QTest::ignoreMessage(QtInfoMsg, QRegularExpression(QStringLiteral("reachable again")));
        QVERIFY(server.thaw());
        QTRY_VERIFY_WITH_TIMEOUT(link->isUp(), kWaitMs);
        QCOMPARE(describe(eval(*link, incrScript(), {"hung2"}, {"z"})), R"(["z", 1])");
    }

    void destroyedWithCommandsInFlight()
    {
        auto link = upLink(m_server);
        QVERIFY(link->isUp());
        Answers answers;
        for (int i = 0; i < 200; ++i)
            link->evalScript(incrScript(), {"destroyed"}, {QByteArray::number(i)},
                             answers.add());
        link.reset();
        QCOMPARE(answers.count(), 200);
        for (int i = 0; i < 200; ++i)
            QVERIFY(answers.at(i).isDown());
        QTest::qWait(200); // the replies arrive at a closed socket; nothing runs twice
        QCOMPARE(answers.count(), 200);
    }

    void destroyedWhileFrozenConnectingOrDown()
    {
        // Frozen, with commands written and unanswered.
        auto link = upLink(m_server);
        QVERIFY(link->isUp());
        QVERIFY(m_server.freeze());
        Answers answers;
        for (int i = 0; i < 10; ++i)
            link->evalScript(incrScript(), {"frozen"}, {"x"}, answers.add());
        QTest::qWait(50);
        link.reset();
        QCOMPARE(answers.count(), 10);
        QVERIFY(m_server.thaw());

        // Still connecting.
        link = std::make_unique<RedisLink>(m_server.endpoint(), kTimeoutMs);
        link.reset();

        // Connecting to a name (a host lookup in flight).
        link = std::make_unique<RedisLink>(*RedisEndpoint::parse(QStringLiteral(
                                               "redis://localhost.localdomain:1/0")),
                                           kTimeoutMs);
        link.reset();

        // Down, with "down" answers not delivered yet: the destructor delivers them.
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("unreachable")));
        link = std::make_unique<RedisLink>(*RedisEndpoint::parse(QStringLiteral(
                                               "redis://127.0.0.1:1/0")),
                                           kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(!link->isUp(), kWaitMs);
        QTest::qWait(50);
        Answers late;
        link->evalScript(incrScript(), {"k"}, {"v"}, late.add());
        link.reset();
        QCOMPARE(late.count(), 1);
        QVERIFY(late.last().isDown());
        QTest::qWait(50);
        QCOMPARE(late.count(), 1);
    }

    void destroyedFromItsOwnCallbacks()
    {
        // From a reply callback, with more replies in the same read.
        auto *link = upLink(m_server).release();
        QVERIFY(link->isUp());
        QPointer<RedisLink> guard(link);
        Answers answers;
        auto calls = std::make_shared<int>(0);
        for (int i = 0; i < 50; ++i) {
            link->evalScript(incrScript(), {"reentrant"}, {QByteArray::number(i)},
                             [calls, link, answers, done = answers.add()](
                                 const RedisReply &reply) mutable {
                                 done(reply);
                                 if (++*calls == 1)
                                     delete link;
                             });
        }
        QTRY_COMPARE_WITH_TIMEOUT(answers.count(), 50, kWaitMs);
        QVERIFY(guard.isNull());
        QVERIFY(answers.at(0).ok);
        for (int i = 1; i < 50; ++i)
            QVERIFY2(answers.at(i).isDown(), describe(answers.at(i)).constData());

        // From a slot of upChanged(true), and of upChanged(false), and from a "down" answer
        // that submits again.
        RedisTestServer server;
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        link = new RedisLink(server.endpoint(), kTimeoutMs);
        guard = link;
        connect(link, &RedisLink::upChanged, link, [link](bool up) {
            if (up)
                delete link;
        });
        QTRY_VERIFY_WITH_TIMEOUT(guard.isNull(), kWaitMs);

        link = upLink(server).release();
        guard = link;
        QVERIFY(link->isUp());
        auto resubmitted = std::make_shared<int>(0);
        Answers lastAnswers;
        link->evalScript(incrScript(), {"k"}, {"v"}, [=](const RedisReply &) {
            // Submitting from a "down" answer, then dying from upChanged(false).
            link->evalScript(incrScript(), {"k"}, {"v"}, lastAnswers.add());
            ++*resubmitted;
        });
        connect(link, &RedisLink::upChanged, link, [link](bool up) {
            if (!up)
                delete link;
        });
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("connection lost")));
        QVERIFY(server.freeze());
        server.stop();
        QTRY_VERIFY_WITH_TIMEOUT(guard.isNull(), kWaitMs);
        QCOMPARE(*resubmitted, 1);
        QCOMPARE(lastAnswers.count(), 1);
        QVERIFY(lastAnswers.last().isDown());
    }

    void livesOnAWorkerThread()
    {
        WorkerThread worker;
        RedisLink *link = nullptr;
        std::atomic<bool> up = false;
        worker.run([&] {
            link = new RedisLink(m_server.endpoint(), kTimeoutMs, worker.context());
            connect(link, &RedisLink::upChanged, link, [&](bool isUp) { up = isUp; });
        });
        QTRY_VERIFY_WITH_TIMEOUT(up.load(), kWaitMs);

        std::atomic<int> answered = 0;
        std::atomic<QThread *> answeredOn = nullptr;
        worker.run([&] {
            for (int i = 0; i < 100; ++i) {
                link->evalScript(incrScript(), {"worker"}, {"x"}, [&](const RedisReply &reply) {
                    answeredOn = QThread::currentThread();
                    if (reply.ok)
                        ++answered;
                });
            }
        });
        QTRY_COMPARE_WITH_TIMEOUT(answered.load(), 100, kWaitMs);
        QVERIFY(answeredOn.load() != QThread::currentThread());
        QCOMPARE(m_server.command({"GET", "worker"}).value.string, QByteArray("100"));
        worker.run([&] { delete link; });
    }

    void syncClient()
    {
        const RedisScript script("return {KEYS[1], ARGV[1]}");
        RedisReply reply =
            RedisSyncClient::evalScript(m_server.endpoint(), script, {"k"}, {"v"}, 1000);
        QCOMPARE(describe(reply), QByteArray(R"(["k", "v"])")); // through NOSCRIPT, then EVAL
        QCOMPARE(commandCalls(m_server, "eval"), 1);
        reply = RedisSyncClient::evalScript(m_server.endpoint(), script, {"k"}, {"w"}, 1000);
        QCOMPARE(describe(reply), QByteArray(R"(["k", "w"])"));
        QCOMPARE(commandCalls(m_server, "eval"), 1);
        QCOMPARE(commandCalls(m_server, "evalsha"), 2);

        reply = RedisSyncClient::evalScript(m_server.endpoint(7), setScript(), {"sync"}, {"7"},
                                            1000);
        QCOMPARE(describe(reply), QByteArray("(status) OK"));
        QCOMPARE(m_server.command({"GET", "sync"}, 7).value.string, QByteArray("7"));

        reply = RedisSyncClient::evalScript(m_server.endpoint(), kindsScript(), {"k"},
                                            {"error"}, 1000);
        QVERIFY(!reply.ok);
        QCOMPARE(reply.error, QByteArray("MYERR something broke"));
    }

    void syncClientTimeout()
    {
        QVERIFY(m_server.freeze());
        QElapsedTimer clock;
        clock.start();
        const RedisReply reply =
            RedisSyncClient::evalScript(m_server.endpoint(), incrScript(), {"k"}, {"v"}, 300);
        const qint64 elapsed = clock.elapsed();
        QVERIFY(m_server.thaw());
        QVERIFY2(reply.isTimeout(), describe(reply).constData());
        QVERIFY2(elapsed >= 280 && elapsed < 3000, qPrintable(QString::number(elapsed)));
    }

    void syncClientRefused()
    {
        RedisTestServer server;
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        server.stop();
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral(
                                 "^portico: redis 127\\.0\\.0\\.1:%1: unreachable \\(Connection "
                                 "refused\\)$").arg(server.port())));
        QElapsedTimer clock;
        clock.start();
        const RedisReply reply =
            RedisSyncClient::evalScript(server.endpoint(), incrScript(), {"k"}, {"v"}, 1000);
        QVERIFY2(reply.isDown(), describe(reply).constData());
        QVERIFY(clock.elapsed() < 1000);
    }
};

// The worker threads' dispatcher on the test's thread: every test drives RedisLink, and so the
// adapter's socket notifiers, through it.
int main(int argc, char **argv)
{
    QCoreApplication::setEventDispatcher(new EpollEventDispatcher);
    QCoreApplication app(argc, argv);
    TestRedisLink test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_redis_link.moc"
