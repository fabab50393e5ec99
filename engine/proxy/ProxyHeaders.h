#pragma once

#include "http/HttpMessage.h"

namespace portico {

struct RequestContext;
struct CompiledService;
struct CompiledTarget;

// The request head sent upstream (RFC 9110 7.6): hop-by-hop headers removed, X-Forwarded-*,
// Via, X-Request-Id and traceparent (W3C Trace Context: the request's trace, the gateway's span
// as parent) set, tracestate kept only with a valid incoming traceparent, path
// stripped/rebased, framing chosen for the body.
RequestHead makeUpstreamRequestHead(const RequestContext &context, const CompiledService &service,
                                    const CompiledTarget &target);

// The response head sent to the client: hop-by-hop headers removed, Via and X-Request-Id added.
// Framing headers are left to the client connection.
void prepareDownstreamResponseHead(ResponseHead &head, const RequestContext &context);

// True for methods that can be retried without changing the outcome (RFC 9110 9.2.2).
bool isIdempotentMethod(QByteArrayView method);

} // namespace portico
