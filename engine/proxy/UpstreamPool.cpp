#include "UpstreamPool.h"

#include "UpstreamConnection.h"

#include "net/ByteStream.h"
#include "net/Deadline.h"

#include <algorithm>

namespace portico {

UpstreamPool::UpstreamPool(QObject *parent)
    : QObject(parent)
{
    m_sweepTimer.setInterval(1000);
    connect(&m_sweepTimer, &QTimer::timeout, this, &UpstreamPool::sweep);
    m_sweepTimer.start();
}

UpstreamPool::~UpstreamPool()
{
    closeIdle();
}

void UpstreamPool::setLimits(int maxIdlePerTarget, int idleTimeoutMs)
{
    m_maxIdlePerTarget = maxIdlePerTarget;
    m_idleTimeoutMs = idleTimeoutMs;
}

UpstreamConnection *UpstreamPool::acquire(const QByteArray &key, const QString &host, quint16 port,
                                          const std::shared_ptr<const TlsClientContext> &tls)
{
    auto it = m_idle.find(key);
    if (it != m_idle.end()) {
        auto &list = it->second;
        // Most recently used first: it is the least likely to have been closed by the target.
        while (!list.empty()) {
            UpstreamConnection *connection = list.back();
            list.pop_back();
            if (connection->isConnected()) // a closed one reported itself and left the list
                return connection;
            connection->deleteLater();
        }
    }
    auto *connection = new UpstreamConnection(key, tls, this);
    connect(connection, &UpstreamConnection::idleConnectionLost, this, &UpstreamPool::dropIdle);
    connection->connectTo(host, port);
    return connection;
}

void UpstreamPool::release(UpstreamConnection *connection, bool reusable)
{
    connection->setHandler(nullptr);
    auto &list = m_idle[connection->key()];
    if (!reusable || !connection->isConnected() || int(list.size()) >= m_maxIdlePerTarget) {
        connection->deleteLater();
        return;
    }
    connection->stream().setReadEnabled(true); // to notice when the target closes it
    connection->markReused();
    connection->setIdleSinceMs(monotonicNowMs());
    list.push_back(connection);
}

void UpstreamPool::dropIdle(UpstreamConnection *connection)
{
    auto it = m_idle.find(connection->key());
    if (it != m_idle.end())
        std::erase(it->second, connection);
    connection->deleteLater();
}

int UpstreamPool::idleCount() const
{
    int n = 0;
    for (const auto &[key, list] : m_idle)
        n += int(list.size());
    return n;
}

void UpstreamPool::closeIdle()
{
    for (auto &[key, list] : m_idle) {
        for (UpstreamConnection *connection : list)
            connection->deleteLater();
        list.clear();
    }
}

void UpstreamPool::sweep()
{
    const qint64 cutoff = monotonicNowMs() - m_idleTimeoutMs;
    for (auto &[key, list] : m_idle) {
        // Oldest first in each list.
        auto expired = std::find_if(list.begin(), list.end(), [&](UpstreamConnection *c) {
            return c->idleSinceMs() >= cutoff;
        });
        for (auto it = list.begin(); it != expired; ++it)
            (*it)->deleteLater();
        list.erase(list.begin(), expired);
    }
}

} // namespace portico
