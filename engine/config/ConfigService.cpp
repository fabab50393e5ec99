#include "ConfigService.h"

#include <QTimer>

namespace portico {

ConfigService::ConfigService(std::unique_ptr<ConfigStore> store, Applier applier, QObject *parent)
    : QObject(parent), m_store(std::move(store)), m_applier(std::move(applier))
{
    Q_ASSERT(m_store);
    m_poll = new QTimer(this);
    m_poll->setInterval(1000);
    connect(m_poll, &QTimer::timeout, this, &ConfigService::pollForChanges);
    m_poll->start();
}

ConfigService::~ConfigService() = default;

StoreResult ConfigService::applyAfter(const StoreResult &result)
{
    if (result.status != StoreResult::Status::Ok)
        return result; // nothing was written, the engine keeps what it runs
    const ConfigErrors errors = m_applier ? m_applier(m_store->config()) : ConfigErrors();
    if (!errors.empty()) {
        // The store validated it, so this is a bug, not bad input: say so loudly.
        qWarning("stored revision %lld was not applied: %s", result.revision,
                 qPrintable(errors.front().toString()));
    }
    Q_EMIT configChanged(result.revision);
    return result;
}

StoreResult ConfigService::applyAfter(const StoreResult &result, qint64 revisionBefore)
{
    // The store may have picked up another writer's change on the way, even when this change
    // was refused: the engine must run what the file holds.
    if (result.status != StoreResult::Status::Ok && m_store->revision() != revisionBefore)
        applyAfter({StoreResult::Status::Ok, {}, m_store->revision()});
    return applyAfter(result);
}

StoreResult ConfigService::edit(ConfigSource source, const QString &summary,
                                qint64 expectedRevision,
                                const std::function<EditOutcome(Config &)> &change)
{
    const qint64 before = m_store->revision();
    return applyAfter(m_store->edit(source, summary, expectedRevision, change), before);
}

StoreResult ConfigService::replace(const Config &config, ConfigSource source,
                                   const QString &summary, qint64 expectedRevision)
{
    return edit(source, summary, expectedRevision, [&config](Config &current) {
        current = config;
        return EditOutcome{};
    });
}

StoreResult ConfigService::rollback(qint64 revision, qint64 expectedRevision)
{
    const qint64 before = m_store->revision();
    return applyAfter(m_store->rollback(revision, expectedRevision), before);
}

void ConfigService::pollForChanges()
{
    if (m_store->changedElsewhere() && m_store->reload())
        applyAfter({StoreResult::Status::Ok, {}, m_store->revision()});
}

} // namespace portico
