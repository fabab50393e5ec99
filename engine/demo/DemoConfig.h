#pragma once

#include "config/Config.h"

#include <functional>

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

// The demo configuration a new desktop store starts with: the mock services on their preferred
// ports (19001-19004), whatever ports they got this time, so the stored configuration stays
// right for every later start on which those ports are free.
Config makeStoredDemoConfig();

// The demo configuration with each mock service (users, orders, payments, payments-v2) at
// urlOf(name).
Config makeDemoConfig(const std::function<QString(const QString &)> &urlOf);

} // namespace portico
