#include "HttpParser.h"

#include "RequestValidation.h"

#include <llhttp.h>

#include <cstring>

namespace portico {

// llhttp calls back through C function pointers; these trampolines forward to the parser.
namespace {

constexpr qsizetype kTypicalHeaderCount = 16;
constexpr qsizetype kHeadSizeGuess = 512; // for a head that is not all in one read

// Methods, reasons and header names most messages carry, in their usual spelling: a parsed
// token equal to one of them shares its constant instead of allocating a copy.
template<size_t N>
const QByteArray *commonToken(QByteArrayView token, const QByteArray (&common)[N])
{
    for (const QByteArray &c : common) {
        if (c.size() == token.size()
            && memcmp(c.constData(), token.data(), size_t(token.size())) == 0)
            return &c;
    }
    return nullptr;
}

template<size_t N>
QByteArray internedToken(QByteArrayView token, const QByteArray (&common)[N])
{
    const QByteArray *c = commonToken(token, common);
    return c ? *c : token.toByteArray();
}

const QByteArray kCommonMethods[] = {
    QByteArrayLiteral("GET"),     QByteArrayLiteral("POST"), QByteArrayLiteral("PUT"),
    QByteArrayLiteral("DELETE"),  QByteArrayLiteral("HEAD"), QByteArrayLiteral("PATCH"),
    QByteArrayLiteral("OPTIONS"),
};

const QByteArray kCommonReasons[] = {
    QByteArrayLiteral("OK"),           QByteArrayLiteral("Created"),
    QByteArrayLiteral("No Content"),   QByteArrayLiteral("Not Found"),
    QByteArrayLiteral("Not Modified"),
};

const QByteArray kCommonHeaderNames[] = {
    QByteArrayLiteral("Host"),
    QByteArrayLiteral("Content-Type"),
    QByteArrayLiteral("Content-Length"),
    QByteArrayLiteral("Connection"),
    QByteArrayLiteral("Date"),
    QByteArrayLiteral("Server"),
    QByteArrayLiteral("User-Agent"),
    QByteArrayLiteral("Accept"),
    QByteArrayLiteral("Accept-Encoding"),
    QByteArrayLiteral("Transfer-Encoding"),
    QByteArrayLiteral("Cache-Control"),
    QByteArrayLiteral("Authorization"),
    QByteArrayLiteral("X-API-Key"),
    QByteArrayLiteral("Content-Encoding"),
    QByteArrayLiteral("Keep-Alive"),
    QByteArrayLiteral("X-Request-Id"),
    QByteArrayLiteral("X-Forwarded-For"),
    QByteArrayLiteral("Accept-Language"),
    QByteArrayLiteral("Cookie"),
};

} // namespace

struct HttpParserCallbacks
{
    static HttpParser *self(llhttp_t *p) { return static_cast<HttpParser *>(p->data); }

    static int onMessageBegin(llhttp_t *p)
    {
        HttpParser *s = self(p);
        s->m_midMessage = true;
        s->m_headDone = false;
        s->m_field.clear();
        s->m_value.clear();
        s->m_url.clear();
        s->m_text.start(s->m_headSizeHint);
        s->m_fieldTexts.clear();
        if (s->m_kind == HttpParser::Kind::Request) {
            s->m_request = RequestHead{};
            s->m_request.headers.fields().reserve(kTypicalHeaderCount);
        } else {
            s->m_response = ResponseHead{};
            s->m_response.headers.fields().reserve(kTypicalHeaderCount);
        }
        return HPE_OK;
    }

    static int onMethod(llhttp_t *p, const char *at, size_t len)
    {
        QByteArray &method = self(p)->m_request.method;
        if (method.isEmpty())
            method = internedToken(QByteArrayView(at, qsizetype(len)), kCommonMethods);
        else
            method.append(at, qsizetype(len)); // the method arrived in pieces
        return HPE_OK;
    }

    // The URI and head sizes are enforced on raw bytes by HeadScanner before llhttp runs.
    static int onUrl(llhttp_t *p, const char *at, size_t len)
    {
        self(p)->m_url.add(at, qsizetype(len));
        return HPE_OK;
    }

    static int onUrlComplete(llhttp_t *p)
    {
        HttpParser *s = self(p);
        s->m_targetText = s->m_text.add(s->m_url.view());
        s->m_url.clear();
        return HPE_OK;
    }

    static int onStatus(llhttp_t *p, const char *at, size_t len)
    {
        QByteArray &reason = self(p)->m_response.reason;
        if (reason.isEmpty())
            reason = internedToken(QByteArrayView(at, qsizetype(len)), kCommonReasons);
        else
            reason.append(at, qsizetype(len));
        return HPE_OK;
    }

