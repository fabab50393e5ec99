#pragma once

#include "AdminMessage.h"

#include <optional>

namespace portico {

class ConfigService;
class GatewayEngine;

// The Admin API (docs/admin-api.md, and GET /openapi.json): JSON over HTTP on the
// configuration, the keys and the running engine. Checks who may call (loopback only unless
// admin_token is set; writes need the token whenever one is set), then hands the request to
// the endpoint that serves it. Runs on the ConfigService's thread.
class AdminApi
{
public:
    AdminApi(ConfigService &config, GatewayEngine *engine);

    AdminResponse handle(const AdminRequest &request);

private:
    AdminResponse route(const AdminRequest &request);
    std::optional<AdminResponse> refuse(const AdminRequest &request) const;

    ConfigService &m_config;
    GatewayEngine *m_engine;
};

} // namespace portico
