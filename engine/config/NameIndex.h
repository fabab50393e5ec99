#pragma once

#include "FingerprintIndex.h"
#include "RepeatFinder.h"

#include <QHashFunctions>
#include <QString>

#include <vector>

namespace portico::validation {

// The names in a configuration's lists, as validation needs them: the repeats (RepeatFinder)
// and lookups of one name (FingerprintIndex).

inline quint64 nameFingerprint(const QString &name)
{
    static const quint64 seed = quint64(QHashSeed::globalSeed());
    return fingerprintOf(name, seed);
}

// Equal names; loaded ones often share their data, which makes the answer immediate.
inline bool sameName(const QString &a, const QString &b)
{
    return (a.constData() == b.constData() && a.size() == b.size()) || a == b;
}

// The repeats among a list's names (an empty name is reported as missing, not repeated).
template<typename T>
RepeatFinder nameRepeats(const std::vector<T> &items)
{
    RepeatFinder repeats(qsizetype(items.size()));
    for (size_t i = 0; i < items.size(); ++i) {
        if (!items[i].name.isEmpty())
            repeats.add(nameFingerprint(items[i].name), qint64(i));
    }
    repeats.resolve([&](qint64 index) { return QStringView(items[size_t(index)].name); });
    return repeats;
}

// A lookup of a (short) list's names: the services routes name, the plans consumers name.
template<typename T>
class NameLookup
{
public:
    explicit NameLookup(const std::vector<T> &items)
        : m_items(items)
        , m_index(qsizetype(items.size()))
    {
        for (size_t i = 0; i < items.size(); ++i)
            m_index.findOrAdd(nameFingerprint(items[i].name), qint64(i), same(items[i].name));
    }
    bool operator()(const QString &name) const
    {
        // Loaded consumers share their plan's string: a few pointer compares settle most.
        if (m_items.size() <= kFewItems) {
            for (const T &item : m_items) {
                if (item.name.constData() == name.constData() && item.name.size() == name.size())
                    return true;
            }
        }
        return m_index.find(nameFingerprint(name), same(name)).has_value();
    }

private:
    auto same(const QString &name) const
    {
        return [this, &name](qint64 other) { return sameName(m_items[size_t(other)].name, name); };
    }
    static constexpr size_t kFewItems = 16;
    const std::vector<T> &m_items;
    FingerprintIndex m_index;
};

} // namespace portico::validation
