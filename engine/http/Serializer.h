#pragma once

#include "HttpMessage.h"

#include <QByteArray>
#include <QByteArrayView>

namespace portico {

// Writes message heads and chunked framing onto the wire, appending to `out`. Fields whose name
// could break the head are skipped; CR, LF and NUL in values become spaces.
void appendRequestHead(QByteArray &out, const RequestHead &head);
void appendResponseHead(QByteArray &out, const ResponseHead &head);
void appendHeaders(QByteArray &out, const HeaderMap &headers);

// One chunk of the chunked transfer coding ("1a\r\n<data>\r\n"); empty data writes nothing.
void appendChunk(QByteArray &out, QByteArrayView data);
// The last chunk with no trailers ("0\r\n\r\n").
void appendLastChunk(QByteArray &out);

// A complete small response with a body, used for the gateway's own answers. Adds
// Content-Length when the head has no framing; 1xx/204/304 never carry the body.
QByteArray serializeResponse(const ResponseHead &head, QByteArrayView body);

} // namespace portico