    static int onHeaderField(llhttp_t *p, const char *at, size_t len)
    {
        HttpParser *s = self(p);
        if (!s->m_headDone) // trailers are dropped
            s->m_field.add(at, qsizetype(len));
        return HPE_OK;
    }

    static int onHeaderFieldComplete(llhttp_t *p)
    {
        HttpParser *s = self(p);
        // llhttp 8.1 accepts "Host : x", "Ho st: x" and ": x"; RFC 9112 5.1 says reject.
        if (!s->m_headDone && !isHttpToken(s->m_field.view()))
            return s->failWith(400, "invalid header field name");
        return HPE_OK;
    }

    static int onHeaderValue(llhttp_t *p, const char *at, size_t len)
    {
        HttpParser *s = self(p);
        if (!s->m_headDone)
            s->m_value.add(at, qsizetype(len));
        return HPE_OK;
    }

    static int onHeaderValueComplete(llhttp_t *p)
    {
        HttpParser *s = self(p);
        if (s->m_headDone)
            return HPE_OK;
        // llhttp drops leading whitespace but keeps trailing OWS in the span.
        QByteArrayView value = s->m_value.view();
        while (!value.isEmpty() && (value.back() == ' ' || value.back() == '\t'))
            value.chop(1);
        HeaderMap &headers =
            s->m_kind == HttpParser::Kind::Request ? s->m_request.headers : s->m_response.headers;
        // The texts go into the head's buffer and into the field once the head is complete
        // (bindHeadTexts); a common name is a shared constant at once.
        HttpParser::FieldText text;
        text.value = s->m_text.add(value);
        const QByteArray *common = commonToken(s->m_field.view(), kCommonHeaderNames);
        if (common)
            text.nameIsCommon = true;
        else
            text.name = s->m_text.add(s->m_field.view());
        headers.add(common ? *common : QByteArray(), QByteArray());
        s->m_fieldTexts.push_back(text);
        s->m_field.clear();
        s->m_value.clear();
        return HPE_OK;
    }

    static int onHeadersComplete(llhttp_t *p) { return self(p)->headersComplete(); }

    static int onChunkHeader(llhttp_t *p)
    {
        HttpParser *s = self(p);
        if (p->content_length != 0)
            return HPE_OK;
        // The last chunk: stop so the trailer section's raw bytes get checked from here.
        s->startScan(HeadScanner::Region::Trailers);
        s->m_internalPause = true;
        return HPE_PAUSED;
    }

    static int onBody(llhttp_t *p, const char *at, size_t len)
    {
        if (len == 0) // llhttp reports an empty span when fed nothing mid-body
            return HPE_OK;
        HttpParser *s = self(p);
        return s->listenerResult(s->m_listener->onBody(QByteArrayView(at, qsizetype(len))));
    }

