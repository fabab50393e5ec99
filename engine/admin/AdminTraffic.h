#pragma once

#include "AdminSupport.h"

namespace portico {

// GET /traffic: the recent captured requests, oldest first. `limit` (default 100) caps how
// many, `after` (a sequence number) returns only newer ones, for polling; `format=har` returns
// HAR 1.2 instead of Portico's JSON. Reading marks the capture as watched (headers are then
// captured for a minute with capture_headers "watched"). nullopt when the path is not this one.
std::optional<AdminResponse> handleTrafficRequest(AdminContext &context,
                                                  const AdminRequest &request);

} // namespace portico
