#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QtGlobal>

#include <optional>

namespace portico {

class HeaderMap;

// W3C Trace Context, level 1. A traceparent of version 00 is
// "00-<32 hex trace-id>-<16 hex parent-id>-<2 hex flags>", lowercase hex only.
//
// Ids stay text throughout: a kept trace id is copied, never decoded and encoded again, and a
// new one is encoded once; the request path pays for one header scan, one short validation
// and two small allocations (the trace id, the traceparent sent upstream).

// A traceparent as parsed: views into the value it was parsed from.
struct TraceParent
{
    QByteArrayView traceId;  // 32 lowercase hex digits, not all zero
    QByteArrayView parentId; // 16 lowercase hex digits, not all zero
    quint8 flags = 0;

    static constexpr quint8 kSampled = 0x01;
    static constexpr qsizetype kSize = 55; // of a version 00 value
};

// Parses a traceparent value. Version 00 must be exactly 55 characters. A later version (not
// ff) is read leniently as the specification asks: its first 55 characters as version 00's,
// followed by the end or a '-' and whatever that version added; only its sampled flag is kept.
// Null for anything invalid: uppercase or non-hex digits, an all-zero trace or parent id,
// version ff, a wrong length or separator.
std::optional<TraceParent> parseTraceParent(QByteArrayView value);

// The gateway's part in a request's trace. The trace id itself is RequestContext::traceId.
struct GatewaySpan
{
    quint64 spanId = 0;          // the gateway's span: the parent id sent upstream
    quint8 flags = 0;            // kept from the client, or sampled for a new trace
    bool keepTraceState = false; // the client's traceparent was valid: pass tracestate on
};

// Continues the client's trace when its traceparent is valid (exactly one traceparent field,
// a valid value), otherwise starts a new sampled one; the trace id (32 hex digits) goes to
// `traceId`. New ids come from a per-thread generator.
GatewaySpan continueTrace(const HeaderMap &requestHeaders, QByteArray *traceId);

// The version 00 traceparent for the upstream request: the trace, the gateway's span as
// parent, the flags.
QByteArray formatTraceParent(QByteArrayView traceId, quint64 spanId, quint8 flags);

} // namespace portico
