#pragma once

#include <QObject>

class QTimer;

namespace portico {

class ConfigStore;
class KeyUsageRecorder;

// Writes the API keys' last use from the engine to the store every few seconds, in one
// transaction per batch, so lists show when a key was last used without a write per request.
class KeyUsageFlusher : public QObject
{
    Q_OBJECT
public:
    static constexpr int kIntervalMs = 5'000;

    KeyUsageFlusher(KeyUsageRecorder &recorder, ConfigStore &store, QObject *parent = nullptr);
    ~KeyUsageFlusher() override;

    void flush();

private:
    KeyUsageRecorder &m_recorder;
    ConfigStore &m_store;
    QTimer *m_timer;
};

} // namespace portico
