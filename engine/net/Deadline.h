#pragma once

#include <QDeadlineTimer>

namespace portico {

inline qint64 monotonicNowMs()
{
    return QDeadlineTimer::current().deadline();
}

// The same clock in nanoseconds (monotonicNowMs() is this divided by 10^6).
inline qint64 monotonicNowNs()
{
    return QDeadlineTimer::current().deadlineNSecs();
}

// A timeout checked by its worker's periodic sweep instead of a QTimer of its own: arming and
// disarming it per request costs a clock read, not a timer registration.
class Deadline
{
public:
    void setInterval(int ms) { m_intervalMs = ms; }
    void start() { m_atMs = monotonicNowMs() + m_intervalMs; }
    // With a clock reading the caller already has.
    void start(qint64 nowMs) { m_atMs = nowMs + m_intervalMs; }
    void stop() { m_atMs = 0; }
    bool isActive() const { return m_atMs != 0; }
    // True once, when armed and past due; it is disarmed then.
    bool fire(qint64 nowMs)
    {
        if (m_atMs == 0 || nowMs < m_atMs)
            return false;
        m_atMs = 0;
        return true;
    }

private:
    int m_intervalMs = 0;
    qint64 m_atMs = 0;
};

// How often workers check deadlines; timeouts fire up to this much late.
inline constexpr int kDeadlineSweepMs = 100;

} // namespace portico
