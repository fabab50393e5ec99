#pragma once

#include <QByteArray>

#include <vector>

struct redisReply; // hiredis's, kept out of this header

namespace portico {

// One node of a Redis reply.
struct RedisValue
{
    enum class Type { Nil, Integer, String, Status, Error, Array };

    Type type = Type::Nil;
    qint64 integer = 0;               // Integer
    QByteArray string;                // String (bulk, binary-safe), Status, Error
    std::vector<RedisValue> elements; // Array (nested arrays allowed)

    bool isNil() const { return type == Type::Nil; }
    // Compact and unambiguous, for logs and test failures: [1, "a", nil, (error) ERR x].
    QByteArray describe() const;
};

// What a command came back with. ok is false on a timeout, when the link is down, or when
// Redis answered with an error (at the top level; errors nested in an array are values).
struct RedisReply
{
    bool ok = false;
    QByteArray error; // "timeout", "down", or Redis's error text ("NOSCRIPT ...", "ERR ...")
    RedisValue value; // the whole reply when ok; the Error node when Redis answered an error

    bool isTimeout() const { return !ok && error == timeoutError(); }
    bool isDown() const { return !ok && error == downError(); }

    static QByteArray timeoutError() { return QByteArrayLiteral("timeout"); }
    static QByteArray downError() { return QByteArrayLiteral("down"); }
    static RedisReply failure(QByteArray error);
    // Converts what hiredis parsed (not null); the caller still owns and frees it.
    static RedisReply fromHiredis(const ::redisReply &reply);
};

} // namespace portico
