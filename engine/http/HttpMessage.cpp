#include "HttpMessage.h"

#include <array>

namespace portico {

QByteArray RequestHead::path() const
{
    const qsizetype q = target.indexOf('?');
    return q < 0 ? target : target.left(q);
}

QByteArray RequestHead::query() const
{
    const qsizetype q = target.indexOf('?');
    return q < 0 ? QByteArray() : target.mid(q + 1);
}

QByteArray statusCodeText(int status)
{
    static const std::array<QByteArray, 500> texts = [] {
        std::array<QByteArray, 500> all;
        for (int code = 100; code < 600; ++code)
            all[size_t(code - 100)] = QByteArray::number(code);
        return all;
    }();
    return status >= 100 && status < 600 ? texts[size_t(status - 100)] : QByteArray::number(status);
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 203: return "Non-Authoritative Information";
    case 206: return "Partial Content";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Content";
    case 426: return "Upgrade Required";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

bool isHopByHopHeader(QByteArrayView name)
{
    // Views with their lengths known at compile time: most names are rejected on length alone.
    static constexpr QByteArrayView kNames[] = {
        "Connection",       "Keep-Alive",          "TE",
        "Trailer",          "Transfer-Encoding",   "Upgrade",
        "Proxy-Connection", "Proxy-Authorization", "Proxy-Authenticate"};
    for (QByteArrayView n : kNames) {
        if (HeaderMap::namesEqual(name, n))
            return true;
    }
    return false;
}

void stripHopByHopHeaders(HeaderMap &headers)
{
    // Names listed in Connection are hop-by-hop too.
    for (const QByteArray &listed : splitHeaderList(headers.combinedValue("Connection")))
        headers.remove(listed);
    auto &fields = headers.fields();
    std::erase_if(fields, [](const HeaderMap::Field &f) {
        return isHopByHopHeader(f.first)
            || (f.first.size() > 6
                && HeaderMap::namesEqual(QByteArrayView(f.first).first(6), "Proxy-"));
    });
}

} // namespace portico
