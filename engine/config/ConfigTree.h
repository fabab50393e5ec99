#pragma once

#include "Config.h"
#include "TreeValue.h"

namespace portico {

// Whether certificates' private keys are written: only when the user asks for them (an export
// with keys, the store's own history); left out, an import keeps the keys the store has.
enum class PrivateKeys { Omit, Include };

// The declarative format's shape of each part of a configuration, in contract order. Export
// writes the whole tree; the Admin API answers with the parts.
TreeValue configToTree(const Config &config, PrivateKeys keys = PrivateKeys::Omit);
TreeValue settingsToTree(const SettingsConfig &settings);
TreeValue serviceToTree(const ServiceConfig &service);
TreeValue routeToTree(const RouteConfig &route);
TreeValue consumerToTree(const ConsumerConfig &consumer);
TreeValue apiKeyToTree(const ApiKeyConfig &key);
TreeValue planToTree(const PlanConfig &plan);
TreeValue jwtProviderToTree(const JwtProviderConfig &provider);
TreeValue certificateToTree(const CertificateConfig &certificate, PrivateKeys keys);
TreeValue limitsToTree(const LimitsConfig &limits); // only the windows that have a limit

} // namespace portico
