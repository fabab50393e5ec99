#pragma once

#include <QMetaType>
#include <QtGlobal>

#include <array>
#include <atomic>

namespace portico {

// Aggregated traffic figures at one moment, summed over all workers.
struct TrafficSample
{
    qint64 msecsSinceEpoch = 0;
    quint64 requests = 0;                 // completed requests since start
    std::array<quint64, 6> byStatusClass{}; // index 1..5 = 1xx..5xx, 0 = no response sent
    quint64 upstreamErrors = 0;           // 502/504 produced by the gateway
    quint64 activeConnections = 0;
    double requestsPerSecond = 0.0;       // over the last sampling interval
};

// Counters one worker owns. Only that worker writes them, so plain relaxed load+store suffice;
// other threads read them relaxed when sampling.
struct WorkerCounters
{
    std::atomic<quint64> requests{0};
    std::array<std::atomic<quint64>, 6> byStatusClass{};
    std::atomic<quint64> upstreamErrors{0};
    std::atomic<quint64> activeConnections{0};

    static void bump(std::atomic<quint64> &c, qint64 delta = 1)
    {
        c.store(c.load(std::memory_order_relaxed) + quint64(delta), std::memory_order_relaxed);
    }
    void countResponse(int status)
    {
        bump(requests);
        bump(byStatusClass[status >= 100 && status < 600 ? status / 100 : 0]);
        if (status == 502 || status == 504)
            bump(upstreamErrors);
    }
};

} // namespace portico

Q_DECLARE_METATYPE(portico::TrafficSample)
