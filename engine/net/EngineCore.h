#pragma once

#include "config/Config.h"
#include "config/EngineRegistries.h"
#include "net/SnapshotPublisher.h"
#include "observe/AccessLog.h"
#include "observe/TrafficAggregator.h"
#include "observe/TrafficCapture.h"
#include "observe/TrafficStats.h"

#include <QMutex>
#include <QStringList>

#include <atomic>
#include <memory>
#include <vector>

class QThread;

namespace portico {

class TlsServerContext;

struct Snapshot;
class Listener;
class Worker;

// The running gateway behind GatewayEngine: the acceptor thread with its listener, the worker
// threads, the current snapshot and the traffic sampler's arithmetic.
class EngineCore
{
public:
    EngineCore() = default;
    ~EngineCore();

    bool start(const Config &config, ConfigErrors *errors);
    // Serve the listener over TLS with this context from the next start on; null: plain HTTP.
    void setListenerTls(std::shared_ptr<const TlsServerContext> tls) { m_tls = std::move(tls); }
    // A changed set of certificates is served to the HTTPS listener's next connections; the
    // connections already open keep the one they began with.
    ConfigErrors apply(const Config &config, ConfigCheck check);
    void stop();

    bool isRunning() const { return m_running; }
    QStringList listenerUrls() const;
    quint16 listenPort() const { return m_port; }
    quint16 httpsPort() const { return m_httpsPort.load(std::memory_order_relaxed); }
    int workerCount() const { return int(m_workers.size()); }
    std::shared_ptr<const Snapshot> snapshot() const;
    KeyUsageRecorder &keyUsage() { return *m_registries.keyUsage; }
    // The access log, following settings.access_log* on start and apply. Lives as long as the
    // core; append() is safe from any thread (workers call it when a request completes), and
    // isEnabled() says whether a record is wanted at all.
    AccessLog *accessLog() { return &m_accessLog; }
    LocalCounters &rateCounters() { return *m_registries.rateCounters; }
    // The recent requests (kept across restarts of the engine).
    TrafficCapture &capture() { return m_capture; }
    std::unique_ptr<EngineRegistries> dryRunRegistries() const
    {
        return m_registries.forDryRun();
    }
    // Sums the workers' counters; requests/s is measured over about the last second.
    //
    // Per-route and per-consumer figures and latency come as deltas: each sample takes what the
    // workers left in their outboxes, then asks each of them (a queued call) to flush what it
    // recorded since. So the request path counts in plain per-worker memory with no lock at
    // all, the sampler never waits for a busy worker, a worker takes its outbox lock once per
    // sample, and every worker's interval ends at about the same moment (one sample period
    // each, so interval percentiles are comparable from sample to sample). The price: those
    // figures are one sample (about 250 ms) behind the status counters.
    TrafficSample sample();
    TrafficSample lastSample() const;
    // Totals since start for GET /metrics, as of the last sample (see TrafficAggregator).
    TrafficMetrics metrics(bool withConsumers) const;

private:
    void dispatch(qintptr descriptor, std::shared_ptr<const TlsServerContext> tls);
    // Builds the HTTPS listener's context when `certificates` differ from the current one's.
    bool serveCertificates(const std::vector<CertificateConfig> &certificates,
                           ConfigErrors *errors);
    std::shared_ptr<const TlsServerContext> httpsContext() const;
    void stopThreads(int timeoutMs);

    EngineRegistries m_registries;
    AccessLog m_accessLog; // before the workers, which hold a pointer to it
    SnapshotPublisher m_publisher;
    mutable QMutex m_mutex; // guards m_lastSample and m_aggregator
    TrafficSample m_lastSample;
    TrafficAggregator m_aggregator;
    TrafficCapture m_capture;
    quint64 m_nextVersion = 1;

    std::vector<QThread *> m_workerThreads;
    std::vector<Worker *> m_workers;
    QThread *m_acceptThread = nullptr;
    Listener *m_listener = nullptr;
    Listener *m_httpsListener = nullptr; // settings.listen_tls
    std::atomic<quint32> m_nextWorker{0};
    QString m_host;
    quint16 m_port = 0;
    QString m_httpsHost;
    std::atomic<quint16> m_httpsPort{0}; // read by the workers for redirects to https://
    std::shared_ptr<const TlsServerContext> m_tls; // --tls-cert: the main listener's
    // The HTTPS listener's certificates as served, and what they were built from. The accept
    // thread reads the context for each connection; apply() replaces it.
    mutable QMutex m_httpsMutex;
    std::shared_ptr<const TlsServerContext> m_httpsContext;
    std::vector<CertificateConfig> m_servedCertificates;
    bool m_running = false;
};

} // namespace portico
