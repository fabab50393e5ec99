#include "LoadDemo.h"

#include "config/ConfigService.h"
#include "demo/DemoConfig.h"

#include <QCoreApplication>

namespace portico {

namespace {

template<typename T>
bool hasName(const std::vector<T> &items, const QString &name)
{
    return std::any_of(items.begin(), items.end(), [&](const T &t) { return t.name == name; });
}

} // namespace

StoreResult loadDemoConfig(ConfigService &config, qint64 expectedRevision)
{
    const Config demo = makeStoredDemoConfig();
    return config.edit(
        ConfigSource::Gui,
        QCoreApplication::translate("LoadDemo", "demo services and routes loaded"),
        expectedRevision, [&](Config &c) {
            for (const ServiceConfig &s : demo.services) {
                if (!hasName(c.services, s.name))
                    c.services.push_back(s);
            }
            for (const RouteConfig &r : demo.routes) {
                if (!hasName(c.routes, r.name))
                    c.routes.push_back(r);
            }
            // The demo's key route needs its consumer (demo-key-123) and that one's plan.
            for (const PlanConfig &p : demo.plans) {
                if (!hasName(c.plans, p.name))
                    c.plans.push_back(p);
            }
            for (const ConsumerConfig &consumer : demo.consumers) {
                if (std::none_of(c.consumers.cbegin(), c.consumers.cend(),
                                 [&](const ConsumerConfig &x) { return x.name == consumer.name; }))
                    c.consumers.append(consumer);
            }
            return EditOutcome{};
        });
}

} // namespace portico
