#pragma once

#include "config/Config.h"
#include "observe/Redactor.h"
#include "policy/PolicyChain.h"
#include "proxy/LoadBalancer.h"
#include "routing/Router.h"

#include <QByteArray>
#include <QString>

#include <memory>
#include <vector>

namespace portico {

class ConsumerDirectory;
class RateLimiter;
struct EngineRegistries;
class TargetHealth;
class TlsClientContext;

struct CompiledTarget
{
    QString url;
    QByteArray urlUtf8; // the same, as captures show it
    QString host;
    quint16 port = 80;
    QByteArray hostPort;   // "host:port", the Host header when not preserved
    QByteArray poolKey;    // hostPort, and for https:// the TLS context's id: whose pool
    QByteArray basePath;   // "" or "/base", prepended to the forwarded path
    bool tls = false;      // https://: spoken to with the service's TLS context
    int weight = 0;
    std::shared_ptr<TargetHealth> health;
};

struct CompiledService
{
    QString name;
    std::vector<CompiledTarget> targets;
    LoadBalancer balancer;
    int connectTimeoutMs = 2000;
    int readTimeoutMs = 30000;
    bool preserveHost = true;
    int retries = 1;
    QByteArray nameUtf8 = {};
    // For the https:// targets; null when there are none. Connections hold it too, so it
    // outlives the snapshot while one of them is pooled.
    std::shared_ptr<const TlsClientContext> tls = {};
};

struct CompiledRoute
{
    QString name;
    QByteArray nameUtf8;
    int serviceIndex = -1;
    qint64 maxBodyBytes = 0;
    PolicyChain policies;
};

// An immutable, compiled configuration. Workers hold it through shared_ptr; each request keeps
// the one it started with, so a swap never mixes two configurations in one request.
struct Snapshot
{
    quint64 version = 0;
    Config config;
    Router router;
    std::vector<CompiledService> services;
    std::vector<CompiledRoute> routes; // same indices as config.routes
    std::shared_ptr<const ConsumerDirectory> consumers; // null when no route authenticates
    std::shared_ptr<const RateLimiter> rateLimiter;     // plans, calendar, where counters live
    Redactor redactor; // what captures and logs must not show (settings.redact_headers)
    // Strict-Transport-Security's value on HTTPS responses ("max-age=N"); empty: not sent.
    QByteArray hstsValue;

    Snapshot(Config c, quint64 v);
};

// Validates and compiles a configuration. Returns null and fills `errors` when it is invalid.
std::shared_ptr<const Snapshot> compileSnapshot(const Config &config, quint64 version,
                                                EngineRegistries &registries,
                                                ConfigErrors *errors,
                                                ConfigCheck check = ConfigCheck::Validate);

} // namespace portico
