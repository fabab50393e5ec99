#pragma once

#include "HeaderMap.h"

#include <QByteArray>

namespace portico {

// How a message body is delimited on the wire (RFC 9112 6.3).
enum class BodyFraming {
    None,          // no body at all
    ContentLength, // exactly contentLength bytes
    Chunked,       // chunked transfer coding
    UntilClose,    // responses only: the body ends when the connection closes
};

struct RequestHead
{
    QByteArray method;
    QByteArray target; // request-target as sent (origin-form normally)
    int versionMajor = 1;
    int versionMinor = 1;
    HeaderMap headers;
    BodyFraming framing = BodyFraming::None;
    qint64 contentLength = 0;
    bool keepAlive = true;       // what the client asked for (llhttp_should_keep_alive)
    bool expectContinue = false; // "Expect: 100-continue"

    bool isHttp10() const { return versionMajor == 1 && versionMinor == 0; }
    bool hasBody() const { return framing != BodyFraming::None; }
    // The path part of the target, without the query.
    QByteArray path() const;
    QByteArray query() const; // without '?', null when absent
};

struct ResponseHead
{
    int status = 200;
    QByteArray reason;
    int versionMajor = 1;
    int versionMinor = 1;
    HeaderMap headers;
    BodyFraming framing = BodyFraming::None;
    qint64 contentLength = 0;
    bool keepAlive = true; // whether the connection may be reused after this response
};

// The canonical reason phrase for a status code ("Not Found"), or "Unknown".
QByteArray reasonPhrase(int status);
// The status code as text ("404"), shared rather than formatted anew for 100..599.
QByteArray statusCodeText(int status);

// Hop-by-hop headers (RFC 9110 7.6.1) are meaningful only for one connection.
bool isHopByHopHeader(QByteArrayView name);
// Removes hop-by-hop headers, including every name listed in Connection.
void stripHopByHopHeaders(HeaderMap &headers);

} // namespace portico
