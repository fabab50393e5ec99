#include "ProxyHeaders.h"

#include "config/Snapshot.h"
#include "policy/RequestContext.h"
#include "policy/auth/ConsumerDirectory.h"

namespace portico {

namespace {

QByteArray viaValue(bool http10)
{
    return http10 ? QByteArrayLiteral("1.0 portico") : QByteArrayLiteral("1.1 portico");
}

// Header names the proxy treats specially, classified in one comparison per name (most are
// rejected on their length alone).
enum class Role {
    Other,
    HopByHop,       // RFC 9110 7.6.1, and Proxy-*
    Host,
    ContentLength,
    Expect,
    ForwardedFor,   // X-Forwarded-For: appended to
    ForwardedProto, // X-Forwarded-Proto, X-Forwarded-Host, X-Request-Id: replaced
    ForwardedHost,
    RequestId,
    Via,            // appended to
    Identity,       // X-Consumer-*, X-Authenticated-*: only the gateway may set them
    TraceParent,    // replaced by the gateway's (same trace, its own span as parent)
    TraceState,     // kept only with a valid incoming traceparent
};

Role roleOf(QByteArrayView name)
{
    struct Entry
    {
        QByteArrayView name;
        Role role;
    };
    static constexpr Entry kEntries[] = {
        {"Host", Role::Host},
        {"Content-Length", Role::ContentLength},
        {"Expect", Role::Expect},
        {"X-Forwarded-For", Role::ForwardedFor},
        {"X-Forwarded-Proto", Role::ForwardedProto},
        {"X-Forwarded-Host", Role::ForwardedHost},
        {"X-Request-Id", Role::RequestId},
        {"Via", Role::Via},
        {"X-Consumer-Name", Role::Identity},
        {"X-Consumer-Id", Role::Identity},
        {"X-Authenticated-Subject", Role::Identity},
        {"X-Authenticated-Scope", Role::Identity},
        {"traceparent", Role::TraceParent},
        {"tracestate", Role::TraceState},
    };
    if (isHopByHopHeader(name)
        || (name.size() > 6 && HeaderMap::namesEqual(name.first(6), "Proxy-")))
        return Role::HopByHop;
    for (const Entry &e : kEntries) {
        if (HeaderMap::namesEqual(name, e.name))
            return e.role;
    }
    return Role::Other;
}

// The names a Connection header lists are hop-by-hop for this message too. "close" and
// "keep-alive" (the usual ones) need no entry: no header is named "close", and Keep-Alive is
// hop-by-hop anyway; so the common message allocates nothing here.
std::vector<QByteArray> connectionListedNames(const HeaderMap &headers)
{
    std::vector<QByteArray> names;
    for (const auto &[name, value] : headers.fields()) {
        if (!HeaderMap::namesEqual(name, "Connection"))
            continue;
        forEachListElement(value, [&](QByteArrayView token) {
            if (!isHopByHopHeader(token) && !HeaderMap::namesEqual(token, "close"))
                names.emplace_back(token.toByteArray());
        });
    }
    return names;
}

bool isListed(QByteArrayView name, const std::vector<QByteArray> &listed)
{
    for (const QByteArray &l : listed) {
        if (HeaderMap::namesEqual(name, l))
            return true;
    }
    return false;
}

void appendListValue(QByteArray &list, const QByteArray &value)
{
    if (list.isEmpty())
        list = value;
    else
        list += ", " + value;
}

void appendIdentityHeaders(std::vector<HeaderMap::Field> &out, const RequestIdentity &identity)
{
    if (!identity.authenticated)
        return;
    if (identity.consumer) {
        out.emplace_back(QByteArrayLiteral("X-Consumer-Name"), identity.consumer->name);
        out.emplace_back(QByteArrayLiteral("X-Consumer-Id"), identity.consumer->id);
    }
    if (!identity.subject.isEmpty())
        out.emplace_back(QByteArrayLiteral("X-Authenticated-Subject"), identity.subject);
    if (!identity.scope.isEmpty())
        out.emplace_back(QByteArrayLiteral("X-Authenticated-Scope"), identity.scope);
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

    // One pass over the client's headers: hop-by-hop ones (and those Connection lists) are
    // dropped, the gateway's own are replaced or appended to, everything else is kept in order.
    const std::vector<QByteArray> listed = connectionListedNames(client.headers);
    QByteArray clientHost;
    QByteArray forwardedFor;
    QByteArray via;
    bool hadContentLength = false;
    std::vector<HeaderMap::Field> &out = up.headers.fields();
    // The gateway's own (traceparent and identity included) and the framing field.
    out.reserve(client.headers.fields().size() + 12);
    for (const HeaderMap::Field &field : client.headers.fields()) {
        switch (roleOf(field.first)) {
        case Role::HopByHop:
        case Role::Expect: // answered by the gateway; the body is sent anyway
        case Role::ForwardedProto:
        case Role::ForwardedHost:
        case Role::RequestId:
        case Role::Identity: // a client claiming to be someone (set below from what was proven)
        case Role::TraceParent:
            continue;
        case Role::TraceState:
            if (context.trace.keepTraceState)
                out.push_back(field);
            continue;
        case Role::ContentLength:
            hadContentLength = true;
            continue; // set below from the parsed framing
        case Role::Host:
            if (clientHost.isNull())
                clientHost = field.second;
            continue;
        case Role::ForwardedFor:
            appendListValue(forwardedFor, field.second);
            continue;
        case Role::Via:
            appendListValue(via, field.second);
            continue;
        case Role::Other:
            if (!listed.empty() && isListed(field.first, listed))
                continue;
            out.push_back(field);
            continue;
        }
    }

    // Literals throughout: these run for every request and must not allocate.
    const bool keepHost = service.preserveHost && !clientHost.isEmpty();
    out.emplace_back(QByteArrayLiteral("Host"), keepHost ? clientHost : target.hostPort);
    appendListValue(forwardedFor, context.clientIp);
    out.emplace_back(QByteArrayLiteral("X-Forwarded-For"), forwardedFor);
    out.emplace_back(QByteArrayLiteral("X-Forwarded-Proto"),
                     context.tls.isEmpty() ? QByteArrayLiteral("http") : QByteArrayLiteral("https"));
    if (!clientHost.isEmpty())
        out.emplace_back(QByteArrayLiteral("X-Forwarded-Host"), clientHost);
    appendListValue(via, viaValue(client.isHttp10()));
    out.emplace_back(QByteArrayLiteral("Via"), via);
    out.emplace_back(QByteArrayLiteral("X-Request-Id"), context.requestId);
    if (!context.traceId.isEmpty()) {
        out.emplace_back(QByteArrayLiteral("traceparent"),
                         formatTraceParent(context.traceId, context.trace.spanId,
                                           context.trace.flags));
    }
    appendIdentityHeaders(out, context.identity);

    if (up.framing == BodyFraming::ContentLength) {
        out.emplace_back(QByteArrayLiteral("Content-Length"),
                         QByteArray::number(up.contentLength));
    } else if (up.framing == BodyFraming::None && hadContentLength) {
        // An explicit empty body, e.g. a POST, stays explicit.
        out.emplace_back(QByteArrayLiteral("Content-Length"), QByteArrayLiteral("0"));
    } else if (up.framing == BodyFraming::Chunked) {
        out.emplace_back(QByteArrayLiteral("Transfer-Encoding"), QByteArrayLiteral("chunked"));
    }
    return up;
}

void prepareDownstreamResponseHead(ResponseHead &head, const RequestContext &context)
{
    const std::vector<QByteArray> listed = connectionListedNames(head.headers);
    QByteArray via;
    std::vector<HeaderMap::Field> &fields = head.headers.fields();
    std::erase_if(fields, [&](const HeaderMap::Field &field) {
        const QByteArrayView name = field.first;
        // Only the cheap length test runs for most names.
        if (isHopByHopHeader(name)
            || (name.size() > 6 && HeaderMap::namesEqual(name.first(6), "Proxy-")))
            return true;
        if (HeaderMap::namesEqual(name, "Via")) {
            appendListValue(via, field.second);
            return true;
        }
        if (HeaderMap::namesEqual(name, "X-Request-Id"))
            return true;
        return !listed.empty() && isListed(name, listed);
    });
    appendListValue(via, viaValue(head.versionMinor == 0));
    fields.reserve(fields.size() + 2 + size_t(context.responseHeaders.size()));
    fields.emplace_back(QByteArrayLiteral("Via"), via);
    fields.emplace_back(QByteArrayLiteral("X-Request-Id"), context.requestId);
    for (const HeaderMap::Field &field : context.responseHeaders)
        fields.push_back(field);
}

} // namespace portico
