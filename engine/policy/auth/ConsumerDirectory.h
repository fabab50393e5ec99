#pragma once

#include "config/Config.h"
#include "http/BytesHash.h"

#include <QByteArray>

#include <atomic>
#include <memory>
#include <unordered_map>
#include <vector>

namespace portico {

class KeyUsageRecorder;

// A consumer as the request path needs it: names already in the bytes the headers carry.
struct CompiledConsumer
{
    QByteArray name;
    QByteArray id; // X-Consumer-Id: the custom id, or the name when there is none
    QString plan;
    QByteArray rateSubject; // whose counters its requests use (consumerRateSubject)
    std::vector<QByteArray> groups;
    bool inGroup(QByteArrayView group) const;
};

// One stored API key, found by the SHA-256 of what a client presents.
struct CompiledKey
{
    int consumerIndex = -1;
    QByteArray id;      // "key_..." (not secret: lists and logs show it)
    QByteArray prefix;  // the key's first characters, as lists show them
    QByteArray digest;  // the 32 raw bytes of its SHA-256
    QByteArray accepted; // "key <id> consumer <name>": what a request it authenticates records
    qint64 expiresMs = 0; // 0 = never
    bool revoked = false;
    // The last second a use was handed to the usage recorder, so a busy key costs one
    // relaxed load per request, not a lock.
    mutable std::atomic<qint64> lastReportedS{0};
};

// Every consumer and key of a configuration, compiled once per snapshot. Lookups are O(1):
// a presented key is hashed, its digest found in a hash table and compared in constant time.
// Immutable apart from the usage marks, so every worker reads it without locks.
class ConsumerDirectory
{
public:
    ConsumerDirectory(const QList<ConsumerConfig> &consumers,
                      std::shared_ptr<KeyUsageRecorder> usage);

    // Why a presented key was refused; the client is never told which (see AuthPolicy).
    enum class KeyVerdict { Valid, Unknown, Expired, Revoked };
    struct KeyMatch
    {
        KeyVerdict verdict = KeyVerdict::Unknown;
        const CompiledKey *key = nullptr; // set unless Unknown
    };
    KeyMatch findKey(QByteArrayView presented, qint64 nowMs) const;
    // The verdict for a key findKey() already found (in this directory) at another time.
    KeyMatch recheck(const CompiledKey &key, qint64 nowMs) const;
    // Notes that a valid key was used now (batched; see KeyUsageRecorder).
    void noteUse(const CompiledKey &key, qint64 nowMs) const;

    const CompiledConsumer *consumerByName(const QByteArray &name) const;
    const CompiledConsumer &consumer(int index) const { return m_consumers[size_t(index)]; }
    qsizetype keyCount() const { return qsizetype(m_keys.size()); }

    // The configuration it was compiled from, so an unchanged one can be reused by the next
    // snapshot (consumers are implicitly shared: an edit elsewhere leaves them the same data).
    bool isCompiledFrom(const QList<ConsumerConfig> &consumers) const;

private:
    QList<ConsumerConfig> m_source;
    std::vector<CompiledConsumer> m_consumers;
    std::unordered_map<QByteArray, int, BytesHash> m_consumerByName;
    std::vector<CompiledKey> m_keys;
    std::unordered_map<QByteArray, int, BytesHash> m_keyByDigest;
    std::shared_ptr<KeyUsageRecorder> m_usage;
};

} // namespace portico
