#pragma once

#include <QObject>

class QTimer;

namespace portico {

class ConfigStore;
class LocalCounters;
class QuotaCalendar;

// Keeps day and month quotas across restarts: loads this period's counts from the store at
// start and writes the changed ones every few seconds and when it is destroyed (at shutdown).
// A crash loses at most what was counted since the last write: kIntervalMs worth of requests.
class QuotaFlusher : public QObject
{
    Q_OBJECT
public:
    static constexpr int kIntervalMs = 5'000;

    QuotaFlusher(LocalCounters &counters, ConfigStore &store, const QuotaCalendar &calendar,
                 QObject *parent = nullptr);
    ~QuotaFlusher() override;

    void flush();

private:
    LocalCounters &m_counters;
    ConfigStore &m_store;
    QTimer *m_timer;
};

} // namespace portico
