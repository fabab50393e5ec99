#include "RedisSyncClient.h"

#include "RedisArgv.h"

#include <hiredis/hiredis.h>

#include <cerrno>
#include <memory>
#include <sys/time.h>

namespace portico {

namespace {

struct ContextFree
{
    void operator()(redisContext *context) const { redisFree(context); }
};
using Context = std::unique_ptr<redisContext, ContextFree>;

timeval toTimeval(int ms)
{
    ms = std::max(1, ms);
    return timeval{ms / 1000, (ms % 1000) * 1000};
}

RedisReply run(redisContext *context, const QList<QByteArray> &words)
{
    RedisArgv argv(words);
    errno = 0;
    void *raw = redisCommandArgv(context, argv.count(), argv.argv(), argv.lengths());
    if (!raw) {
        // SO_RCVTIMEO/SO_SNDTIMEO expired: the read or write failed with EAGAIN.
        const bool timedOut = context->err == REDIS_ERR_IO
            && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ETIMEDOUT);
        if (!timedOut)
            qWarning("portico: redis: %s", context->errstr);
        return RedisReply::failure(timedOut ? RedisReply::timeoutError()
                                            : RedisReply::downError());
    }
    RedisReply reply = RedisReply::fromHiredis(*static_cast<const redisReply *>(raw));
    freeReplyObject(raw);
    return reply;
}

// Connected, timeouts set and the database selected; or null and the failure.
Context open(const RedisEndpoint &endpoint, int timeoutMs, RedisReply *failure)
{
    const QByteArray host = endpoint.host.toUtf8();
    Context context(redisConnectWithTimeout(host.constData(), endpoint.port, toTimeval(timeoutMs)));
    if (!context || context->err) {
        qWarning("portico: redis %s: unreachable (%s)", qPrintable(endpoint.address()),
                 context ? context->errstr : "out of memory");
        *failure = RedisReply::failure(RedisReply::downError());
        return nullptr;
    }
    redisSetTimeout(context.get(), toTimeval(timeoutMs));
    if (endpoint.db != 0) {
        RedisReply selected = run(context.get(), {"SELECT", QByteArray::number(endpoint.db)});
        if (!selected.ok) {
            *failure = std::move(selected);
            return nullptr;
        }
    }
    return context;
}

} // namespace

RedisReply RedisSyncClient::evalScript(const RedisEndpoint &endpoint, const RedisScript &script,
                                       const std::vector<QByteArray> &keys,
                                       const std::vector<QByteArray> &args, int timeoutMs)
{
    RedisReply failure;
    const Context context = open(endpoint, timeoutMs, &failure);
    if (!context)
        return failure;
    RedisReply reply = run(context.get(), script.evalShaCommand(keys, args));
    if (!reply.ok && reply.error.startsWith("NOSCRIPT"))
        reply = run(context.get(), script.evalCommand(keys, args));
    return reply;
}

RedisReply RedisSyncClient::command(const RedisEndpoint &endpoint, const QList<QByteArray> &words,
                                    int timeoutMs)
{
    if (words.isEmpty())
        return RedisReply::failure("ERR empty command");
    RedisReply failure;
    const Context context = open(endpoint, timeoutMs, &failure);
    return context ? run(context.get(), words) : failure;
}

} // namespace portico
