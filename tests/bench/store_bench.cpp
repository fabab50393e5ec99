// Times the configuration store on a large configuration: 10,000 routes and 100,000 consumers
// with one API key each, in a temporary directory. Not a test: build the store_bench target
// and run it; it prints JSON (milliseconds, bytes):
//
//   create_ms                 ConfigStore::open() creating the file with all of it
//   open_load_ms              opening the file again (quick_check, schema, rows, validation)
//   compile_ms                compileSnapshot() on what was opened (the engine's part of a start)
//   open_compile_ms           the two together: from file to a runnable snapshot
//   validate_ms               validateConfig() on the whole configuration (median of 9)
//   edit_route_ms             edit() changing one route's paths, with a pause before each, as
//                             edits come from a person or an API client (median of 21)
//   edit_route_back_to_back_ms the same with no pause: the working copy the store prepares
//                             after each edit is not ready yet and is waited for
//   edit_route_applied_ms     the same edit through ConfigService into a running GatewayEngine
//                             (one worker on 127.0.0.1:0): stored, compiled, swapped in; the
//                             time until edit() returns, after which new requests use it
//   rollback_ms               rollback() to the previous revision (median of 5)
//   rollback_far_ms           rollback() over every edit above, back to the first revision
//   file_bytes, wal_bytes     the store on disk at the end
//
// --validate-only times validateConfig() alone, for profiling.

#include "config/ApiKeys.h"
#include "config/ConfigService.h"
#include "config/ConfigStore.h"
#include "config/ConfigValidator.h"
#include "config/EngineRegistries.h"
#include "config/Snapshot.h"
#include "net/GatewayEngine.h"
#include "proxy/TargetHealth.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

using namespace portico;

