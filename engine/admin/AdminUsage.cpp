#include "AdminUsage.h"

#include "config/ConfigService.h"
#include "config/Snapshot.h"
#include "config/TreeValue.h"
#include "net/GatewayEngine.h"
#include "policy/rate_limit/ConsumerUsage.h"

#include <QDateTime>

#include <algorithm>

namespace portico {

namespace {

TreeValue usageTree(const LimitUsage &usage)
{
    TreeValue limit = TreeValue::map();
    const bool plan = usage.scope == LimitUsage::Scope::Plan;
    limit.insert("scope", plan ? QStringLiteral("plan") : QStringLiteral("route"));
    if (!plan)
        limit.insert("route", usage.route);
    limit.insert("window", QString::fromLatin1(rateWindowName(usage.window)));
    limit.insert("limit", usage.limit);
    limit.insert("used", usage.used);
    limit.insert("remaining", usage.remaining);
    limit.insert("reset", usage.reset.isValid()
                              ? TreeValue::string(usage.reset.toString(Qt::ISODateWithMs))
                              : TreeValue());
    return limit;
}

} // namespace

std::optional<AdminResponse> handleUsageRequest(AdminContext &context,
                                                const AdminRequest &request)
{
    const QStringList &s = request.segments;
    if (s.size() != 3 || s[0] != QLatin1String("consumers") || s[2] != QLatin1String("usage"))
        return std::nullopt;
    if (!request.isRead())
        return methodNotAllowed("GET, HEAD");
    const Config config = context.config.config();
    const auto consumer = std::find_if(config.consumers.begin(), config.consumers.end(),
                                       [&](const ConsumerConfig &c) { return c.name == s[1]; });
    if (consumer == config.consumers.end())
        return notFound(QStringLiteral("no consumer \"%1\"").arg(s[1]));
    const std::shared_ptr<const Snapshot> snapshot =
        context.engine && context.engine->isRunning() ? context.engine->snapshot() : nullptr;
    if (!snapshot)
        return AdminResponse::error(503, QStringLiteral("the gateway is not running"));

    // Reads Redis synchronously when the counters live there, as the Admin API may.
    const ConsumerUsage usage = consumerUsage(*snapshot, consumer->name, consumer->plan,
                                              QDateTime::currentDateTimeUtc());
    if (!usage.answered)
        return AdminResponse::error(503, QStringLiteral("the rate-limit store (%1) is unreachable")
                                             .arg(snapshot->config.settings.rateLimitStore));
    TreeValue limits = TreeValue::list();
    for (const LimitUsage &limit : usage.limits)
        limits.append(usageTree(limit));
    TreeValue body = TreeValue::map();
    body.insert("consumer", consumer->name);
    body.insert("plan", consumer->plan);
    body.insert("store", snapshot->config.settings.rateLimitStore);
    body.insert("limits", std::move(limits));
    return AdminResponse::json(200, body);
}

} // namespace portico
