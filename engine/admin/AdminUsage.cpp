#include "AdminUsage.h"

#include "config/ConfigService.h"
#include "config/Snapshot.h"
#include "config/TreeValue.h"
#include "net/GatewayEngine.h"
#include "policy/rate_limit/RateLimiter.h"

#include <QDateTime>

#include <algorithm>

namespace portico {

namespace {

// One set of limits (a plan's or a route's) as the counters stand; false when Redis could not
// be asked.
bool appendUsage(TreeValue &limits, const RateLimiter &limiter, const QByteArray &subject,
                 std::span<const LimitCheck> checks, const QString &route)
{
    if (checks.empty())
        return true;
    RateQuery query;
    query.subject = subject;
    query.parts[0] = checks;
    const RateDecision decision = limiter.peek(query);
    if (decision.basis != RateDecision::Basis::Counted)
        return false;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (int i = 0; i < decision.count; ++i) {
        const LimitOutcome &o = decision.outcomes[size_t(i)];
        TreeValue limit = TreeValue::map();
        limit.insert("scope", route.isEmpty() ? QStringLiteral("plan") : QStringLiteral("route"));
        if (!route.isEmpty())
            limit.insert("route", route);
        limit.insert("window", QString::fromLatin1(rateWindowName(o.check->window)));
        limit.insert("limit", o.check->limit);
        limit.insert("used", o.used); // above the limit after the limit was lowered
        limit.insert("remaining", o.remaining);
        // When the oldest request counted leaves a sliding window (null when none is counted);
        // when a quota's period ends.
        const bool resets = o.used > 0 || isQuotaWindow(o.check->window);
        limit.insert("reset", resets ? TreeValue::string(
                                  now.addMSecs(o.resetMs).toString(Qt::ISODateWithMs))
                                     : TreeValue());
        limits.append(std::move(limit));
    }
    return true;
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

    const RateLimiter &limiter = *snapshot->rateLimiter;
    const QByteArray subject = consumerRateSubject(consumer->name.toUtf8());
    TreeValue limits = TreeValue::list();
    bool answered = true;
    if (!consumer->plan.isEmpty())
        answered = appendUsage(limits, limiter, subject, limiter.planChecks(consumer->plan), {});
    // Route limits count per consumer on the routes that can tell who the caller is.
    for (const RouteConfig &route : snapshot->config.routes) {
        if (answered && !route.rateLimit.isEmpty() && !route.auth.isEmpty())
            answered = appendUsage(limits, limiter, subject,
                                   compileRouteChecks(route.rateLimit, route.name.toUtf8()),
                                   route.name);
    }
    if (!answered)
        return AdminResponse::error(503, QStringLiteral("the rate-limit store (%1) is unreachable")
                                             .arg(snapshot->config.settings.rateLimitStore));
    TreeValue body = TreeValue::map();
    body.insert("consumer", consumer->name);
    body.insert("plan", consumer->plan);
    body.insert("store", snapshot->config.settings.rateLimitStore);
    body.insert("limits", std::move(limits));
    return AdminResponse::json(200, body);
}

} // namespace portico
