#pragma once

#include "AdminSupport.h"

namespace portico {

// GET /status: the running engine and the stored configuration at a glance.
AdminResponse statusResponse(AdminContext &context);
// GET /metrics: Prometheus text exposition (version 0.0.4) of the engine's counters.
AdminResponse metricsResponse(AdminContext &context);

} // namespace portico
