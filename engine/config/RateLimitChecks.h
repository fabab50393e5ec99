#pragma once

#include "Checker.h"
#include "Config.h"

namespace portico::validation {

// Validation of the rate-limit settings, with ConfigValidator's conventions (one error per
// problem, each naming its path): the counter store, the response headers, what happens while
// Redis is unreachable and the time zone of day and month quotas.
void checkRateLimitSettings(Checker &check, const SettingsConfig &settings);

} // namespace portico::validation
