#pragma once

#include "config/TreeValue.h"

namespace portico {

// The OpenAPI 3.0 description of the Admin API, served as GET /openapi.json.
TreeValue adminOpenApiDocument();

} // namespace portico
