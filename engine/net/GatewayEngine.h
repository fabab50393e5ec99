#pragma once

#include "config/Config.h"
#include "observe/TrafficMetrics.h"
#include "observe/TrafficStats.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

class QTimer;

namespace portico {

class TlsServerContext;

struct Snapshot;
struct EngineRegistries;
class EngineCore;
class KeyUsageRecorder;
class LocalCounters;
class TrafficCapture;

// The one door to the gateway engine for the apps: start it on a configuration, swap in a new
// one while it runs, read its live figures, stop it. Everything it emits is already aggregated
// and batched, so a GUI thread can consume it directly. Lives on the thread that creates it; the
// listener and workers run on threads of their own.
class GatewayEngine : public QObject
{
    Q_OBJECT
public:
    explicit GatewayEngine(QObject *parent = nullptr);
    ~GatewayEngine() override;

    // Validates and compiles the configuration, then binds the listener and starts the workers.
    // On failure nothing runs and `errors` says why (config errors name their field; a busy port
    // is reported against settings.listen).
    bool start(const Config &config, ConfigErrors *errors = nullptr);
    // The listener speaks TLS with this context from the next start on (null: plain HTTP).
    void setListenerTls(std::shared_ptr<const TlsServerContext> tls);
    // Swaps in a new configuration without dropping requests; invalid config changes nothing.
    // Listener address and worker count changes take effect at the next start. Pass
    // AlreadyValidated only for what a ConfigStore (or validateConfig) has just accepted.
    ConfigErrors apply(const Config &config, ConfigCheck check = ConfigCheck::Validate);
    // Stops accepting, lets in-flight requests finish (bounded by settings.shutdownTimeoutMs),
    // then closes everything. Blocks until the workers are gone.
    void stop();

    bool isRunning() const;
    // "http://127.0.0.1:8080" (https:// over TLS) for each listener, once started.
    QStringList listenerUrls() const;
    quint16 listenPort() const;
    int workerCount() const;
    std::shared_ptr<const Snapshot> snapshot() const;
    // When API keys were last used, gathered from the workers (see KeyUsageFlusher).
    KeyUsageRecorder &keyUsage();
    LocalCounters &rateCounters();
    // The recent requests with the gateway's decisions (thread-safe; lives as long as this).
    TrafficCapture &capture();
    // For the route tester (RouteTester): registries sharing this engine's counters, cached
    // key sets, target health and consumers, to read. Works whether or not it runs.
    std::unique_ptr<EngineRegistries> dryRunRegistries() const;
    // The latest aggregated figures (also emitted by trafficUpdated).
    TrafficSample traffic() const;
    // Totals since start for GET /metrics, as of the latest sample; per consumer only when
    // `withConsumers`.
    TrafficMetrics metrics(bool withConsumers) const;

Q_SIGNALS:
    // About four times a second while running.
    void trafficUpdated(const portico::TrafficSample &sample);
    void snapshotApplied(quint64 version);
    void runningChanged(bool running);

private:
    std::unique_ptr<EngineCore> m_core;
    QTimer *m_sampler = nullptr;
};

} // namespace portico
