#pragma once

#include "config/Config.h"
#include "config/EngineRegistries.h"
#include "net/SnapshotPublisher.h"
#include "observe/TrafficStats.h"

#include <QMutex>
#include <QStringList>

#include <atomic>
#include <deque>
#include <memory>
#include <vector>

class QThread;

namespace portico {

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
    ConfigErrors apply(const Config &config, ConfigCheck check);
    void stop();

    bool isRunning() const { return m_running; }
    QStringList listenerUrls() const;
    quint16 listenPort() const { return m_port; }
    int workerCount() const { return int(m_workers.size()); }
    std::shared_ptr<const Snapshot> snapshot() const;
    KeyUsageRecorder &keyUsage() { return *m_registries.keyUsage; }
    LocalCounters &rateCounters() { return *m_registries.rateCounters; }
    // Sums the workers' counters; requests/s is measured over about the last second.
    TrafficSample sample();
    TrafficSample lastSample() const;

private:
    void dispatch(qintptr descriptor);
    void stopThreads(int timeoutMs);

    EngineRegistries m_registries;
    SnapshotPublisher m_publisher;
    mutable QMutex m_mutex; // guards m_lastSample
    TrafficSample m_lastSample;
    std::deque<TrafficSample> m_recent;
    quint64 m_nextVersion = 1;

    std::vector<QThread *> m_workerThreads;
    std::vector<Worker *> m_workers;
    QThread *m_acceptThread = nullptr;
    Listener *m_listener = nullptr;
    std::atomic<quint32> m_nextWorker{0};
    QString m_host;
    quint16 m_port = 0;
    bool m_running = false;
};

} // namespace portico
