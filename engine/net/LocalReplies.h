#pragma once

#include "http/HttpMessage.h"
#include "policy/Policy.h"

namespace portico {

// The gateway's own answers carry a JSON body {"error": ..., "request_id": ...}.
QByteArray localReplyBody(const LocalReply &reply, const QByteArray &requestId);

// The head of a local reply whose body (localReplyBody) has `bodySize` bytes; `close` adds
// "Connection: close".
ResponseHead localReplyHead(const LocalReply &reply, const QByteArray &requestId, bool close,
                            bool http10, qsizetype bodySize);

} // namespace portico
