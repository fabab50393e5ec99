#pragma once

#include "ConfigStore.h"

#include <QObject>

#include <functional>
#include <memory>

class QTimer;

namespace portico {

// The one way configuration changes reach the running gateway: an edit goes to the store
// (validated, one transaction, a new revision) and, once stored, its snapshot is swapped into
// the engine. Changes another process writes to the same file are picked up within a second.
// Lives on one thread (the store's connection belongs to it); the GUI and the Admin API both
// call it there.
class ConfigService : public QObject
{
    Q_OBJECT
public:
    // Swaps a stored configuration into the engine; returns the engine's errors (none when the
    // store already validated it, which it always has).
    using Applier = std::function<ConfigErrors(const Config &)>;

    ConfigService(std::unique_ptr<ConfigStore> store, Applier applier, QObject *parent = nullptr);
    ~ConfigService() override;

    ConfigStore &store() { return *m_store; }
    const Config &config() const { return m_store->config(); }
    qint64 revision() const { return m_store->revision(); }

    // ConfigStore::edit(), then the engine gets the result.
    StoreResult edit(ConfigSource source, const QString &summary, qint64 expectedRevision,
                     const std::function<EditOutcome(Config &)> &change);
    StoreResult replace(const Config &config, ConfigSource source, const QString &summary,
                        qint64 expectedRevision = 0);
    StoreResult rollback(qint64 revision, qint64 expectedRevision = 0);

    // Checks for another writer's changes now (the timer does it every second).
    void pollForChanges();

Q_SIGNALS:
    // After every change that reached the engine, from here or from another writer.
    void configChanged(qint64 revision);

private:
    // Hands the stored configuration to the engine when `result` changed it.
    StoreResult applyAfter(const StoreResult &result);
    // The same, also when a refused change caught up with another writer's on the way.
    StoreResult applyAfter(const StoreResult &result, qint64 revisionBefore);

    std::unique_ptr<ConfigStore> m_store;
    Applier m_applier;
    QTimer *m_poll = nullptr;
};

} // namespace portico
