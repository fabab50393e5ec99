#include "DemoConfig.h"

#include "MockServices.h"
#include "config/ApiKeys.h"
#include "config/DeclarativeReader.h"

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
    return makeDemoConfig([&mocks](const QString &name) { return mocks.url(name); });
}

Config makeStoredDemoConfig()
{
    const QStringList names = MockServices::serviceNames();
    return makeDemoConfig([&names](const QString &name) {
        return QStringLiteral("http://127.0.0.1:%1")
            .arg(MockServices::kDefaultFirstPort + names.indexOf(name));
    });
}

Config makeDemoConfig(const std::function<QString(const QString &)> &urlOf)
{
    Config config;
    config.settings.listen = QStringLiteral("127.0.0.1:8080");

    const QString users = QStringLiteral("users");
    const QString orders = QStringLiteral("orders");
    const QString payments = QStringLiteral("payments");
    config.services.push_back(service(users, {{urlOf(users), 100}}));
    config.services.push_back(service(orders, {{urlOf(orders), 100}}));
    config.services.push_back(service(
        payments, {{urlOf(payments), 90}, {urlOf(QStringLiteral("payments-v2")), 10}}));

    config.routes.push_back(route(users, {QStringLiteral("/users")}, users));
    RouteConfig ordersRoute = route(orders, {QStringLiteral("/orders")}, orders);
    ordersRoute.auth = {QStringLiteral("key")};
    config.routes.push_back(ordersRoute);
    config.routes.push_back(route(payments, {QStringLiteral("/payments")}, payments));
    config.routes.push_back(route(QStringLiteral("api-v1"), {QStringLiteral("/api/v1")}, users,
                                  /*stripPath=*/true));

    // The key the demo's docs use; a real consumer gets a generated one (POST .../keys).
    const QString demoKey = QStringLiteral("demo-key-123");
    ConsumerConfig mobileApp;
    mobileApp.name = QStringLiteral("mobile-app");
    mobileApp.plan = QStringLiteral("free");
    mobileApp.keys.push_back(storedApiKey(demoKey, currentTimestamp()));
    config.consumers.append(mobileApp);
    config.plans.push_back({QStringLiteral("free"), {.second = 5, .minute = 100, .day = 10'000}});
    return config;
}

} // namespace portico
