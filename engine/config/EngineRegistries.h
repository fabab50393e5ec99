#pragma once

#include "policy/auth/KeyUsageRecorder.h"
#include "policy/jwt_auth/JwksRegistry.h"
#include "proxy/TargetHealth.h"

#include <QList>

#include <memory>

namespace portico {

class ConsumerDirectory;
struct ConsumerConfig;

// What lives longer than one snapshot and the snapshots compiled from it refer to: target
// health, API key use, the JWT providers' key sets, and the last consumer directory (reused
// while the consumers are unchanged: compiling 100,000 of them on every route edit would cost
// more than the edit).
struct EngineRegistries
{
    HealthRegistry health;
    std::shared_ptr<KeyUsageRecorder> keyUsage = std::make_shared<KeyUsageRecorder>();
    std::shared_ptr<const ConsumerDirectory> consumers;
    JwksRegistry jwks;

    // The directory for these consumers: the last one when they are the same, else a new one.
    // Called where snapshots are compiled, on the engine's owner thread only.
    std::shared_ptr<const ConsumerDirectory> consumersFor(const QList<ConsumerConfig> &list);
};

} // namespace portico
