#include "HeaderMap.h"

#include <algorithm>

namespace portico {

void HeaderMap::add(QByteArray name, QByteArray value)
{
    m_fields.emplace_back(std::move(name), std::move(value));
}

void HeaderMap::set(const QByteArray &name, QByteArray value)
{
    auto first = std::find_if(m_fields.begin(), m_fields.end(),
                              [&](const Field &f) { return namesEqual(f.first, name); });
    if (first == m_fields.end()) {
        add(name, std::move(value));
        return;
    }
    first->second = std::move(value);
    m_fields.erase(std::remove_if(first + 1, m_fields.end(),
                                  [&](const Field &f) { return namesEqual(f.first, name); }),
                   m_fields.end());
}

int HeaderMap::remove(QByteArrayView name)
{
    const auto before = m_fields.size();
    m_fields.erase(std::remove_if(m_fields.begin(), m_fields.end(),
                                  [&](const Field &f) { return namesEqual(f.first, name); }),
                   m_fields.end());
    return int(before - m_fields.size());
}

bool HeaderMap::contains(QByteArrayView name) const
{
    return std::any_of(m_fields.begin(), m_fields.end(),
                       [&](const Field &f) { return namesEqual(f.first, name); });
}

int HeaderMap::count(QByteArrayView name) const
{
    return int(std::count_if(m_fields.begin(), m_fields.end(),
                             [&](const Field &f) { return namesEqual(f.first, name); }));
}

QByteArray HeaderMap::value(QByteArrayView name) const
{
    for (const Field &f : m_fields) {
        if (namesEqual(f.first, name))
            return f.second;
    }
    return {};
}

QByteArray HeaderMap::combinedValue(QByteArrayView name) const
{
    QByteArray out;
    for (const Field &f : m_fields) {
        if (!namesEqual(f.first, name))
            continue;
        if (!out.isNull())
            out += ", ";
        out += f.second;
        if (out.isNull())
            out = QByteArray("");
    }
    return out;
}

bool HeaderMap::hasToken(QByteArrayView name, QByteArrayView token) const
{
    for (const Field &f : m_fields) {
        if (!namesEqual(f.first, name))
            continue;
        bool found = false;
        forEachListElement(f.second,
                           [&](QByteArrayView t) { found = found || namesEqual(t, token); });
        if (found)
            return true;
    }
    return false;
}

std::vector<QByteArray> splitHeaderList(QByteArrayView value)
{
    std::vector<QByteArray> tokens;
    forEachListElement(value, [&](QByteArrayView t) { tokens.emplace_back(t.toByteArray()); });
    return tokens;
}

} // namespace portico
