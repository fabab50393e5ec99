#pragma once

#include "Checker.h"
#include "Config.h"

namespace portico::validation {

// Validation of what the gateway keeps of its traffic (ObserveConfig), with ConfigValidator's
// conventions: the capture ring's bounds, header capture, redaction, the access log.
void checkObserveSettings(Checker &check, const ObserveConfig &observe);

} // namespace portico::validation
