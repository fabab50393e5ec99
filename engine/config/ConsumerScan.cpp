#include "ConsumerScan.h"

#include "AccessChecks.h"
#include "ApiKeys.h"
#include "ConfigValidator.h"

#include <cstring>

namespace portico::validation {

namespace {

// A fingerprint of 16 characters (the digits of a key id or hash), straight from their bytes.
quint64 digitsFingerprint(QStringView digits)
{
    Q_ASSERT(digits.size() == 16);
    quint64 words[4];
    std::memcpy(words, digits.data(), sizeof words);
    quint64 h = 0;
    for (quint64 word : words) {
        h = (h ^ word) * 0x9e3779b97f4a7c15ULL;
        h ^= h >> 29;
    }
    return h;
}

} // namespace

ConsumerScan::ConsumerScan(const QList<ConsumerConfig> &consumers,
                           const NameLookup<PlanConfig> &hasPlan)
    : m_consumers(consumers)
    , m_clean(size_t(consumers.size()), true)
    , m_names(qsizetype(consumers.size()))
    , m_ids(qsizetype(consumers.size()))
    , m_hashes(qsizetype(consumers.size()))
{
    m_firstKey.reserve(size_t(consumers.size()) + 1);
    qint64 number = 0;
    for (qsizetype i = 0; i < consumers.size(); ++i) {
        const ConsumerConfig &consumer = consumers[i];
        m_firstKey.push_back(number);
        bool clean = checkName(consumer.name).isEmpty();
        if (!consumer.name.isEmpty())
            m_names.add(nameFingerprint(consumer.name), qint64(i));
        if (!consumer.customId.isEmpty())
            m_customIds.add(nameFingerprint(consumer.customId), qint64(i));
        if (!consumer.plan.isEmpty())
            clean = clean && hasPlan(consumer.plan);
        clean = clean && isConsumerAccessClean(consumer);
        // The same conditions as checkApiKey()'s errors, repeats aside.
        for (const ApiKeyConfig &key : consumer.keys) {
            const bool validHash = isApiKeyHash(key.hash);
            const bool validId = isApiKeyId(key.id);
            if (validHash)
                m_hashes.add(digitsFingerprint(QStringView(key.hash).sliced(7, 16)), number);
            if (validId)
                m_ids.add(digitsFingerprint(QStringView(key.id).sliced(4, 16)), number);
            clean = clean && validHash && validId && key.prefix.size() <= 16
                && key.created.isValid() && !(key.expires.isValid() && key.expires < key.created);
            ++number;
        }
        m_clean[i] = clean;
    }
    m_firstKey.push_back(number);
    m_names.resolve([&](qint64 index) { return QStringView(consumers[size_t(index)].name); });
    m_customIds.resolve(
        [&](qint64 index) { return QStringView(consumers[size_t(index)].customId); });
    m_hashes.resolve([&](qint64 key) { return QStringView(keyAt(key).hash); });
    m_ids.resolve([&](qint64 key) { return QStringView(keyAt(key).id); });
    markRepeats(m_names, false);
    markRepeats(m_customIds, false);
    markRepeats(m_hashes, true);
    markRepeats(m_ids, true);
}

void ConsumerScan::markRepeats(const RepeatFinder &finder, bool keys)
{
    for (const auto &[repeat, first] : finder.repeats())
        m_clean[size_t(keys ? useOf(repeat)->consumer : repeat)] = false;
}

} // namespace portico::validation
