#include "TargetHealthReport.h"

#include "config/Snapshot.h"
#include "proxy/TargetHealth.h"

namespace portico {

std::vector<TargetHealthState> readTargetHealth(const Snapshot &snapshot, qint64 nowMs)
{
    std::vector<TargetHealthState> out;
    for (const CompiledService &service : snapshot.services) {
        for (const CompiledTarget &target : service.targets) {
            TargetHealthState state;
            state.service = service.name;
            state.url = target.url;
            if (const TargetHealth *health = target.health.get()) {
                state.consecutiveFailures = health->consecutiveFailures();
                state.ejections = health->ejections();
                state.ejected = health->isEjected(nowMs);
                state.ejectedForMs = qMax<qint64>(0, health->ejectedUntilMs() - nowMs);
            }
            out.push_back(std::move(state));
        }
    }
    return out;
}

} // namespace portico
