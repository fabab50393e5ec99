#pragma once

#include "observe/TrafficDelta.h"

#include <QMutex>

#include <utility>
#include <vector>

namespace portico {

// Where a worker leaves its deltas for the sampler: the one lock between them, taken once per
// flush by the worker and once per sample by the sampler, never per request.
class TrafficOutbox
{
public:
    void post(TrafficDelta delta)
    {
        QMutexLocker lock(&m_mutex);
        m_pending.push_back(std::move(delta));
    }
    std::vector<TrafficDelta> take()
    {
        QMutexLocker lock(&m_mutex);
        return std::exchange(m_pending, {});
    }

private:
    QMutex m_mutex;
    std::vector<TrafficDelta> m_pending;
};

} // namespace portico
