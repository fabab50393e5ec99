#include "ResponseFraming.h"

namespace portico {

ClientFraming frameForClient(ResponseHead &head, const RequestHead &request, bool closeAfter)
{
    ClientFraming framing;
    framing.close = closeAfter;
    const bool bodyAllowed = request.method != "HEAD" && head.status >= 200 && head.status != 204
        && head.status != 304;
    if (bodyAllowed
        && (head.framing == BodyFraming::Chunked || head.framing == BodyFraming::UntilClose)) {
        if (request.isHttp10()) {
            framing.close = true; // HTTP/1.0 has no chunked: the close ends the body
        } else {
            framing.chunked = true;
            head.headers.set(QByteArrayLiteral("Transfer-Encoding"), QByteArrayLiteral("chunked"));
        }
    }
    // Set from the parsed framing: an upstream's "Connection: Content-Length" must not leave
    // the client without one.
    if (bodyAllowed && head.framing == BodyFraming::ContentLength
        && !head.headers.contains("Content-Length")) {
        head.headers.add(QByteArrayLiteral("Content-Length"),
                         QByteArray::number(head.contentLength));
    }
    if (framing.close)
        head.headers.set(QByteArrayLiteral("Connection"), QByteArrayLiteral("close"));
    else if (request.isHttp10())
        head.headers.set(QByteArrayLiteral("Connection"), QByteArrayLiteral("keep-alive"));
    head.versionMajor = 1;
    head.versionMinor = 1;
    return framing;
}

} // namespace portico
