#include "KeyUsageFlusher.h"

#include "config/ConfigStore.h"
#include "policy/auth/KeyUsageRecorder.h"

#include <QTimer>

namespace portico {

KeyUsageFlusher::KeyUsageFlusher(KeyUsageRecorder &recorder, ConfigStore &store, QObject *parent)
    : QObject(parent)
    , m_recorder(recorder)
    , m_store(store)
    , m_timer(new QTimer(this))
{
    connect(m_timer, &QTimer::timeout, this, &KeyUsageFlusher::flush);
    m_timer->start(kIntervalMs);
}

KeyUsageFlusher::~KeyUsageFlusher()
{
    flush();
}

void KeyUsageFlusher::flush()
{
    const std::vector<std::pair<QByteArray, qint64>> taken = m_recorder.take();
    if (taken.empty())
        return;
    std::vector<std::pair<QString, QDateTime>> batch;
    batch.reserve(taken.size());
    for (const auto &[id, ms] : taken)
        batch.emplace_back(QString::fromLatin1(id), QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC));
    m_store.recordKeyUse(batch);
}

} // namespace portico