namespace {

constexpr int kServices = 20;
constexpr int kRoutes = 10'000;
constexpr int kConsumers = 100'000;
constexpr int kPlans = 5;
constexpr int kEdits = 21;
constexpr int kPauseMs = 150;

Config bigConfig()
{
    Config config;
    for (int s = 0; s < kServices; ++s) {
        ServiceConfig service;
        service.name = QStringLiteral("svc-%1").arg(s);
        service.targets = {{QStringLiteral("http://127.0.0.1:%1").arg(9000 + s), 90},
                           {QStringLiteral("http://127.0.0.1:%1").arg(9500 + s), 10}};
        config.services.push_back(service);
    }
    for (int r = 0; r < kRoutes; ++r) {
        RouteConfig route;
        route.name = QStringLiteral("route-%1").arg(r);
        route.paths = {QStringLiteral("/api/v1/r%1").arg(r), QStringLiteral("=/exact/r%1").arg(r)};
        route.hosts = {QStringLiteral("api.example.test")};
        route.methods = {QStringLiteral("GET"), QStringLiteral("POST")};
        route.service = config.services[size_t(r % kServices)].name;
        route.auth = {QStringLiteral("key")};
        route.rateLimit.second = 100;
        config.routes.push_back(route);
    }
    for (int p = 0; p < kPlans; ++p) {
        PlanConfig plan;
        plan.name = QStringLiteral("plan-%1").arg(p);
        plan.limits.second = 10 * (p + 1);
        plan.limits.day = 10'000 * (p + 1);
        config.plans.push_back(plan);
    }
    const QDateTime created = QDateTime::fromSecsSinceEpoch(1'790'000'000, Qt::UTC);
    for (int c = 0; c < kConsumers; ++c) {
        ConsumerConfig consumer;
        consumer.name = QStringLiteral("consumer-%1").arg(c);
        consumer.plan = config.plans[size_t(c % kPlans)].name;
        ApiKeyConfig key;
        const QString plaintext = QStringLiteral("pk_bench_key_%1").arg(c);
        key.hash = hashApiKey(plaintext);
        key.id = apiKeyIdFromHash(key.hash);
        key.prefix = apiKeyDisplayPrefix(plaintext);
        key.created = created;
        consumer.keys.push_back(key);
        config.consumers.push_back(consumer);
    }
    return config;
}

double timed(const std::function<void()> &run)
{
    QElapsedTimer timer;
    timer.start();
    run();
    return double(timer.nsecsElapsed()) / 1e6;
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

EditOutcome appendPath(Config &c, int serial)
{
    c.routes[size_t(serial * 397 % kRoutes)].paths.append(QStringLiteral("/edited/%1").arg(serial));
    return EditOutcome();
}

// Edits one route's paths; false when the store refused.
bool editRoute(ConfigStore &store, int serial)
{
    const StoreResult result = store.edit(ConfigSource::Admin, QString(), store.revision(),
                                          [&](Config &c) { return appendPath(c, serial); });
    return result.status == StoreResult::Status::Ok;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const Config config = bigConfig();
    std::vector<double> validate;
    for (int i = 0; i < 9; ++i)
        validate.push_back(timed([&] { validateConfig(config); }));
    if (app.arguments().contains(QStringLiteral("--validate-only"))) {
        std::printf("{\n  \"validate_ms\": %.1f\n}\n", median(validate));
        return 0;
    }

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bench/portico.db"));
    bool ok = true;
    const double createMs = timed([&] { ok = ConfigStore::open(path, config).store != nullptr; });
    ConfigStore::OpenResult opened;
    const double openMs = timed([&] { opened = ConfigStore::open(path); });
    if (!ok || !opened.store || !(opened.store->config() == config)) {
        std::fprintf(stderr, "creating or reopening failed: %s\n", qPrintable(opened.error));
        return 1;
    }
    EngineRegistries registries;
    const double compileMs = timed([&] {
        ok = compileSnapshot(opened.store->config(), 1, registries, nullptr) != nullptr && ok;
    });
    ConfigStore &store = *opened.store;
    const qint64 firstRevision = store.revision();

    int serial = 0;
    std::vector<double> spaced;
    for (int i = 0; i < kEdits; ++i) {
        QThread::msleep(kPauseMs);
        spaced.push_back(timed([&] { ok = editRoute(store, serial++) && ok; }));
    }
    std::vector<double> backToBack;
    for (int i = 0; i < kEdits; ++i)
        backToBack.push_back(timed([&] { ok = editRoute(store, serial++) && ok; }));

    // The whole way: stored, compiled and swapped into a running engine.
    std::vector<double> applied;
    {
        ConfigStore::OpenResult second = ConfigStore::open(path);
        Config running = second.store->config();
        running.settings.listen = QStringLiteral("127.0.0.1:0");
        running.settings.workers = 1;
        GatewayEngine engine;
        ok = second.store && engine.start(running) && ok;
        ConfigService service(std::move(second.store), [&engine](const Config &c) {
            Config next = c;
            next.settings.listen = QStringLiteral("127.0.0.1:0");
            next.settings.workers = 1;
            return engine.apply(next, ConfigCheck::AlreadyValidated);
        });
        for (int i = 0; i < kEdits && ok; ++i) {
            QThread::msleep(kPauseMs);
            const int edit = serial++;
            applied.push_back(timed([&] {
                const StoreResult result =
                    service.edit(ConfigSource::Admin, QString(), service.revision(),
                                 [&](Config &c) { return appendPath(c, edit); });
                ok = result.status == StoreResult::Status::Ok
                    && engine.snapshot()->config.routes[size_t(edit * 397 % kRoutes)].paths
                           .contains(QStringLiteral("/edited/%1").arg(edit))
                    && ok;
            }));
        }
        engine.stop();
    }
    store.reload(); // the edits above went through another instance

    std::vector<double> rollbacks;
    for (int i = 0; i < 5; ++i) {
        QThread::msleep(kPauseMs);
        rollbacks.push_back(timed([&] {
            ok = store.rollback(store.revision() - 1).status == StoreResult::Status::Ok && ok;
        }));
    }
    QThread::msleep(kPauseMs);
    const double rollbackFarMs =
        timed([&] { ok = store.rollback(firstRevision).status == StoreResult::Status::Ok && ok; });
    ok = ok && store.config() == config;

    std::printf("{\n"
                "  \"routes\": %d,\n"
                "  \"consumers\": %d,\n"
                "  \"create_ms\": %.1f,\n"
                "  \"open_load_ms\": %.1f,\n"
                "  \"compile_ms\": %.1f,\n"
                "  \"open_compile_ms\": %.1f,\n"
                "  \"validate_ms\": %.1f,\n"
                "  \"edit_route_ms\": %.1f,\n"
                "  \"edit_route_max_ms\": %.1f,\n"
                "  \"edit_route_back_to_back_ms\": %.1f,\n"
                "  \"edit_route_applied_ms\": %.1f,\n"
                "  \"edit_route_applied_max_ms\": %.1f,\n"
                "  \"rollback_ms\": %.1f,\n"
                "  \"rollback_far_ms\": %.1f,\n"
                "  \"file_bytes\": %lld,\n"
                "  \"wal_bytes\": %lld,\n"
                "  \"all_ok\": %s\n"
                "}\n",
                kRoutes, kConsumers, createMs, openMs, compileMs, openMs + compileMs,
                median(validate), median(spaced),
                *std::max_element(spaced.begin(), spaced.end()), median(backToBack),
                applied.empty() ? -1.0 : median(applied),
                applied.empty() ? -1.0 : *std::max_element(applied.begin(), applied.end()),
                median(rollbacks), rollbackFarMs, QFileInfo(path).size(),
                QFileInfo(path + QStringLiteral("-wal")).size(), ok ? "true" : "false");
    return ok ? 0 : 1;
}
