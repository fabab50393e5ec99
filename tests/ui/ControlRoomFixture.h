#pragma once

// A control room for widget tests: a real engine and a ConfigService over a real (in-memory)
// SQLite store, wired the way the desktop app wires them.

#include "ControlRoom.h"

#include "config/ConfigService.h"
#include "config/ConfigStore.h"
#include "net/GatewayEngine.h"

#include <QtGlobal>

#include <memory>

namespace portico {

struct ControlRoomFixture
{
    GatewayEngine engine;
    std::unique_ptr<ConfigService> config;

    // An in-memory store unless `storePath` names a file.
    explicit ControlRoomFixture(const Config &initial = Config(),
                                const QString &storePath = ConfigStore::kInMemory)
    {
        ConfigStore::OpenResult opened = ConfigStore::open(storePath, initial);
        if (!opened.store)
            qFatal("cannot open an in-memory store: %s", qPrintable(opened.error));
        config = std::make_unique<ConfigService>(std::move(opened.store), [this](const Config &c) {
            return engine.isRunning() ? engine.apply(c, ConfigCheck::AlreadyValidated)
                                      : ConfigErrors();
        });
    }
    ~ControlRoomFixture() { engine.stop(); }

    bool start(ConfigErrors *errors = nullptr) { return engine.start(config->config(), errors); }
    ControlRoom room() { return ControlRoom{&engine, config.get(), QString()}; }
};

} // namespace portico
