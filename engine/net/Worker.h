#pragma once

#include "observe/TrafficOutbox.h"
#include "observe/TrafficRecorder.h"
#include "observe/TrafficStats.h"

#include <QObject>
#include <QSet>

class QTimer;

#include <atomic>
#include <memory>

namespace portico {

class TlsServerContext;

struct Snapshot;
class AccessLog;
class ClientConnection;
class SnapshotPublisher;
class TrafficCapture;
class ThreadMailbox;
class RedisLinks;
class UpstreamPool;

// One worker thread's share of the gateway: its client connections, its upstream pool, its
// counters and the snapshot new requests start with. Everything here is touched only on the
// worker's thread, except counters and the traffic outbox (read by the sampler) and the queued
// calls below.
class Worker : public QObject
{
    Q_OBJECT
public:
    Worker(int index, const SnapshotPublisher *publisher, TrafficCapture *capture,
           AccessLog *accessLog, const std::atomic<quint16> *httpsPort);
    ~Worker() override;

    int index() const { return m_index; }
    // The engine's current snapshot (picked up here when it changed since the last call).
    const std::shared_ptr<const Snapshot> &snapshot();
    UpstreamPool *pool() const { return m_pool; }
    // For work other threads hand back to this one (see ThreadMailbox).
    ThreadMailbox *mailbox() const { return m_mailbox.get(); }
    // Its own connections to Redis, for rate limits shared by several instances.
    RedisLinks *redisLinks() const { return m_redisLinks; }
    WorkerCounters &counters() { return m_counters; }
    const WorkerCounters &counters() const { return m_counters; }
    // Per-route and per-consumer figures and latency, recorded here and flushed on request.
    TrafficRecorder &traffic() { return m_traffic; }
    TrafficOutbox &trafficOutbox() { return m_trafficOutbox; }
    // The engine's recent requests, which finished requests join (thread-safe).
    TrafficCapture *capture() const { return m_capture; }
    // A finished request's record (a blob, see CaptureBlob): into the capture when it was
    // captured for it, and to the access log while that is on. Leaves in `record` a buffer
    // for the next one.
    void publish(QByteArray &record, bool captured);
    // The engine's access log (outlives the worker); append() only when isEnabled().
    AccessLog &accessLog() const { return *m_accessLog; }
    // The HTTPS listener's port (settings.listen_tls, as bound), 0 without one: where
    // settings.redirect_http sends plain-HTTP requests.
    quint16 httpsPort() const { return m_httpsPort->load(std::memory_order_relaxed); }

    // Queued from other threads:
    // Over TLS with `tls`, plain HTTP without.
    void addConnection(qintptr descriptor, const std::shared_ptr<const TlsServerContext> &tls);
    // A new snapshot was published: let go of the old one even when no request comes.
    void refreshSnapshot() { snapshot(); }
    // The sampler asks for what was recorded since the last flush; it is left in the outbox.
    void flushTraffic();
    // Closes idle connections now and the others after their current response; the worker's
    // thread quits once none is left or the deadline passes.
    void beginShutdown(int timeoutMs);

private:
    void onConnectionClosed(ClientConnection *connection);
    void finishShutdownIfDone();
    void applyPoolLimits();
    void sweepDeadlines();

    int m_index;
    const SnapshotPublisher *m_publisher;
    TrafficCapture *m_capture;
    AccessLog *m_accessLog;
    const std::atomic<quint16> *m_httpsPort;
    std::shared_ptr<const Snapshot> m_snapshot;
    quint64 m_snapshotVersion = 0;
    UpstreamPool *m_pool;
    std::shared_ptr<ThreadMailbox> m_mailbox;
    RedisLinks *m_redisLinks;
    QTimer *m_sweepTimer;
    WorkerCounters m_counters;
    TrafficRecorder m_traffic;
    TrafficOutbox m_trafficOutbox;
    QSet<ClientConnection *> m_connections;
    bool m_shuttingDown = false;
};

} // namespace portico
