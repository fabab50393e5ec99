#pragma once

#include "config/Config.h"

namespace portico {

class MockServices;

// The demo configuration over running mock services (the same as resources/demo/demo.yaml
// with the services' actual ports):
//   users     [/users]                 -> users
//   orders    [/orders]                -> orders
//   payments  [/payments]              -> payments: 90% v1, 10% v2 (canary)
//   api-v1    [/api/v1], strip_path    -> users  (/api/v1/users/42 arrives as /users/42)
// Listens on 127.0.0.1:8080.
Config makeDemoConfig(const MockServices &services);

} // namespace portico
