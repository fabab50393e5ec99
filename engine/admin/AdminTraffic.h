#pragma once

#include "AdminSupport.h"

namespace portico {

// GET /traffic: the recent captured requests, oldest first. `limit` (default 100) caps how
// many, `after` (a sequence number) returns only newer ones, for polling; `format=har` returns
// HAR 1.2 instead of Portico's JSON. Reading marks the capture as watched: with settings.capture
// "watched" requests are captured for a minute after. nullopt when the path is not this one.
std::optional<AdminResponse> handleTrafficRequest(AdminContext &context,
                                                  const AdminRequest &request);

} // namespace portico
