#include "RequestRouting.h"

#include "config/Snapshot.h"
#include "http/RequestTarget.h"
#include "policy/RequestContext.h"
#include "routing/PathNormalizer.h"

namespace portico {

std::optional<EarlyReply> routeRequest(RequestContext &ctx)
{
    const Snapshot &snapshot = *ctx.snapshot;
    if (ctx.head.method == "CONNECT")
        return EarlyReply{LocalReply{405, "CONNECT is not supported", {}}, true};
    if (!toOriginForm(ctx.head))
        return EarlyReply{LocalReply{400, "unsupported request-target form", {}}, true};
    const QByteArray path = ctx.head.path();
    const std::optional<QByteArray> normalized = normalizePath(path);
    if (!normalized)
        return EarlyReply{LocalReply{400, "invalid request path", {}}, false};
    ctx.normalizedPath = *normalized;
    const std::optional<RouteMatch> match =
        snapshot.router.match(ctx.head.method, ctx.head.headers.value("Host"), ctx.normalizedPath);
    if (!match) {
        ctx.record(QByteArrayLiteral("route"), QByteArrayLiteral("none"));
        return EarlyReply{LocalReply{404, "no route matched", {}}, ctx.head.expectContinue};
    }
    ctx.routeIndex = match->routeIndex;
    ctx.stripLength = match->stripLength;
    ctx.route = &snapshot.routes[size_t(match->routeIndex)];
    ctx.record(QByteArrayLiteral("route"), ctx.route->nameUtf8);
    if (ctx.head.framing == BodyFraming::ContentLength
        && ctx.head.contentLength > ctx.route->maxBodyBytes)
        return EarlyReply{LocalReply{413, "request body too large", {}}, true};
    return std::nullopt;
}

} // namespace portico