    static int onMessageComplete(llhttp_t *p)
    {
        HttpParser *s = self(p);
        s->m_midMessage = false;
        ++s->m_messagesCompleted;
        s->m_connectionDone = !llhttp_should_keep_alive(p);
        s->listenerResult(s->m_listener->onMessageComplete());
        // Always stop here: the next message's head is checked from this position on.
        s->startScan(HeadScanner::Region::Head);
        s->m_internalPause = true;
        return HPE_PAUSED;
    }
};

namespace {

// The callbacks are the same for every parser, and llhttp only reads them: one set for all,
// made once (a proxied request creates a response parser, and this was an allocation each).
const llhttp_settings_t *parserSettings()
{
    static const llhttp_settings_t settings = [] {
        llhttp_settings_t s;
        llhttp_settings_init(&s);
        s.on_message_begin = &HttpParserCallbacks::onMessageBegin;
        s.on_method = &HttpParserCallbacks::onMethod;
        s.on_url = &HttpParserCallbacks::onUrl;
        s.on_url_complete = &HttpParserCallbacks::onUrlComplete;
        s.on_status = &HttpParserCallbacks::onStatus;
        s.on_header_field = &HttpParserCallbacks::onHeaderField;
        s.on_header_field_complete = &HttpParserCallbacks::onHeaderFieldComplete;
        s.on_header_value = &HttpParserCallbacks::onHeaderValue;
        s.on_header_value_complete = &HttpParserCallbacks::onHeaderValueComplete;
        s.on_headers_complete = &HttpParserCallbacks::onHeadersComplete;
        s.on_chunk_header = &HttpParserCallbacks::onChunkHeader;
        s.on_body = &HttpParserCallbacks::onBody;
        s.on_message_complete = &HttpParserCallbacks::onMessageComplete;
        return s;
    }();
    return &settings;
}

} // namespace

HttpParser::HttpParser(Kind kind, HttpParserListener *listener, HeadLimits limits)
    : m_kind(kind)
    , m_listener(listener)
    , m_limits(limits)
{
    Q_ASSERT(listener);
    m_fieldTexts.reserve(kTypicalHeaderCount);
    llhttp_init(&m_parser, kind == Kind::Request ? HTTP_REQUEST : HTTP_RESPONSE,
                parserSettings());
    m_parser.data = this;
    startScan(HeadScanner::Region::Head);
}

HttpParser::~HttpParser() = default;

void HttpParser::startScan(HeadScanner::Region region)
{
    HeadScanner::Limits limits;
    limits.request = m_kind == Kind::Request;
    limits.maxUriBytes = m_limits.maxUriBytes;
    limits.maxTotalBytes = m_limits.maxHeaderBytes;
    m_scanner.start(region, limits);
}

int HttpParser::failWith(int status, const char *message)
{
    // Whatever is wrong with an upstream's response, the client gets a 502.
    m_error = HttpError{m_kind == Kind::Request ? status : 502, QByteArray(message)};
    m_userError = true;
    return HPE_USER;
}

int HttpParser::listenerResult(HttpParserListener::Action action)
{
    if (action != HttpParserListener::Action::Pause)
        return HPE_OK;
    m_listenerPaused = true;
    return HPE_PAUSED;
}

void HttpParser::bindHeadTexts(HeaderMap &headers)
{
    std::vector<HeaderMap::Field> &fields = headers.fields();
    Q_ASSERT(fields.size() == m_fieldTexts.size());
    for (size_t i = 0; i < fields.size(); ++i) {
        const FieldText &text = m_fieldTexts[i];
        if (!text.nameIsCommon)
            fields[i].first = m_text.share(text.name);
        fields[i].second = m_text.share(text.value);
    }
    if (m_kind == Kind::Request)
        m_request.target = m_text.share(m_targetText);
    m_text.release();
}

int HttpParser::headersComplete()
{
    m_headDone = true;
    bindHeadTexts(m_kind == Kind::Request ? m_request.headers : m_response.headers);
    if (m_kind == Kind::Request)
        return requestHeadComplete();
    return responseHeadComplete();
}

int HttpParser::requestHeadComplete()
{
    llhttp_t *p = &m_parser;
    RequestHead &h = m_request;
    h.versionMajor = p->http_major;
    h.versionMinor = p->http_minor;
    h.keepAlive = llhttp_should_keep_alive(p);
    if (p->flags & F_CHUNKED) {
        h.framing = BodyFraming::Chunked;
    } else if (p->flags & F_CONTENT_LENGTH) {
        h.contentLength = qint64(p->content_length);
        h.framing = h.contentLength > 0 ? BodyFraming::ContentLength : BodyFraming::None;
    }
    // An HTTP/1.0 client cannot expect 100-continue (RFC 9110 10.1.1).
    h.expectContinue =
        !h.isHttp10() && HeaderMap::namesEqual(h.headers.value("Expect").trimmed(), "100-continue");
    if (auto err = validateRequestHead(h)) {
        m_error = *err;
        m_userError = true;
        return HPE_USER;
    }
    // Upgrade is hop-by-hop and never forwarded: parse the next bytes as HTTP, not as a tunnel.
    p->upgrade = 0;
    return listenerResult(m_listener->onRequestHead(h));
}

int HttpParser::responseHeadComplete()
{
    llhttp_t *p = &m_parser;
    ResponseHead &h = m_response;
    h.status = p->status_code;
    h.versionMajor = p->http_major;
    h.versionMinor = p->http_minor;
    if (h.versionMajor != 1 || h.versionMinor > 1)
        return failWith(502, "unsupported HTTP version in response");
    if (h.status == 101) // we strip Upgrade, so the upstream was never asked to switch
        return failWith(502, "unexpected 101 Switching Protocols");
    const bool bodiless = (h.status >= 100 && h.status < 200) || h.status == 204 || h.status == 304;
    if (bodiless) {
        // llhttp would read a body after a 204/304 carrying Content-Length or chunked.
        p->flags |= F_SKIPBODY;
    } else if (p->flags & F_CHUNKED) {
        h.framing = BodyFraming::Chunked;
    } else if (p->flags & F_CONTENT_LENGTH) {
        h.contentLength = qint64(p->content_length);
        h.framing = h.contentLength > 0 ? BodyFraming::ContentLength : BodyFraming::None;
    } else {
        h.framing = BodyFraming::UntilClose;
    }
    h.keepAlive = llhttp_should_keep_alive(p);
    const HttpParserListener::Action action = m_listener->onResponseHead(h);
    if (action == HttpParserListener::Action::SkipBody) {
        h.framing = BodyFraming::None;
        p->flags |= F_SKIPBODY; // llhttp: no body follows
        return HPE_OK;
    }
    return listenerResult(action);
}

void HttpParser::setErrorFromLlhttp(int err)
{
    if (m_userError)
        return; // set by our own callbacks; llhttp reports them as HPE_CB_* or HPE_USER
    const char *reason = llhttp_get_error_reason(&m_parser);
    QByteArray message =
        reason ? QByteArray(reason) : QByteArray(llhttp_errno_name(llhttp_errno_t(err)));
    int status = m_kind == Kind::Request ? 400 : 502;
    if (m_kind == Kind::Request) {
        // llhttp's HPE_INVALID_TRANSFER_ENCODING means chunked is not the final coding: 400
        // (RFC 9112 6.3). Unknown codings with chunked last reach validateRequestHead: 501.
        // A well-formed but unknown version (HTTP/1.2, HTTP/3.0) is 505; "HTTP/1.1x" is 400.
        if (err == HPE_INVALID_VERSION && qstrcmp(reason, "Invalid HTTP version") == 0)
            status = 505;
        else if (err == HPE_PAUSED_H2_UPGRADE) {
            status = 505;
            message = "HTTP/2 connection preface";
        }
    }
    m_error = HttpError{status, message};
}

HttpParser::Result HttpParser::fail(qsizetype consumed)
{
    m_failed = true;
    m_midMessage = false;
    return {Status::Error, consumed};
}

HttpParser::Result HttpParser::run(QByteArrayView data)
{
    const Result result = execute(data);
    // A token still open at the end of this input refers into it: copy it now.
    m_url.materialize();
    m_field.materialize();
    m_value.materialize();
    return result;
}

HttpParser::Result HttpParser::execute(QByteArrayView data)
{
    // llhttp must never see a null pointer: it marks "no open span" with one.
    static const char kNothing = 0;
    const char *base = data.isEmpty() ? &kNothing : data.data();
    const qsizetype size = data.size();
    qsizetype offset = 0;
    for (;;) {
        if (m_scanner.isActive() && offset < size) {
            qsizetype scanned = 0;
            const auto outcome =
                m_scanner.scan(QByteArrayView(base + offset, size - offset), scanned);
            // A head all here tells how much room its texts need at most.
            m_headSizeHint = outcome == HeadScanner::Outcome::Done ? scanned : kHeadSizeGuess;
            if (outcome == HeadScanner::Outcome::Error) {
                const int status = m_kind == Kind::Request ? m_scanner.errorStatus() : 502;
                m_error = HttpError{status, QByteArray(m_scanner.errorMessage())};
                return fail(offset + scanned);
            }
        }
        const int err = llhttp_execute(&m_parser, base + offset, size_t(size - offset));
        if (err == HPE_OK)
            return {Status::Ok, size};
        const char *pos = llhttp_get_error_pos(&m_parser);
        const qsizetype consumed = pos ? qsizetype(pos - base) : size;
        Q_ASSERT(consumed >= offset && consumed <= size);
        if (err != HPE_PAUSED) {
            setErrorFromLlhttp(err);
            return fail(consumed);
        }
        // We keep llhttp running and track the listener's pause ourselves.
        llhttp_resume(&m_parser);
        m_internalPause = false;
        if (m_listenerPaused) {
            m_listenerPaused = false;
            m_paused = true;
            return {Status::Paused, consumed};
        }
        if (m_connectionDone)
            return {Status::Ok, size}; // what follows a connection's last message is ignored
        offset = consumed;
    }
}

HttpParser::Result HttpParser::feed(QByteArrayView data)
{
    if (m_failed)
        return {Status::Error, 0};
    if (m_paused)
        return {Status::Paused, 0};
    if (m_connectionDone) // llhttp's loose build discards these, its strict build fails
        return {Status::Ok, data.size()};
    return run(data);
}

void HttpParser::resume()
{
    m_paused = false;
}

HttpParser::Result HttpParser::finish()
{
    if (m_failed)
        return {Status::Error, 0};
    if (m_paused)
        return {Status::Paused, 0};
    const int err = llhttp_finish(&m_parser);
    if (err == HPE_OK)
        return {Status::Ok, 0};
    if (err == HPE_PAUSED && m_internalPause) { // on_message_complete ran
        m_internalPause = false;
        m_scanner = HeadScanner{};
        if (m_listenerPaused) {
            m_listenerPaused = false;
            m_paused = true;
            return {Status::Paused, 0};
        }
        return {Status::Ok, 0};
    }
    if (err == HPE_INVALID_EOF_STATE) {
        m_error = m_kind == Kind::Request ? HttpError{400, "connection closed mid-request"}
                                          : HttpError{502, "upstream closed mid-response"};
        return fail(0);
    }
    setErrorFromLlhttp(err);
    return fail(0);
}

} // namespace portico
