// Times the route tester on a large configuration: 10,000 routes and 100,000 consumers with one
// API key each (the size store_bench uses). Not a test: build the route_tester_bench target and
// run it; it prints JSON (milliseconds, medians of 5):
//
//   fresh_ms        RouteTester::test() with registries of its own: validation, compiling the
//                   snapshot (the consumer directory included), one keyed request forwarded
//   engine_ms       the same with a running engine's dryRunRegistries(): the consumer directory
//                   the engine compiled is reused, as in the desktop app
//   no_match_ms     the same for a request no route matches (the Router asked twice more, to
//                   say which route comes nearest)

#include "config/ApiKeys.h"
#include "config/EngineRegistries.h"
#include "net/GatewayEngine.h"
#include "routing/RouteTester.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

using namespace portico;

namespace {

Config bigConfig()
{
    Config config;
    config.settings.listen = QStringLiteral("127.0.0.1:0");
    config.settings.workers = 1;
    for (int s = 0; s < 20; ++s) {
        ServiceConfig service;
        service.name = QStringLiteral("svc-%1").arg(s);
        service.targets = {{QStringLiteral("http://127.0.0.1:%1").arg(9000 + s), 90},
                           {QStringLiteral("http://127.0.0.1:%1").arg(9500 + s), 10}};
        config.services.push_back(service);
    }
    for (int r = 0; r < 10'000; ++r) {
        RouteConfig route;
        route.name = QStringLiteral("route-%1").arg(r);
        route.paths = {QStringLiteral("/api/v1/r%1").arg(r), QStringLiteral("=/exact/r%1").arg(r)};
        route.hosts = {QStringLiteral("api.example.test")};
        route.methods = {QStringLiteral("GET"), QStringLiteral("POST")};
        route.service = config.services[size_t(r % 20)].name;
        route.auth = {QStringLiteral("key")};
        route.rateLimit.second = 100;
        config.routes.push_back(route);
    }
    const QDateTime created = QDateTime::fromSecsSinceEpoch(1'790'000'000, Qt::UTC);
    for (int c = 0; c < 100'000; ++c) {
        ConsumerConfig consumer;
        consumer.name = QStringLiteral("consumer-%1").arg(c);
        consumer.keys.push_back(storedApiKey(QStringLiteral("pk_bench_key_%1").arg(c), created));
        config.consumers.push_back(consumer);
    }
    return config;
}

double medianMs(const std::function<void()> &run)
{
    std::vector<double> ms;
    for (int i = 0; i < 5; ++i) {
        QElapsedTimer timer;
        timer.start();
        run();
        ms.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const Config config = bigConfig();
    TestRequest keyed;
    keyed.url = QStringLiteral("http://api.example.test/api/v1/r4242/items");
    keyed.headers = {{"X-API-Key", "pk_bench_key_77"}};
    TestRequest nowhere = keyed;
    nowhere.url = QStringLiteral("http://api.example.test/nowhere");

    const auto check = [](const RouteVerdict &v, RouteVerdict::Outcome expected) {
        if (v.outcome != expected)
            qFatal("unexpected verdict: %s", qPrintable(v.summary()));
    };
    const double fresh = medianMs([&] {
        RouteTester tester;
        check(tester.test(config, keyed), RouteVerdict::Outcome::Forwarded);
    });
    GatewayEngine engine;
    ConfigErrors errors;
    if (!engine.start(config, &errors))
        qFatal("cannot start: %s", qPrintable(errors.front().toString()));
    const double withEngine = medianMs([&] {
        RouteTester tester(engine.dryRunRegistries());
        check(tester.test(config, keyed), RouteVerdict::Outcome::Forwarded);
    });
    const double noMatch = medianMs([&] {
        RouteTester tester(engine.dryRunRegistries());
        check(tester.test(config, nowhere), RouteVerdict::Outcome::Refused);
    });
    engine.stop();
    std::printf("{\"fresh_ms\": %.1f, \"engine_ms\": %.1f, \"no_match_ms\": %.1f}\n", fresh,
                withEngine, noMatch);
    return 0;
}
