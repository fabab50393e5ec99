#include "ProxyHeaders.h"

#include "config/Snapshot.h"
#include "policy/RequestContext.h"

namespace portico {

namespace {

QByteArray viaValue(bool http10)
{
    return http10 ? QByteArrayLiteral("1.0 portico") : QByteArrayLiteral("1.1 portico");
}

void appendHeaderValue(HeaderMap &headers, const QByteArray &name, const QByteArray &value)
{
    const QByteArray existing = headers.combinedValue(name);
    if (existing.isEmpty())
        headers.set(name, value);
    else
        headers.set(name, existing + ", " + value);
}

} // namespace

bool isIdempotentMethod(QByteArrayView method)
{
    return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE"
        || method == "OPTIONS" || method == "TRACE";
}

RequestHead makeUpstreamRequestHead(const RequestContext &context, const CompiledService &service,
                                    const CompiledTarget &target)
{
    const RequestHead &client = context.head;
    RequestHead up;
    up.method = client.method;
    up.versionMajor = 1;
    up.versionMinor = 1;
    up.framing = client.framing;
    up.contentLength = client.contentLength;

    QByteArray path = context.normalizedPath.mid(context.stripLength);
    if (path.isEmpty() || path.front() != '/')
        path.prepend('/');
    up.target = target.basePath + path;
    const QByteArray query = client.query();
    if (!query.isNull())
        up.target += '?' + query;

    up.headers = client.headers;
    HeaderMap &h = up.headers;
    const QByteArray clientHost = client.headers.value("Host");
    stripHopByHopHeaders(h);
    h.remove("Expect"); // the gateway answered 100-continue itself and sends the body anyway
    h.remove("Content-Length");
    if (!service.preserveHost || clientHost.isEmpty())
        h.set(QByteArrayLiteral("Host"), target.hostPort);

    // Literals throughout: these run for every request and must not allocate.
    appendHeaderValue(h, QByteArrayLiteral("X-Forwarded-For"), context.clientIp);
    h.set(QByteArrayLiteral("X-Forwarded-Proto"), QByteArrayLiteral("http"));
    if (!clientHost.isEmpty())
        h.set(QByteArrayLiteral("X-Forwarded-Host"), clientHost);
    appendHeaderValue(h, QByteArrayLiteral("Via"), viaValue(client.isHttp10()));
    h.set(QByteArrayLiteral("X-Request-Id"), context.requestId);

    if (up.framing == BodyFraming::ContentLength)
        h.add(QByteArrayLiteral("Content-Length"), QByteArray::number(up.contentLength));
    else if (up.framing == BodyFraming::None && client.headers.contains("Content-Length"))
        h.add(QByteArrayLiteral("Content-Length"), QByteArrayLiteral("0")); // an explicit empty body, e.g. a POST, stays explicit
    else if (up.framing == BodyFraming::Chunked)
        h.add(QByteArrayLiteral("Transfer-Encoding"), QByteArrayLiteral("chunked"));
    return up;
}

void prepareDownstreamResponseHead(ResponseHead &head, const RequestContext &context)
{
    HeaderMap &h = head.headers;
    stripHopByHopHeaders(h);
    appendHeaderValue(h, QByteArrayLiteral("Via"), viaValue(head.versionMinor == 0));
    h.set(QByteArrayLiteral("X-Request-Id"), context.requestId);
}

} // namespace portico
