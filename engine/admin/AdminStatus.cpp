#include "AdminStatus.h"

#include "config/ConfigService.h"
#include "config/Snapshot.h"
#include "net/GatewayEngine.h"

namespace portico {

AdminResponse statusResponse(AdminContext &context)
{
    const Config &config = context.config.config();
    TreeValue counts = TreeValue::map();
    counts.insert("services", qint64(config.services.size()))
        .insert("routes", qint64(config.routes.size()))
        .insert("consumers", qint64(config.consumers.size()))
        .insert("plans", qint64(config.plans.size()))
        .insert("jwt_providers", qint64(config.jwtProviders.size()));

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
        .insert("engine", std::move(engine));
    return AdminResponse::json(200, body).withHeader("ETag",
                                                     revisionTag(context.config.revision()));
}

AdminResponse metricsResponse(AdminContext &context)
{
    QByteArray out;
    const auto metric = [&out](const char *name, const char *type, const char *help) {
        out += QByteArray("# HELP ") + name + ' ' + help + '\n';
        out += QByteArray("# TYPE ") + name + ' ' + type + '\n';
    };
    metric("portico_config_revision", "gauge", "Revision of the stored configuration.");
    out += "portico_config_revision " + QByteArray::number(context.config.revision()) + '\n';
    const bool running = context.engine && context.engine->isRunning();
    metric("portico_up", "gauge", "1 while the gateway engine is running.");
    out += QByteArray("portico_up ") + (running ? "1" : "0") + '\n';
    if (running) {
        const TrafficSample traffic = context.engine->traffic();
        metric("portico_http_requests_total", "counter",
               "Requests answered by the gateway, by status class.");
        const char *const classes[] = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};
        for (size_t i = 0; i < traffic.byStatusClass.size(); ++i)
            out += QByteArray("portico_http_requests_total{code=\"") + classes[i] + "\"} "
                + QByteArray::number(traffic.byStatusClass[i]) + '\n';
        metric("portico_upstream_errors_total", "counter",
               "502 and 504 answers the gateway produced for failed upstreams.");
        out += "portico_upstream_errors_total " + QByteArray::number(traffic.upstreamErrors)
            + '\n';
        metric("portico_active_connections", "gauge", "Open client connections.");
        out += "portico_active_connections " + QByteArray::number(traffic.activeConnections)
            + '\n';
        metric("portico_workers", "gauge", "Worker threads.");
        out += "portico_workers " + QByteArray::number(context.engine->workerCount()) + '\n';
    }
    AdminResponse response;
    response.contentType = "text/plain; version=0.0.4; charset=utf-8";
    response.body = out;
    return response;
}

} // namespace portico
