#include "KeyUsageRecorder.h"

#include "http/BytesHash.h"

namespace portico {

KeyUsageRecorder::Shard &KeyUsageRecorder::shardFor(const QByteArray &keyId) const
{
    return m_shards[BytesHash()(keyId) % m_shards.size()];
}

void KeyUsageRecorder::record(const QByteArray &keyId, qint64 nowMs)
{
    Shard &shard = shardFor(keyId);
    QMutexLocker lock(&shard.mutex);
    qint64 &last = shard.lastUsedMs[keyId];
    last = std::max(last, nowMs);
}

std::vector<std::pair<QByteArray, qint64>> KeyUsageRecorder::take()
{
    std::vector<std::pair<QByteArray, qint64>> out;
    for (Shard &shard : m_shards) {
        QHash<QByteArray, qint64> taken;
        {
            QMutexLocker lock(&shard.mutex);
            taken.swap(shard.lastUsedMs);
        }
        for (auto it = taken.cbegin(); it != taken.cend(); ++it)
            out.emplace_back(it.key(), it.value());
    }
    return out;
}

qint64 KeyUsageRecorder::pending(const QByteArray &keyId) const
{
    const Shard &shard = shardFor(keyId);
    QMutexLocker lock(&shard.mutex);
    return shard.lastUsedMs.value(keyId, 0);
}

} // namespace portico
