#pragma once

#include "AdminSupport.h"

namespace portico {

// The configuration as a whole: GET /config (export; ?format=yaml for YAML), PUT /config
// (replace everything, atomically), POST /config/validate (check without storing),
// GET /config/history, GET /config/history/{revision} (that version's configuration) and
// POST /config/rollback {"revision": N}. nullopt when the path is not one of these.
std::optional<AdminResponse> handleConfigRequest(AdminContext &context,
                                                 const AdminRequest &request);

} // namespace portico
