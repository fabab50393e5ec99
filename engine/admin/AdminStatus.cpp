#include "AdminStatus.h"

#include "certs/CertificateStatus.h"
#include "config/ConfigService.h"
#include "config/Snapshot.h"
#include "net/Deadline.h"
#include "net/GatewayEngine.h"
#include "observe/GatewayMetrics.h"

namespace portico {

AdminResponse statusResponse(AdminContext &context)
{
    const Config &config = context.config.config();
    TreeValue counts = TreeValue::map();
    counts.insert("services", qint64(config.services.size()))
        .insert("routes", qint64(config.routes.size()))
        .insert("consumers", qint64(config.consumers.size()))
        .insert("plans", qint64(config.plans.size()))
        .insert("jwt_providers", qint64(config.jwtProviders.size()))
        .insert("certificates", qint64(config.certificates.size()));

    TreeValue engine = TreeValue::map();
    const bool running = context.engine && context.engine->isRunning();
    engine.insert("running", running);
    if (running) {
        const TrafficSample traffic = context.engine->traffic();
        // Of the requests completed in the last sampling interval; whole microseconds.
        TreeValue latency = TreeValue::map();
        latency.insert("count", qint64(traffic.latency.count))
            .insert("p50", qint64(traffic.latency.p50Ms * 1000.0 + 0.5))
            .insert("p95", qint64(traffic.latency.p95Ms * 1000.0 + 0.5))
            .insert("p99", qint64(traffic.latency.p99Ms * 1000.0 + 0.5));
        engine.insert("listeners", TreeValue::flowList(context.engine->listenerUrls()))
            .insert("workers", context.engine->workerCount())
            .insert("snapshot_version", qint64(context.engine->snapshot()->version))
            .insert("requests", qint64(traffic.requests))
            .insert("requests_per_second", qint64(traffic.requestsPerSecond + 0.5))
            .insert("rate_limited", qint64(traffic.rateLimited))
            .insert("latency_us", std::move(latency))
            .insert("active_connections", qint64(traffic.activeConnections));
    }

    TreeValue body = TreeValue::map();
    body.insert("version", PORTICO_VERSION)
        .insert("revision", context.config.revision())
        .insert("store", context.config.store().path() == ConfigStore::kInMemory
                             ? QStringLiteral("in memory")
                             : context.config.store().path())
        .insert("config", std::move(counts))
        .insert("engine", std::move(engine))
        // Certificates expired or close to it (settings.certificate_warning_days).
        .insert("warnings", TreeValue::flowList(
                                certificateWarnings(config, QDateTime::currentDateTimeUtc())));
    return AdminResponse::json(200, body).withHeader("ETag",
                                                     revisionTag(context.config.revision()));
}

AdminResponse metricsResponse(AdminContext &context)
{
    GatewayFigures figures;
    figures.configRevision = context.config.revision();
    figures.running = context.engine && context.engine->isRunning();
    if (figures.running) {
        const std::shared_ptr<const Snapshot> snapshot = context.engine->snapshot();
        figures.workers = context.engine->workerCount();
        figures.snapshotVersion = snapshot->version;
        figures.activeConnections = context.engine->traffic().activeConnections;
        figures.perConsumer = snapshot->config.settings.observe.metricsPerConsumer;
        figures.traffic = context.engine->metrics(figures.perConsumer);
        figures.health = readTargetHealth(*snapshot, monotonicNowMs());
    }
    AdminResponse response;
    response.contentType = "text/plain; version=0.0.4; charset=utf-8";
    response.body = gatewayMetricsText(figures);
    return response;
}

} // namespace portico
