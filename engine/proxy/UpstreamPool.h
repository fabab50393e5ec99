#pragma once

#include "http/BytesHash.h"

#include <QByteArray>
#include <QObject>
#include <QTimer>

#include <memory>
#include <unordered_map>
#include <vector>

namespace portico {

class TlsClientContext;
class UpstreamConnection;

// Per-worker keep-alive connections to upstream targets, keyed by "host:port" (and, for TLS,
// the context they were made with). Only its worker thread touches it, so it needs no lock.
class UpstreamPool : public QObject
{
    Q_OBJECT
public:
    explicit UpstreamPool(QObject *parent = nullptr);
    ~UpstreamPool() override;

    void setLimits(int maxIdlePerTarget, int idleTimeoutMs);

    // An idle connection to the target when one is pooled, otherwise a new one already
    // connecting (over TLS when `tls` is given; the key then names the context too, so
    // connections made with other TLS settings are never handed out). The caller sets itself
    // as handler and gives it back with release().
    UpstreamConnection *acquire(const QByteArray &key, const QString &host, quint16 port,
                                const std::shared_ptr<const TlsClientContext> &tls = nullptr);
    // Back to the pool when `reusable`, otherwise closed.
    void release(UpstreamConnection *connection, bool reusable);

    int idleCount() const;
    void closeIdle();

private:
    void dropIdle(UpstreamConnection *connection);
    void sweep();

    std::unordered_map<QByteArray, std::vector<UpstreamConnection *>, BytesHash> m_idle;
    QTimer m_sweepTimer{this}; // a child, so it moves to the worker thread with the pool
    int m_maxIdlePerTarget = 64;
    int m_idleTimeoutMs = 60'000;
};

} // namespace portico
