#pragma once

#include "AdminSupport.h"

namespace portico {

// GET /consumers/{name}/usage: each limit that applies to the consumer (its plan's, and the
// own limits of routes it can call) with what is used, what remains and when it resets, read
// from the counters without counting anything. nullopt when the path is not this one.
std::optional<AdminResponse> handleUsageRequest(AdminContext &context,
                                                const AdminRequest &request);

} // namespace portico
