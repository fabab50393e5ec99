#include "RequestValidation.h"

#include "HttpParser.h"

#include <array>
#include <string_view>

namespace portico {

namespace {

bool isRegNameChar(char c)
{
    // unreserved / pct-encoded / sub-delims (RFC 3986 3.2.2)
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || QByteArrayView("-._~%!$&'()*+,;=").contains(c);
}

bool isValidPort(QByteArrayView port)
{
    if (port.isEmpty())
        return true; // "host:" is allowed by the grammar
    if (port.size() > 5)
        return false;
    for (char c : port) {
        if (c < '0' || c > '9')
            return false;
    }
    return port.toInt() <= 65535;
}

} // namespace

bool isHttpToken(QByteArrayView bytes)
{
    // tchar (RFC 9110 5.6.2) as a table: every header name of every message comes through here.
    static constexpr std::array<bool, 256> kTokenChar = [] {
        std::array<bool, 256> table{};
        for (int c = '0'; c <= '9'; ++c)
            table[size_t(c)] = true;
        for (int c = 'a'; c <= 'z'; ++c)
            table[size_t(c)] = true;
        for (int c = 'A'; c <= 'Z'; ++c)
            table[size_t(c)] = true;
        for (char c : std::string_view("!#$%&'*+-.^_`|~"))
            table[uchar(c)] = true;
        return table;
    }();
    if (bytes.isEmpty())
        return false;
    for (char c : bytes) {
        if (!kTokenChar[uchar(c)])
            return false;
    }
    return true;
}

bool isValidHostHeader(QByteArrayView host)
{
    if (host.isEmpty() || host.size() > 255)
        return false;
    if (host.front() == '[') { // IP-literal
        const qsizetype close = host.indexOf(']');
        if (close < 2)
            return false;
        for (char c : host.sliced(1, close - 1)) {
            if (!(isRegNameChar(c) || c == ':'))
                return false;
        }
        QByteArrayView rest = host.sliced(close + 1);
        if (rest.isEmpty())
            return true;
        return rest.front() == ':' && isValidPort(rest.sliced(1));
    }
    const qsizetype colon = host.indexOf(':');
    QByteArrayView name = colon < 0 ? host : host.first(colon);
    if (name.isEmpty())
        return false;
    for (char c : name) {
        if (!isRegNameChar(c))
            return false;
    }
    return colon < 0 || isValidPort(host.sliced(colon + 1));
}

std::optional<HttpError> validateRequestHead(const RequestHead &head)
{
    // llhttp 8.1 accepts HTTP/0.9 and HTTP/2.0 request lines.
    if (head.versionMajor != 1 || head.versionMinor > 1)
        return HttpError{505, "unsupported HTTP version"};
    // A gateway is no forward proxy: there is nothing to tunnel to.
    if (head.method == "CONNECT")
        return HttpError{501, "CONNECT is not supported"};

    const int hostCount = head.headers.count("Host");
    if (hostCount > 1)
        return HttpError{400, "multiple Host headers"};
    if (hostCount == 0 && !head.isHttp10())
        return HttpError{400, "missing Host header"};
    if (hostCount == 1 && !isValidHostHeader(head.headers.value("Host")))
        return HttpError{400, "invalid Host header"};

    if (head.headers.contains("Transfer-Encoding")) {
        if (head.isHttp10())
            return HttpError{400, "Transfer-Encoding in an HTTP/1.0 request"};
        if (head.headers.contains("Content-Length"))
            return HttpError{400, "both Content-Length and Transfer-Encoding"};
        const auto codings = splitHeaderList(head.headers.combinedValue("Transfer-Encoding"));
        for (const QByteArray &coding : codings) {
            if (!HeaderMap::namesEqual(coding, "chunked"))
                return HttpError{501, "unsupported transfer coding"};
        }
        // Empty, or chunked applied twice (RFC 9112 7: never more than once).
        if (codings.size() != 1)
            return HttpError{400, "invalid Transfer-Encoding"};
    }
    return std::nullopt;
}

} // namespace portico
