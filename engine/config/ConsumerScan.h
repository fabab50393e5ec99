#pragma once

#include "Config.h"
#include "FieldPath.h"
#include "NameIndex.h"
#include "RepeatFinder.h"

#include <algorithm>
#include <optional>
#include <vector>

namespace portico::validation {

// Key ids and hashes must be unique across every consumer: a key that belonged to two
// consumers would authenticate as whichever the lookup found first. Keys are numbered in
// config order; a path is spelled out only for an error.
struct KeyUse
{
    qsizetype consumer;
    qsizetype key;
    QString path(const char *field) const
    {
        return FieldPath("consumers")[consumer].field("keys")[key].field(field).toString();
    }
};

// Consumers come by the hundred thousand, and reading their data is most of the cost of a
// validation: one pass finds the repeated names, key ids and key hashes and tells which
// consumers have nothing to report, so that the pass reporting errors in config order only
// looks at the others.
class ConsumerScan
{
public:
    ConsumerScan(const QList<ConsumerConfig> &consumers,
                 const NameLookup<PlanConfig> &hasPlan);

    bool isClean(qsizetype consumer) const { return m_clean[size_t(consumer)]; }
    qint64 numberOf(qsizetype consumer, qsizetype key) const
    {
        return m_firstKey[size_t(consumer)] + key;
    }
    // Where the first equal name, custom id, hash or key id is when this one repeats it. Ask
    // in order.
    qint64 firstName(qsizetype consumer) { return m_names.firstOf(consumer); }
    qint64 firstCustomId(qsizetype consumer) { return m_customIds.firstOf(consumer); }
    std::optional<KeyUse> firstHash(qint64 number) { return useOf(m_hashes.firstOf(number)); }
    std::optional<KeyUse> firstId(qint64 number) { return useOf(m_ids.firstOf(number)); }

private:
    std::optional<KeyUse> useOf(qint64 number) const
    {
        if (number < 0)
            return std::nullopt;
        const auto next = std::upper_bound(m_firstKey.begin(), m_firstKey.end(), number);
        const qsizetype consumer = qsizetype(next - m_firstKey.begin()) - 1;
        return KeyUse{consumer, qsizetype(number - m_firstKey[size_t(consumer)])};
    }
    const ApiKeyConfig &keyAt(qint64 number) const
    {
        const KeyUse use = *useOf(number);
        return m_consumers[qsizetype(use.consumer)].keys[size_t(use.key)];
    }
    void markRepeats(const RepeatFinder &finder, bool keys);

    const QList<ConsumerConfig> &m_consumers;
    std::vector<qint64> m_firstKey; // number of each consumer's first key, then the count
    std::vector<bool> m_clean;
    RepeatFinder m_names;
    RepeatFinder m_customIds; // only the consumers that have one, usually few
    RepeatFinder m_ids;
    RepeatFinder m_hashes;
};

} // namespace portico::validation
