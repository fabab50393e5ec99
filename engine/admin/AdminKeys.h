#pragma once

#include "AdminSupport.h"

namespace portico {

// A consumer's API keys: GET /consumers/{name}/keys lists metadata (never a key),
// POST creates a key and returns it this once, DELETE /consumers/{name}/keys/{id} revokes it
// (the key stays listed, marked revoked). nullopt when the path is not one of these.
std::optional<AdminResponse> handleKeyRequest(AdminContext &context, const AdminRequest &request);

} // namespace portico
