#pragma once

#include "Config.h"
#include "TreeValue.h"

namespace portico {

// The declarative format's shape of each part of a configuration, in contract order. Export
// writes the whole tree; the Admin API answers with the parts.
TreeValue configToTree(const Config &config);
TreeValue settingsToTree(const SettingsConfig &settings);
TreeValue serviceToTree(const ServiceConfig &service);
TreeValue routeToTree(const RouteConfig &route);
TreeValue consumerToTree(const ConsumerConfig &consumer);
TreeValue apiKeyToTree(const ApiKeyConfig &key);
TreeValue planToTree(const PlanConfig &plan);
TreeValue jwtProviderToTree(const JwtProviderConfig &provider);
TreeValue limitsToTree(const LimitsConfig &limits); // only the windows that have a limit

} // namespace portico
