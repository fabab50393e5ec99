#pragma once

#include "policy/Policy.h"

#include <optional>

namespace portico {

struct RequestContext;

// A request the gateway answers before the route's policies run.
struct EarlyReply
{
    LocalReply reply;
    bool close = false; // the connection closes after the answer
};

// The steps between a parsed request head and the route's policies, shared by the client
// connection and the route tester so both decide alike: the request-target's form, path
// normalization, the route match (recorded as the "route" decision) and the route's body limit
// against a declared Content-Length. Needs context.snapshot and context.head; sets
// normalizedPath and, when a route matches, route, routeIndex and stripLength. Returns the
// answer when the request stops here, nullopt when the route's policies come next.
std::optional<EarlyReply> routeRequest(RequestContext &context);

} // namespace portico
