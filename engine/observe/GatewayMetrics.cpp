#include "GatewayMetrics.h"

#include "observe/PrometheusText.h"

#include <array>
#include <map>
#include <utility>

namespace portico {

namespace {

using Type = PrometheusText::Type;

const std::array<double, DurationHistogram::kBounds> &boundsSeconds()
{
    static const std::array<double, DurationHistogram::kBounds> bounds = [] {
        std::array<double, DurationHistogram::kBounds> out{};
        for (size_t i = 0; i < out.size(); ++i)
            out[i] = double(DurationHistogram::kBoundsMicros[i]) / 1e6;
        return out;
    }();
    return bounds;
}

void writeHistogram(PrometheusText &out, PrometheusText::Labels labels,
                    const DurationHistogram &histogram)
{
    out.histogram(labels, boundsSeconds(), histogram.counts(), double(histogram.sumMicros()) / 1e6);
}

void writeGauges(PrometheusText &out, const GatewayFigures &f)
{
    out.family("portico_snapshot_version", Type::Gauge,
               "Version of the configuration snapshot the engine runs (counts from 1 at start).");
    out.sample({}, f.snapshotVersion);
    out.family("portico_workers", Type::Gauge, "Worker threads.");
    out.sample({}, quint64(f.workers));
    out.family("portico_active_connections", Type::Gauge, "Open client connections.");
    out.sample({}, f.activeConnections);
}

void writeRequests(PrometheusText &out, const TrafficMetrics &traffic)
{
    std::vector<std::pair<QByteArray, const RequestCounts *>> routes;
    routes.reserve(traffic.routes.size() + 1);
    for (const RouteMetrics &route : traffic.routes)
        routes.emplace_back(route.route.toUtf8(), &route.counts);
    if (traffic.unrouted.total() > 0)
        routes.emplace_back(QByteArray(kUnmatchedRouteLabel), &traffic.unrouted);

    out.family("portico_http_requests_total", Type::Counter,
               "Requests answered, by route ((none): no route matched), status class (none: "
               "no response sent) and method (OTHER: not a standard method).");
    for (const auto &[route, counts] : routes) {
        for (int m = 0; m < kMethodClasses; ++m) {
            for (int c = 0; c < kStatusClasses; ++c) {
                const quint64 n = counts->answers(MethodClass(m), c);
                if (n > 0) {
                    out.sample({{"route", route},
                                {"code_class", kStatusClassNames[size_t(c)]},
                                {"method", kMethodClassNames[size_t(m)]}},
                               n);
                }
            }
        }
    }
    out.family("portico_http_request_duration_seconds", Type::Histogram,
               "Time from the parsed request head to the last response byte handed to the "
               "socket, by route.");
    for (const auto &[route, counts] : routes)
        writeHistogram(out, {{"route", route}}, counts->duration);
    out.family("portico_rate_limited_total", Type::Counter,
               "429 answers (rate limits and quotas, or an upstream's own), by route.");
    for (const auto &[route, counts] : routes)
        out.sample({{"route", route}}, counts->rateLimited);
}

void writeUpstreams(PrometheusText &out, const GatewayFigures &f)
{
    struct Target
    {
        QByteArray service; // UTF-8, for the labels
        QByteArray url;
        const TargetMetrics *traffic = nullptr;
        const TargetHealthState *health = nullptr;
    };
    // Configured targets that never answered show as 0; removed ones that did stay.
    std::map<std::pair<QString, QString>, Target> targets;
    const auto target = [&targets](const QString &service, const QString &url) -> Target & {
        Target &t = targets[{service, url}];
        if (t.service.isEmpty()) {
            t.service = service.toUtf8();
            t.url = url.toUtf8();
        }
        return t;
    };
    for (const TargetMetrics &t : f.traffic.targets)
        target(t.service, t.url).traffic = &t;
    for (const TargetHealthState &h : f.health)
        target(h.service, h.url).health = &h;
    std::map<QString, DurationHistogram> byService;
    for (const TargetHealthState &h : f.health)
        byService[h.service];
    for (const TargetMetrics &t : f.traffic.targets)
        byService[t.service].merge(t.firstByte);

    out.family("portico_upstream_requests_total", Type::Counter,
               "Answers (a response head) from each upstream target.");
    for (const auto &[name, t] : targets) {
        out.sample({{"service", t.service}, {"target", t.url}},
                   t.traffic ? t.traffic->requests : 0);
    }
    out.family("portico_upstream_errors_total", Type::Counter,
               "Failed tries at each upstream target: connect, timeout, reset, bad response.");
    for (const auto &[name, t] : targets) {
        out.sample({{"service", t.service}, {"target", t.url}}, t.traffic ? t.traffic->errors : 0);
    }
    out.family("portico_upstream_target_healthy", Type::Gauge,
               "1 while a configured target takes traffic, 0 while passive health checks have "
               "ejected it.");
    for (const auto &[name, t] : targets) {
        if (t.health)
            out.sample({{"service", t.service}, {"target", t.url}}, quint64(!t.health->ejected));
    }
    out.family("portico_upstream_response_duration_seconds", Type::Histogram,
               "Time from the request head sent upstream to the response head read, by "
               "service.");
    for (const auto &[service, histogram] : byService)
        writeHistogram(out, {{"service", service.toUtf8()}}, histogram);
}

void writeConsumers(PrometheusText &out, const TrafficMetrics &traffic)
{
    std::vector<QByteArray> names;
    names.reserve(traffic.consumers.size());
    for (const ConsumerMetrics &c : traffic.consumers)
        names.push_back(c.consumer.toUtf8());
    out.family("portico_consumer_requests_total", Type::Counter,
               "Requests from each identified consumer.");
    for (size_t i = 0; i < names.size(); ++i)
        out.sample({{"consumer", names[i]}}, traffic.consumers[i].requests);
    out.family("portico_consumer_rate_limited_total", Type::Counter,
               "429 answers to each identified consumer.");
    for (size_t i = 0; i < names.size(); ++i)
        out.sample({{"consumer", names[i]}}, traffic.consumers[i].rateLimited);
}

} // namespace

QByteArray gatewayMetricsText(const GatewayFigures &figures)
{
    PrometheusText out;
    out.family("portico_up", Type::Gauge, "1 while the gateway engine is running.");
    out.sample({}, quint64(figures.running));
    out.family("portico_config_revision", Type::Gauge, "Revision of the stored configuration.");
    out.sample({}, quint64(qMax<qint64>(0, figures.configRevision)));
    if (!figures.running)
        return out.text();
    writeGauges(out, figures);
    writeRequests(out, figures.traffic);
    writeUpstreams(out, figures);
    if (figures.perConsumer)
        writeConsumers(out, figures.traffic);
    return out.text();
}

} // namespace portico
