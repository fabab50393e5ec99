#pragma once

#include "HeadScanner.h"
#include "HeadText.h"
#include "HttpMessage.h"
#include "SpanCollector.h"

#include <QByteArray>
#include <QByteArrayView>

#include <llhttp.h>

#include <vector>

namespace portico {

// Why a message was rejected: the status to answer with and a short human reason.
struct HttpError
{
    int status = 400;
    QByteArray message;
};

// Receives a parsed message piece by piece. Each callback may ask the parser to pause: it then
// stops right after the piece and returns what it consumed, so the caller keeps the rest.
class HttpParserListener
{
public:
    enum class Action { Continue, Pause, SkipBody };
    virtual ~HttpParserListener() = default;
    // SkipBody is meaningless for a request and is taken as Continue.
    virtual Action onRequestHead(RequestHead &head) { return Action::Continue; }
    // SkipBody: the response has no body even though its headers say otherwise (HEAD).
    virtual Action onResponseHead(ResponseHead &head) { return Action::Continue; }
    // Never called with empty data.
    virtual Action onBody(QByteArrayView data) { return Action::Continue; }
    virtual Action onMessageComplete() { return Action::Continue; }
};

// Size limits a parser enforces on a message head (and on a chunked body's trailers).
struct HeadLimits
{
    int maxUriBytes = 8 * 1024;     // 414 beyond
    int maxHeaderBytes = 32 * 1024; // request line + headers, raw bytes; 431 beyond
};

// Incremental HTTP/1.x parser over llhttp 8.1 (no lenient flags), plus the checks llhttp lacks
// even when built with LLHTTP_STRICT_MODE=1, and more so without it (the default): bare LF,
// obs-fold, whitespace in field names or the request line, control characters, HTTP versions
// other than 1.0/1.1, framing and Host rules (see HeadScanner.h, RequestValidation.h).
// Trailers are parsed and dropped. Upgrade requests are handled as plain requests (a gateway
// strips Upgrade); CONNECT is refused. A response's 1xx/204/304 never has a body.
//
// Pausing: when a callback returns Pause, feed() returns Paused with `consumed` counting exactly
// the bytes up to the end of the piece that callback saw (the head, the body span, the whole
// message). The caller keeps data[consumed..], calls resume(), then feeds the kept bytes. It
// must call feed() after resume() even when it kept nothing: a callback that needs no more
// input (onMessageComplete after a paused onRequestHead or onBody) is delivered then.
class HttpParser
{
public:
    enum class Kind { Request, Response };
    enum class Status { Ok, Paused, Error };
    struct Result
    {
        Status status = Status::Ok;
        qsizetype consumed = 0;
    };

    HttpParser(Kind kind, HttpParserListener *listener, HeadLimits limits = {});
    ~HttpParser();
    HttpParser(const HttpParser &) = delete;
    HttpParser &operator=(const HttpParser &) = delete;

    // Ok: all of data consumed. Paused: see above. Error: error() says why; the parser stays
    // failed. Feeding while paused consumes nothing and returns Paused. Bytes after a message
    // that ends the connection (keepAlive false) are consumed and ignored.
    Result feed(QByteArrayView data);
    // Continues after a pause; the caller then feeds the bytes it kept (possibly none).
    void resume();
    // The peer closed its side: completes a body delimited by close, or reports truncation.
    Result finish();

    const HttpError &error() const { return m_error; }
    bool isPaused() const { return m_paused; }
    bool hasFailed() const { return m_failed; }
    // True between the first byte of a message and its completion.
    bool isMidMessage() const { return m_midMessage; }
    qint64 messagesCompleted() const { return m_messagesCompleted; }

private:
    friend struct HttpParserCallbacks;
    Result run(QByteArrayView data);
    Result execute(QByteArrayView data);
    Result fail(qsizetype consumed);
    void setErrorFromLlhttp(int err);
    void startScan(HeadScanner::Region region);
    // Where a header field's texts are in m_text; one per field, in the fields' order.
    struct FieldText
    {
        HeadText::Span name; // unless the name is a common one
        HeadText::Span value;
        bool nameIsCommon = false;
    };
    void bindHeadTexts(HeaderMap &headers);
    int headersComplete();
    int requestHeadComplete();
    int responseHeadComplete();
    int failWith(int status, const char *message);
    int listenerResult(HttpParserListener::Action action);

    Kind m_kind;
    HttpParserListener *m_listener;
    HeadLimits m_limits;
    llhttp_t m_parser; // in place: a parser is made per proxied request
    HeadScanner m_scanner;

    RequestHead m_request;
    ResponseHead m_response;
    SpanCollector m_url;
    SpanCollector m_field;
    SpanCollector m_value;
    HeadText m_text; // the texts of the head being parsed
    HeadText::Span m_targetText;
    std::vector<FieldText> m_fieldTexts;
    qsizetype m_headSizeHint = 0;
    bool m_headDone = false;      // header callbacks after this are trailers: ignored
    bool m_internalPause = false; // llhttp paused for us, not for the listener
    bool m_listenerPaused = false;
    bool m_paused = false;
    bool m_failed = false;
    bool m_userError = false; // m_error set by our callbacks; keep it over llhttp's code
    bool m_midMessage = false;
    bool m_connectionDone = false; // the last message ended the connection (not keep-alive)
    qint64 m_messagesCompleted = 0;
    HttpError m_error;
};

} // namespace portico
