#pragma once

#include "observe/TrafficMetrics.h"
#include "proxy/TargetHealthReport.h"

#include <QByteArray>
#include <QtGlobal>

#include <vector>

namespace portico {

// The route label of requests no route matched (route names cannot contain parentheses).
inline constexpr const char *kUnmatchedRouteLabel = "(none)";

// What GET /metrics reports, gathered by the Admin API from the engine and the store.
struct GatewayFigures
{
    qint64 configRevision = 0;
    bool running = false;
    // The rest only while running.
    int workers = 0;
    quint64 snapshotVersion = 0;
    quint64 activeConnections = 0;
    TrafficMetrics traffic;
    std::vector<TargetHealthState> health; // the running snapshot's targets
    bool perConsumer = false;              // settings.metrics_per_consumer
};

// Portico's metrics as Prometheus text (format 0.0.4): the families and labels listed in
// docs/admin-api.md. Label sets are bounded: routes, services, targets and consumers come from
// the configuration (plus those a newer one removed, since start), methods are the standard
// ones or OTHER, status classes 1xx..5xx or none.
QByteArray gatewayMetricsText(const GatewayFigures &figures);

} // namespace portico
