#pragma once

#include "observe/CaptureBlob.h"

#include <QByteArray>
#include <QByteArrayView>

namespace portico {

class Redactor;
class TrafficCapture;
struct RequestContext;
struct RequestHead;
struct ResponseHead;

// A client connection's record of the request it serves, written as the request goes: its
// head when parsed, the response's head when sent, the rest (the decisions, the route, the
// consumer, the timings the request's context holds) when it ends. The record is a blob (see
// CaptureBlob) in a buffer the draft's writer keeps: whoever takes a finished record leaves
// another buffer in its place (the capture ring hands back the one it drops), so capturing
// costs no allocation once buffers go round.
//
// When nobody captures, begin() leaves it idle and each call below is one test of a bool.
class CaptureDraft
{
public:
    // A request starts: recorded when `capture` captures now (with its headers) or the
    // access log wants it (a summary).
    void begin(const TrafficCapture *capture, bool forAccessLog, qint64 nowMs);
    bool isActive() const { return m_active; }
    // For the capture (with headers), not only for the access log.
    bool isCaptured() const { return m_details; }

    // The request's head as the client sent it, before policies take credentials out of it (a
    // key's field, an apikey parameter): the record shows them redacted rather than not at all,
    // so the inspector and a replay know they were there.
    void addRequestHead(const RequestHead &head, const Redactor &redactor);

    void addRequestBody(QByteArrayView data)
    {
        if (m_active)
            keep(m_requestBody, m_requestBytes, data);
    }
    // The response's head, and its bytes as sent (kept whole when no field is secret).
    void addResponseHead(const ResponseHead &head, QByteArrayView sent,
                         const Redactor &redactor);
    void addResponseBody(QByteArrayView data)
    {
        if (m_active)
            keep(m_responseBody, m_responseBytes, data);
    }

    // Writes the rest of the record and returns it (null when this request is not recorded);
    // the draft is idle again. Take the record by swapping another buffer in (or an empty
    // one): the next request is written there.
    QByteArray *finish(const RequestContext &context, int status, qint64 totalUs);

private:
    void keep(QByteArray &kept, qint64 &size, QByteArrayView data);

    bool m_active = false;
    bool m_details = false;
    int m_bodyLimit = 0;
    qint64 m_requestBytes = 0;
    qint64 m_responseBytes = 0;
    QByteArray m_requestBody; // the bodies' first bytes (settings.capture_body_kib)
    QByteArray m_responseBody;
    CaptureWriter m_writer;
};

} // namespace portico
