#pragma once

#include "http/HttpMessage.h"
#include "policy/Policy.h"

#include <QByteArrayView>

namespace portico {

// Where an exchange sends its answer: the client connection. It frames the body for the client
// (chunked for HTTP/1.1, until-close for HTTP/1.0) and decides about keep-alive.
class DownstreamSink
{
public:
    virtual ~DownstreamSink() = default;
    virtual void sendResponseHead(ResponseHead head) = 0;
    virtual void sendResponseBody(QByteArrayView data) = 0;
    // The response is complete; the exchange is done with everything.
    virtual void finishResponse() = 0;
    // The gateway's own answer (502, 504, ...) instead of the upstream's; also completes.
    virtual void sendLocalReply(const LocalReply &reply) = 0;
    // The upstream failed after the response started: the client connection must be cut.
    virtual void abortResponse() = 0;
    // Too much is waiting to be written to the client: stop reading the upstream.
    virtual bool isDownstreamCongested() const = 0;
    // The upstream can take request body again (its write buffer drained).
    virtual void onUpstreamDrained() = 0;
    // Writes out what was sent so far; called once per batch of upstream input, so a small
    // response leaves in one write.
    virtual void flush() = 0;
};

} // namespace portico
