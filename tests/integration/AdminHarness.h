#pragma once

// What the apps run, in one test process: a store file, the engine serving it, the
// configuration service between them, and the Admin API on loopback port 0. Shared by the
// integration tests that drive the gateway through its Admin API.

#include "IntegrationFixtures.h"
#include "admin/AdminApi.h"
#include "admin/AdminServer.h"
#include "config/ConfigService.h"
#include "config/ConfigStore.h"

#include <QTemporaryDir>

#include <memory>

namespace portico::test {

struct AdminHarness
{
    std::unique_ptr<QTemporaryDir> dir;
    std::unique_ptr<GatewayEngine> engine;
    std::unique_ptr<ConfigService> config;
    std::unique_ptr<AdminApi> api;
    std::unique_ptr<AdminServer> server;

    // Empty on success, otherwise why it failed.
    QString start(const Config &initial)
    {
        dir = std::make_unique<QTemporaryDir>();
        if (!dir->isValid())
            return QStringLiteral("no temporary directory");
        ConfigStore::OpenResult opened =
            ConfigStore::open(dir->filePath(QStringLiteral("portico.db")), initial);
        if (!opened.store)
            return opened.error;
        engine = std::make_unique<GatewayEngine>();
        ConfigErrors errors;
        if (!engine->start(opened.store->config(), &errors))
            return errorsText(errors);
        config = std::make_unique<ConfigService>(
            std::move(opened.store), [this](const Config &c) { return engine->apply(c); });
        api = std::make_unique<AdminApi>(*config, engine.get());
        server = std::make_unique<AdminServer>(*api);
        QString why;
        return server->listen(QStringLiteral("127.0.0.1:0"), &why) ? QString() : why;
    }

    // One request to the gateway, on a connection of its own.
    RawResponse get(const QByteArray &path, const RawHeaders &headers = {}) const
    {
        RawHttpClient client(engine->listenPort());
        return client.get(path, headers);
    }

    // One Admin API call with a JSON body.
    RawResponse admin(const QByteArray &method, const QByteArray &path,
                      const QByteArray &body = {}) const
    {
        RawHttpClient client(server->port());
        return client.request(method, path, body, {{"Content-Type", "application/json"}});
    }

    // In the order the apps stop: no more Admin calls, the engine drained, then the store.
    void stop()
    {
        server.reset();
        api.reset();
        if (engine)
            engine->stop();
        config.reset();
        engine.reset();
        dir.reset();
    }
};

} // namespace portico::test
