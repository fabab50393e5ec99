#include "RouteTester.h"

#include "config/Addresses.h"
#include "config/EngineRegistries.h"
#include "config/Snapshot.h"
#include "net/Deadline.h"
#include "net/LocalReplies.h"
#include "observe/RequestId.h"
#include "observe/TraceContext.h"
#include "policy/RequestContext.h"
#include "policy/auth/ConsumerDirectory.h"
#include "proxy/ProxyHeaders.h"
#include "proxy/TargetHealth.h"
#include "routing/RequestRouting.h"
#include "routing/RouteDiagnosis.h"

#include <QHostAddress>
#include <QStringList>

#include <algorithm>

namespace portico {

namespace {

// The target a request goes to first: among those the balancer schedules (weight above 0)
// and not ejected (all of them when every one is), the heaviest, the first on a tie. A real
// request takes the next in the weighted rotation, so with several the note says so.
int chooseTarget(const CompiledService &service, QString *note)
{
    const qint64 now = monotonicNowMs();
    std::vector<int> scheduled;
    std::vector<int> healthy;
    for (size_t i = 0; i < service.targets.size(); ++i) {
        const CompiledTarget &t = service.targets[i];
        if (t.weight <= 0)
            continue;
        scheduled.push_back(int(i));
        if (!t.health->isEjected(now))
            healthy.push_back(int(i));
    }
    const std::vector<int> &pool = healthy.empty() ? scheduled : healthy;
    if (pool.empty())
        return -1;
    int best = pool.front();
    int total = 0;
    for (int i : pool) {
        total += service.targets[size_t(i)].weight;
        if (service.targets[size_t(i)].weight > service.targets[size_t(best)].weight)
            best = i;
    }
    QStringList shares;
    for (int i : pool) {
        const CompiledTarget &t = service.targets[size_t(i)];
        shares << QStringLiteral("%1 (%2%)")
                      .arg(QString::fromUtf8(t.hostPort))
                      .arg(qRound(100.0 * t.weight / total));
    }
    QStringList parts;
    if (pool.size() > 1)
        parts << QStringLiteral("one of %1 targets by weight: %2")
                     .arg(pool.size())
                     .arg(shares.join(QStringLiteral(", ")));
    const size_t ejected = scheduled.size() - healthy.size();
    if (healthy.empty())
        parts << QStringLiteral("every target is ejected: a request tries them anyway");
    else if (ejected > 0)
        parts << QStringLiteral("%1 ejected after failed connects").arg(ejected);
    *note = parts.join(QStringLiteral("; "));
    return best;
}

QString schemeOf(const CompiledTarget &target)
{
    const std::optional<TargetUrl> url = parseTargetUrl(target.url);
    return url ? url->scheme : QStringLiteral("http");
}

class Run
{
public:
    Run(const Snapshot &snapshot, RouteVerdict &verdict)
        : m_snapshot(snapshot)
        , m_verdict(verdict)
    {
    }

    void refuse(RequestContext &ctx, const LocalReply &reply, bool close)
    {
        ctx.record(QByteArrayLiteral("local_reply"),
                   QByteArray::number(reply.status) + ' ' + reply.error);
        m_verdict.outcome = RouteVerdict::Outcome::Refused;
        m_verdict.status = reply.status;
        m_verdict.error = reply.error;
        m_verdict.replyBody = localReplyBody(reply, ctx.requestId);
        m_verdict.reply = localReplyHead(reply, ctx.requestId, close || !ctx.head.keepAlive,
                                         ctx.head.isHttp10(), m_verdict.replyBody.size());
        m_snapshot.redactor.redact(m_verdict.reply.headers);
    }

    void forward(RequestContext &ctx)
    {
        const CompiledService &service = m_snapshot.services[size_t(ctx.route->serviceIndex)];
        ctx.upstreamService = ctx.route->serviceIndex;
        m_verdict.service = service.name;
        QString note;
        const int index = chooseTarget(service, &note);
        if (index < 0) { // as ProxyExchange::start() fails
            ctx.record(QByteArrayLiteral("upstream_error"), "no upstream target available");
            refuse(ctx, LocalReply{502, "no upstream target available", {}}, false);
            return;
        }
        const CompiledTarget &target = service.targets[size_t(index)];
        ctx.record(QByteArrayLiteral("upstream"), target.hostPort);
        m_verdict.outcome = RouteVerdict::Outcome::Forwarded;
        m_verdict.target = QString::fromUtf8(target.hostPort);
        m_verdict.targetNote = note;
        m_verdict.upstreamHead = makeUpstreamRequestHead(ctx, service, target);
        m_verdict.upstreamHead.target = Redactor::redactedTarget(m_verdict.upstreamHead.target);
        m_snapshot.redactor.redact(m_verdict.upstreamHead.headers);
        m_verdict.upstreamUrl =
            schemeOf(target).toUtf8() + "://" + target.hostPort + m_verdict.upstreamHead.target;
        for (const HeaderMap::Field &field : ctx.responseHeaders)
            m_verdict.responseFields.add(field.first, field.second);
    }

private:
    const RouteConfig *routeConfig(const RequestContext &ctx) const
    {
        return ctx.routeIndex >= 0 ? &m_snapshot.config.routes[size_t(ctx.routeIndex)] : nullptr;
    }

