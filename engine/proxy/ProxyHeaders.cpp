#include "ProxyHeaders.h"

#include "config/Snapshot.h"
#include "policy/RequestContext.h"

namespace portico {

namespace {

QByteArray viaValue(const RequestHead &client)
{
    QByteArray v = client.isHttp10() ? "1.0" : "1.1";
    return v + " portico";
}

void appendHeaderValue(HeaderMap &headers, const QByteArray &name, const QByteArray &value)
{
    const QByteArray existing = headers.combinedValue(name);
    headers.set(name, existing.isEmpty() ? value : existing + ", " + value);
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
        h.set("Host", target.hostPort);

    appendHeaderValue(h, "X-Forwarded-For", context.clientIp);
    h.set("X-Forwarded-Proto", "http");
    if (!clientHost.isEmpty())
        h.set("X-Forwarded-Host", clientHost);
    appendHeaderValue(h, "Via", viaValue(client));
    h.set("X-Request-Id", context.requestId);

    if (up.framing == BodyFraming::ContentLength)
        h.add("Content-Length", QByteArray::number(up.contentLength));
    else if (up.framing == BodyFraming::None && client.headers.contains("Content-Length"))
        h.add("Content-Length", "0"); // an explicit empty body, e.g. a POST, stays explicit
    else if (up.framing == BodyFraming::Chunked)
        h.add("Transfer-Encoding", "chunked");
    return up;
}

void prepareDownstreamResponseHead(ResponseHead &head, const RequestContext &context)
{
    HeaderMap &h = head.headers;
    stripHopByHopHeaders(h);
    appendHeaderValue(h, "Via", head.versionMinor == 0 ? "1.0 portico" : "1.1 portico");
    h.set("X-Request-Id", context.requestId);
}

} // namespace portico
