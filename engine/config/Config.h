#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <vector>

namespace portico {

// The declarative configuration (format_version 1, see docs/configuration.md) as plain values.
// It is what import, export, the store and validation speak; the engine runs a compiled
// Snapshot made from it. Durations are in milliseconds, sizes in bytes.

struct HttpLimitsConfig
{
    int maxUriBytes = 8 * 1024;             // 414 beyond
    int maxHeaderBytes = 32 * 1024;         // request line + headers; 431 beyond
    qint64 maxBodyBytes = 10 * 1024 * 1024; // default per route; 413 beyond
    int headerTimeoutMs = 10'000;           // 408 when the head has not arrived in time
    int idleTimeoutMs = 60'000;             // idle keep-alive client connections close after this
};

struct SettingsConfig
{
    QString listen = QStringLiteral("127.0.0.1:8080");
    QString adminListen = QStringLiteral("127.0.0.1:8081");
    QString adminToken;
    int workers = 0; // 0 = one per core
    QString rateLimitStore = QStringLiteral("local");
    HttpLimitsConfig limits;
    int upstreamIdleTimeoutMs = 60'000; // pooled upstream connections close after this
    int upstreamPoolSize = 64;          // idle connections kept per worker and target
    int ejectAfterFailures = 3;         // consecutive connect failures before a target is ejected
    int ejectDurationMs = 10'000;       // how long an ejected target stays out
    int shutdownTimeoutMs = 10'000;     // in-flight requests may finish within this on shutdown
};

struct TargetConfig
{
    QString url; // http://host:port[/base-path]
    int weight = 100;
};

struct ServiceConfig
{
    QString name;
    std::vector<TargetConfig> targets;
    int connectTimeoutMs = 2'000;
    int readTimeoutMs = 30'000;
    bool preserveHost = true; // false: send the target's host:port as Host
    int retries = 1;          // extra tries on another target when a connect fails (idempotent)
};

struct RouteConfig
{
    QString name;
    QStringList paths;   // "/p" prefix on segment boundaries, "=/p" exact, "~re" regex
    QStringList hosts;   // exact or "*.example.test"
    QStringList methods; // empty = any
    bool stripPath = false;
    QString service;
    QStringList auth;         // later issue; kept as configured
    qint64 maxBodyBytes = -1; // -1 = settings.limits.maxBodyBytes
    bool enabled = true;
};

struct Config
{
    int formatVersion = 1;
    SettingsConfig settings;
    std::vector<ServiceConfig> services;
    std::vector<RouteConfig> routes;
};

// One problem in a configuration, with the path of the field it concerns, such as
// "routes[3].paths[0]".
struct ConfigError
{
    QString path;
    QString message;
    QString toString() const
    {
        return path.isEmpty() ? message : path + QStringLiteral(": ") + message;
    }
};
using ConfigErrors = std::vector<ConfigError>;

} // namespace portico
