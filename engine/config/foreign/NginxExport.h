#pragma once

#include "ForeignReport.h"

namespace portico {

// An nginx configuration for the http {} context (include it there): one upstream per service,
// a default server for the routes without hosts and one server per host set, one location per
// route path, proxy settings from the services, allow_ips/deny_ips as deny and allow rules, a
// route's per-second or per-minute rate_limit as limit_req by client address. Authentication,
// longer limits, consumers, keys, plans and JWT providers have no equivalent here and go to
// the report; a route with auth is written closed ("deny all"), never open. The output is
// deterministic. docs/formats.md has the mapping.
ForeignExport exportNginx(const Config &config);

} // namespace portico
