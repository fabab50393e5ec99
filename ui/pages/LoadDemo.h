#pragma once

#include "config/ConfigStore.h"

namespace portico {

class ConfigService;

// Adds the demo's services, routes, consumer and plan (the built-in mock services on their
// usual ports, as a new desktop store starts with) to the stored configuration, as one edit;
// what already exists under the same name is left alone. For the pages' "Load demo" buttons.
StoreResult loadDemoConfig(ConfigService &config, qint64 expectedRevision);

} // namespace portico
