// Times Router::match() on a 1-route table and on a 10,000-route table (half prefix, half exact)
// with the same requests, to show that matching cost does not grow with the number of routes.
// Not a test: build the router_bench target and run it; it prints ns/match for each table.

#include "routing/Router.h"

#include <QByteArray>
#include <QRandomGenerator>

#include <chrono>
#include <cstdio>
#include <vector>

using namespace portico;

namespace {

constexpr int kRoutes = 10'000;
constexpr int kRequests = 4096;
constexpr int kIterations = 2'000'000;

RouteConfig makeRoute(const QString &name, const QString &path)
{
    RouteConfig route;
    route.name = name;
    route.paths = {path};
    route.service = QStringLiteral("svc");
    return route;
}

double nsPerMatch(const Router &router, const std::vector<QByteArray> &paths, long *hits)
{
    for (int i = 0; i < kRequests; ++i) // warm up caches and the allocator
        router.match("GET", "api.example.test", paths[size_t(i)]);
    const auto start = std::chrono::steady_clock::now();
    long found = 0;
    for (int i = 0; i < kIterations; ++i) {
        const auto match = router.match("GET", "api.example.test:8080",
                                        paths[size_t(i % kRequests)]);
        found += match ? match->routeIndex + 1 : 0;
    }
    const auto elapsed = std::chrono::steady_clock::now() - start;
    *hits += found;
    return double(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count())
        / kIterations;
}

} // namespace

int main()
{
    // Requests: "/svcN/items/K/detail" (prefix routes) and "/exact/N" (exact routes).
    QRandomGenerator random(42);
    std::vector<QByteArray> paths;
    for (int i = 0; i < kRequests; ++i) {
        const int n = int(random.bounded(kRoutes / 2));
        if (i % 2 == 0)
            paths.push_back("/svc" + QByteArray::number(n * 2) + "/items/"
                            + QByteArray::number(i) + "/detail");
        else
            paths.push_back("/exact/" + QByteArray::number(n * 2 + 1));
    }

    // One route that matches everything: every segment prefix is probed before "/" is found.
    const Router single({makeRoute(QStringLiteral("root"), QStringLiteral("/"))});

    std::vector<RouteConfig> routes;
    routes.reserve(kRoutes);
    for (int i = 0; i < kRoutes; ++i) {
        const QString n = QString::number(i);
        routes.push_back(i % 2 == 0 ? makeRoute(QStringLiteral("p") + n,
                                                QStringLiteral("/svc%1/items").arg(i))
                                    : makeRoute(QStringLiteral("e") + n,
                                                QStringLiteral("=/exact/%1").arg(i)));
    }
    const Router large(routes);

    long hits = 0;
    const double one = nsPerMatch(single, paths, &hits);
    const double many = nsPerMatch(large, paths, &hits);
    std::printf("routes=1      %8.1f ns/match\n", one);
    std::printf("routes=%-6d %8.1f ns/match\n", large.routeCount(), many);
    std::printf("ratio         %8.2f   (checksum %ld)\n", many / one, hits);
    return 0;
}
