#pragma once

#include <QStringView>

#include <cstring>
#include <optional>
#include <vector>

namespace portico {

// A 64-bit fingerprint of a string, for FingerprintIndex and RepeatFinder. Not qHash(): Qt
// 6.4's AES hash stalls on every call from ordinary code (it leaves the upper AVX state dirty),
// which made it most of the cost of validating 100,000 consumer names. `seed` should be
// QHashSeed::globalSeed(), so crafted collisions cannot be planned ahead.
inline quint64 fingerprintOf(QStringView text, quint64 seed)
{
    constexpr quint64 kMultiplier = 0x9e3779b97f4a7c15ULL;
    quint64 h = seed ^ (quint64(text.size()) * kMultiplier);
    const char *bytes = reinterpret_cast<const char *>(text.data());
    const size_t size = size_t(text.size()) * sizeof(char16_t);
    size_t at = 0;
    for (; at + 8 <= size; at += 8) {
        quint64 word;
        std::memcpy(&word, bytes + at, 8);
        h = (h ^ word) * kMultiplier;
        h ^= h >> 29;
    }
    if (at < size) {
        quint64 word = 0;
        std::memcpy(&word, bytes + at, size - at);
        h = (h ^ word) * kMultiplier;
    }
    h ^= h >> 32;
    return h * kMultiplier;
}

// Finds repeats among many values (names, key ids, key hashes) by 64-bit fingerprint, in one
// flat open-addressed table: validating 100,000 consumers makes three of these, and a hash
// table of strings costs several times more (a node and a string compare per probe, spread
// over memory). Values with equal fingerprints are told apart by the caller's `same` check,
// so a fingerprint collision never hides a value or invents a repeat.
class FingerprintIndex
{
public:
    explicit FingerprintIndex(qsizetype expected = 0)
    {
        size_t capacity = 16;
        while (capacity * 3 < size_t(expected) * 4) // at most 3/4 full
            capacity *= 2;
        m_slots.resize(capacity);
    }

    // The payload of the first value added with `fingerprint` for which same(payload) is
    // true; otherwise adds `payload` (0 <= payload < 2^32 - 1) and returns nullopt.
    template<typename Same>
    std::optional<qint64> findOrAdd(quint64 fingerprint, qint64 payload, Same same)
    {
        Q_ASSERT(payload >= 0 && payload < kEmpty);
        if ((m_size + 1) * 4 > m_slots.size() * 3)
            grow();
        const size_t mask = m_slots.size() - 1;
        const quint32 tag = tagOf(fingerprint);
        for (size_t i = tag & mask;; i = (i + 1) & mask) {
            Slot &slot = m_slots[i];
            if (slot.payload == kEmpty) {
                slot = {tag, quint32(payload)};
                ++m_size;
                return std::nullopt;
            }
            if (slot.tag == tag && same(qint64(slot.payload)))
                return qint64(slot.payload);
        }
    }

    // The payload of a value added with `fingerprint` for which same(payload) is true.
    template<typename Same>
    std::optional<qint64> find(quint64 fingerprint, Same same) const
    {
        const size_t mask = m_slots.size() - 1;
        const quint32 tag = tagOf(fingerprint);
        for (size_t i = tag & mask; m_slots[i].payload != kEmpty; i = (i + 1) & mask) {
            if (m_slots[i].tag == tag && same(qint64(m_slots[i].payload)))
                return qint64(m_slots[i].payload);
        }
        return std::nullopt;
    }

private:
    // Eight bytes a slot: the table for 100,000 values (1 MB) stays within a core's cache.
    struct Slot
    {
        quint32 tag = 0; // the fingerprint, mixed down: picks the slot, skips most others
        quint32 payload = kEmpty;
    };
    static constexpr quint32 kEmpty = 0xffffffffu;

    // Spreads fingerprints that are not hashes (a key id's digits) over the table.
    static quint32 tagOf(quint64 x)
    {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdULL;
        x ^= x >> 33;
        return quint32(x);
    }

    void grow()
    {
        std::vector<Slot> old(m_slots.size() * 2);
        old.swap(m_slots);
        const size_t mask = m_slots.size() - 1;
        for (const Slot &slot : old) {
            if (slot.payload == kEmpty)
                continue;
            size_t i = slot.tag & mask;
            while (m_slots[i].payload != kEmpty)
                i = (i + 1) & mask;
            m_slots[i] = slot;
        }
    }

    std::vector<Slot> m_slots;
    size_t m_size = 0;
};

} // namespace portico
