#pragma once

#include "AdminSupport.h"

namespace portico {

// CRUD on the named lists of the configuration: /services, /routes, /consumers, /plans and
// /jwt_providers, each with GET (paginated list), POST (create), and GET, PUT (create or
// replace), PATCH (change some fields, renames included) and DELETE on /{kind}/{name}.
// Renaming a service or a plan carries the new name to the routes or consumers that use it.
// nullopt when the path is not one of these.
std::optional<AdminResponse> handleEntityRequest(AdminContext &context,
                                                 const AdminRequest &request);

} // namespace portico
