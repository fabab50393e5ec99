// The answering half of ClientConnection: response heads and bodies (proxied or the gateway's
// own), their framing for the client, the capture and counting of each answer, and what follows
// the last byte. The reading and dispatching half is in ClientConnection.cpp.
#include "ClientConnection.h"

#include "config/Snapshot.h"
#include "http/Serializer.h"
#include "net/Deadline.h"
#include "net/FlowControl.h"
#include "net/LocalReplies.h"
#include "net/ResponseFraming.h"
#include "net/Worker.h"

namespace portico {

void ClientConnection::sendResponseHead(ResponseHead head)
{
    Q_ASSERT(m_context);
    m_responseStarted = true;
    m_responseStatus = head.status;
    const ClientFraming framing = frameForClient(head, m_context->head, m_closeAfterResponse);
    m_responseChunked = framing.chunked;
    m_closeAfterResponse = framing.close;
    const qsizetype headStart = m_out.size();
    appendResponseHead(m_out, head);
    m_capture.addResponseHead(head, QByteArrayView(m_out).sliced(headStart),
                              m_context->snapshot->redactor);
}

void ClientConnection::sendResponseBody(QByteArrayView data)
{
    m_capture.addResponseBody(data);
    if (m_responseChunked)
        appendChunk(m_out, data);
    else
        m_out.append(data);
    if (m_out.size() >= kReadChunkBytes)
        flush();
}

void ClientConnection::flush()
{
    if (m_out.isEmpty())
        return;
    writeToClient(m_out);
    m_out.resize(0); // keeps the capacity for the next response
}

void ClientConnection::finishResponse()
{
    if (m_responseChunked)
        appendLastChunk(m_out);
    flush();
    m_responseDone = true;
    countResponse();
    retireExchange();
    if (m_wait == Wait::UpstreamDrain)
        m_wait = Wait::None; // the body now goes nowhere
    m_discardBody = true;
    if (!m_requestBodyDone && (m_closeAfterResponse || !isRestOfBodySmall())) {
        closeConnection(); // not worth reading a large rest nobody wants
        return;
    }
    if (m_requestBodyDone)
        completeRequest();
    // Only kept bytes need a pass now; new ones announce themselves through the stream.
    if (!m_inInputLoop && !m_closed && (m_inputPos < m_input.size() || m_parserPaused))
        processInput();
}

void ClientConnection::countResponse()
{
    m_worker->counters().countResponse(m_responseStatus);
    if (!m_context)
        return;
    // From the parsed head to the last byte handed to the socket; one more clock read.
    const qint64 micros =
        m_context->startedNs ? (monotonicNowNs() - m_context->startedNs) / 1000 : -1;
    m_worker->traffic().record(*m_context, m_responseStatus, micros);
    if (QByteArray *record = m_capture.finish(*m_context, m_responseStatus, micros))
        m_worker->publish(*record, m_capture.isCaptured());
}

bool ClientConnection::isRestOfBodySmall() const
{
    // Answered before the request body ended: a small known rest is read and dropped, so the
    // connection stays usable.
    constexpr qint64 kMaxDiscardBytes = 1024 * 1024;
    const RequestHead &head = m_context->head;
    if (head.framing == BodyFraming::None)
        return true;
    return head.framing == BodyFraming::ContentLength
        && head.contentLength - m_bodyBytes <= kMaxDiscardBytes;
}

void ClientConnection::sendLocalReply(const LocalReply &reply)
{
    Q_ASSERT(m_context);
    if (!m_requestBodyDone)
        m_closeAfterResponse = m_closeAfterResponse || m_context->head.expectContinue;
    m_context->record(QByteArrayLiteral("local_reply"),
                      QByteArray::number(reply.status) + ' ' + reply.error);
    m_responseStarted = true;
    m_responseStatus = reply.status;
    const QByteArray body = localReplyBody(reply, m_context->requestId);
    ResponseHead head = localReplyHead(reply, m_context->requestId, m_closeAfterResponse,
                                       m_context->head.isHttp10(), body.size());
    const QByteArray &hsts = m_worker->snapshot()->hstsValue;
    if (!m_tls.isEmpty() && !hsts.isEmpty())
        head.headers.set("Strict-Transport-Security", hsts);
    const qsizetype headStart = m_out.size();
    appendResponseHead(m_out, head);
    m_capture.addResponseHead(head, QByteArrayView(m_out).sliced(headStart),
                              m_worker->snapshot()->redactor);
    if (m_context->head.method != "HEAD") {
        m_out.append(body);
        m_capture.addResponseBody(body);
    }
    finishResponse();
}

void ClientConnection::abortResponse()
{
    countResponse();
    retireExchange();
    m_closeAfterResponse = true;
    m_requestActive = false;
    // Flush what the client already has, then close: a truncated body is visible to the client
    // as such (short Content-Length or a missing last chunk).
    closeWhenFlushed();
}

void ClientConnection::writeToClient(QByteArrayView data)
{
    if (m_closed || m_writeFailed)
        return;
    // The client is gone: the stream reports it from the event loop (this may run deep inside
    // the upstream's parser); until then nothing more is written.
    if (!m_stream->write(data))
        m_writeFailed = true;
}

} // namespace portico
