#pragma once

#include "RedisEndpoint.h"
#include "RedisReply.h"
#include "RedisScript.h"

#include <QByteArray>
#include <QList>

#include <vector>

namespace portico {

// Blocking Redis calls, one connection each, for threads that may wait a little (the Admin
// API's), never for workers (RedisLink is theirs). timeoutMs bounds connecting and then each
// read or write. A connection that cannot be made is "down" (the reason goes to the log), a
// reply that does not come in time "timeout", like RedisLink's.
class RedisSyncClient
{
public:
    // EVALSHA, then EVAL when Redis does not know the script (NOSCRIPT).
    static RedisReply evalScript(const RedisEndpoint &endpoint, const RedisScript &script,
                                 const std::vector<QByteArray> &keys,
                                 const std::vector<QByteArray> &args, int timeoutMs);
    // Any command, as words ("GET", key).
    static RedisReply command(const RedisEndpoint &endpoint, const QList<QByteArray> &words,
                              int timeoutMs);
};

} // namespace portico
