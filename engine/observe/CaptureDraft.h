#pragma once

#include "http/HeaderMap.h"
#include "observe/CaptureRecord.h"

#include <QByteArrayView>

#include <memory>

namespace portico {

class Redactor;
class TrafficCapture;
struct RequestContext;
struct RequestHead;
struct ResponseHead;

// What a client connection gathers for the capture while one request runs: its bodies' sizes
// and, when details are captured, the response's fields and the bodies' first bytes. At the
// end it becomes a CaptureRecord with what the request's context holds (the decisions, the
// route, the consumer, the timings).
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
    // so the inspector and a replay know they were there. The target costs a shared copy; the
    // fields are copied only with details.
    void addRequestHead(const RequestHead &head);

    void addRequestBody(QByteArrayView data)
    {
        if (m_active)
            keep(m_requestBody, data);
    }
    void addResponseHead(const ResponseHead &head, const Redactor &redactor);
    void addResponseBody(QByteArrayView data)
    {
        if (m_active)
            keep(m_responseBody, data);
    }

    // The finished record (null when this request was not captured); the draft is idle again.
    std::shared_ptr<CaptureRecord> finish(const RequestContext &context, int status,
                                          qint64 totalUs);

private:
    void keep(CapturedBody &body, QByteArrayView data);

    bool m_active = false;
    bool m_details = false;
    int m_bodyLimit = 0;
    QByteArray m_requestTarget;
    HeaderMap m_requestFields;
    CapturedBody m_requestBody;
    CapturedBody m_responseBody;
    std::vector<CapturedField> m_responseHeaders;
};

} // namespace portico
