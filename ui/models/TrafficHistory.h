#pragma once

#include "observe/TrafficStats.h"

#include <deque>

namespace portico {

// One moment of the dashboard's charts: rates per second over about the last second, and the
// latency of the requests completed since the previous sample.
struct TrafficPoint
{
    qint64 msecsSinceEpoch = 0;
    std::array<double, 6> statusPerSecond{}; // index 1..5 = 1xx..5xx
    double rateLimitedPerSecond = 0.0;
    double upstreamErrorsPerSecond = 0.0;
    LatencySummary latency;
};

// The last fifteen minutes of the engine's samples as chart points. Samples are counters since
// start; each point is the difference to the sample about a second before it, divided by the
// time between them, so a late or early sample does not make a spike.
class TrafficHistory
{
public:
    static constexpr qint64 kKeepMs = 15 * 60 * 1000;

    void add(const TrafficSample &sample);
    void clear();

    bool isEmpty() const { return m_points.empty(); }
    const std::deque<TrafficPoint> &points() const { return m_points; }
    const TrafficSample &latest() const { return m_samples.back(); }

private:
    std::deque<TrafficPoint> m_points;
    std::deque<TrafficSample> m_samples; // the last second or so, for the differences
};

} // namespace portico