    const Snapshot &m_snapshot;
    RouteVerdict &m_verdict;
};

void takeDecisions(RouteVerdict &verdict, const RequestContext &ctx)
{
    verdict.decisions.assign(ctx.decisions.begin(), ctx.decisions.end());
    if (ctx.identity.consumer)
        verdict.consumer = QString::fromUtf8(ctx.identity.consumer->name);
}

} // namespace

QString RouteVerdict::summary() const
{
    switch (outcome) {
    case Outcome::InvalidConfig:
        return configErrors.empty() ? QStringLiteral("The configuration is invalid")
                                    : QStringLiteral("The configuration is invalid: %1")
                                          .arg(configErrors.front().toString());
    case Outcome::InvalidRequest: return QStringLiteral("Cannot test: %1").arg(inputError);
    case Outcome::Refused:
        return QStringLiteral("Refused: %1 %2").arg(status).arg(QString::fromUtf8(error));
    case Outcome::Forwarded:
        return QStringLiteral("Forwarded to %1 \u2192 %2")
            .arg(service, QString::fromUtf8(upstreamUrl));
    case Outcome::Undecided:
        return QStringLiteral("Undecided: %1")
            .arg(decisions.empty() ? QString() : QString::fromUtf8(decisions.back().second));
    }
    return {};
}

RouteTester::RouteTester()
    : m_registries(std::make_unique<EngineRegistries>())
{
}

RouteTester::RouteTester(std::unique_ptr<EngineRegistries> registries)
    : m_registries(registries ? std::move(registries) : std::make_unique<EngineRegistries>())
{
}

RouteTester::~RouteTester() = default;

RouteVerdict RouteTester::test(const Config &config, const TestRequest &request)
{
    RouteVerdict verdict;
    const std::shared_ptr<const Snapshot> snapshot =
        compileSnapshot(config, 0, *m_registries, &verdict.configErrors);
    if (!snapshot) {
        verdict.outcome = RouteVerdict::Outcome::InvalidConfig;
        return verdict;
    }
    const SettingsConfig &settings = snapshot->config.settings;
    ComposedHead composed = composeRequestHead(request, settings.limits, settings.listen);
    // As the client connection sees its peer: an IPv4-mapped address as IPv4.
    QHostAddress client;
    if (composed.inputError.isEmpty() && !client.setAddress(request.clientIp.trimmed()))
        composed.inputError = QStringLiteral("the client address \u201c%1\u201d is no IP address")
                                  .arg(request.clientIp.trimmed());
    if (!composed.inputError.isEmpty()) {
        verdict.inputError = composed.inputError;
        return verdict;
    }
    bool isV4 = false;
    const quint32 v4 = client.toIPv4Address(&isV4);
    if (isV4)
        client = QHostAddress(v4);

    RequestContext ctx;
    ctx.snapshot = snapshot;
    ctx.dryRun = true;
    ctx.clientAddress = &client;
    ctx.clientIp = client.toString().toLatin1();
    ctx.startedNs = monotonicNowNs();
    ctx.startedMs = ctx.startedNs / 1'000'000;
    Run run(*snapshot, verdict);
    if (composed.error) { // the parser's answer: the connection closes after it
        ctx.requestId = generateRequestId();
        run.refuse(ctx, LocalReply{composed.error->status, composed.error->message, {}}, true);
    } else {
        ctx.head = std::move(composed.head);
        const QByteArray given = ctx.head.headers.value("X-Request-Id");
        ctx.requestId = isAcceptableRequestId(given) ? given : generateRequestId();
        ctx.trace = continueTrace(ctx.head.headers, &ctx.traceId); // as a connection does
        const std::optional<EarlyReply> early = routeRequest(ctx);
        if (ctx.route)
            verdict.route = ctx.route->name;
        if (early) {
            if (!ctx.route && early->reply.status == 404)
                verdict.noMatch =
                    explainNoMatch(snapshot->config.routes, ctx.head.method,
                                   ctx.head.headers.value("Host"), ctx.normalizedPath);
            run.refuse(ctx, early->reply, early->close);
        } else {
            // Nothing resumes a dry run: a policy that would wait leaves `result` empty.
            const auto alive = std::make_shared<int>(0);
            ctx.alive = alive;
            std::optional<PolicyResult> result;
            ctx.route->policies.run(ctx, alive, [&](PolicyResult r) { result = std::move(r); });
            if (!result)
                verdict.outcome = RouteVerdict::Outcome::Undecided;
            else if (result->status == PolicyResult::Status::Stop)
                run.refuse(ctx, result->reply, ctx.head.expectContinue);
            else
                run.forward(ctx);
        }
    }
    verdict.requestId = ctx.requestId;
    takeDecisions(verdict, ctx);
    return verdict;
}

} // namespace portico
