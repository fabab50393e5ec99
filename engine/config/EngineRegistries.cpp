#include "EngineRegistries.h"

#include "policy/auth/ConsumerDirectory.h"

namespace portico {

std::shared_ptr<const ConsumerDirectory>
EngineRegistries::consumersFor(const QList<ConsumerConfig> &list)
{
    if (!consumers || !consumers->isCompiledFrom(list))
        consumers = std::make_shared<const ConsumerDirectory>(list, keyUsage);
    return consumers;
}

} // namespace portico
