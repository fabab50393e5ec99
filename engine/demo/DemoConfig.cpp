#include "DemoConfig.h"

#include "MockServices.h"

namespace portico {

namespace {

ServiceConfig service(const QString &name, std::vector<TargetConfig> targets)
{
    ServiceConfig s;
    s.name = name;
    s.targets = std::move(targets);
    return s;
}

RouteConfig route(const QString &name, const QStringList &paths, const QString &service,
                  bool stripPath = false)
{
    RouteConfig r;
    r.name = name;
    r.paths = paths;
    r.service = service;
    r.stripPath = stripPath;
    return r;
}

} // namespace

Config makeDemoConfig(const MockServices &mocks)
{
    Config config;
    config.settings.listen = QStringLiteral("127.0.0.1:8080");

    const QString users = QStringLiteral("users");
    const QString orders = QStringLiteral("orders");
    const QString payments = QStringLiteral("payments");
    config.services.push_back(service(users, {{mocks.url(users), 100}}));
    config.services.push_back(service(orders, {{mocks.url(orders), 100}}));
    config.services.push_back(service(
        payments, {{mocks.url(payments), 90}, {mocks.url(QStringLiteral("payments-v2")), 10}}));

    config.routes.push_back(route(users, {QStringLiteral("/users")}, users));
    config.routes.push_back(route(orders, {QStringLiteral("/orders")}, orders));
    config.routes.push_back(route(payments, {QStringLiteral("/payments")}, payments));
    config.routes.push_back(route(QStringLiteral("api-v1"), {QStringLiteral("/api/v1")}, users,
                                  /*stripPath=*/true));
    return config;
}

} // namespace portico
