#pragma once

#include <QString>

#include <array>

namespace portico::validation {

// A field path such as "consumers[41].keys[0].hash", kept as parts and turned into text only
// when an error names it: validating 100,000 consumers must not build strings nobody reads.
class FieldPath
{
public:
    explicit FieldPath(const char *root) { push(root, -1); }
    FieldPath field(const char *name) const
    {
        FieldPath path = *this;
        path.push(name, -1);
        return path;
    }
    FieldPath operator[](qsizetype index) const
    {
        FieldPath path = *this;
        path.push(nullptr, index);
        return path;
    }
    QString toString() const
    {
        QString text;
        for (int i = 0; i < m_size; ++i) {
            const Part &part = m_parts[size_t(i)];
            if (part.name) {
                if (i > 0)
                    text += QLatin1Char('.');
                text += QLatin1String(part.name);
            } else {
                text += QLatin1Char('[') + QString::number(part.index) + QLatin1Char(']');
            }
        }
        return text;
    }

private:
    struct Part
    {
        const char *name; // nullptr: an index
        qsizetype index;
    };
    void push(const char *name, qsizetype index)
    {
        Q_ASSERT(m_size < kMaxParts);
        m_parts[size_t(m_size++)] = {name, index};
    }
    static constexpr int kMaxParts = 6; // "consumers[0].keys[0].hash" needs 5
    std::array<Part, kMaxParts> m_parts{};
    int m_size = 0;
};

} // namespace portico::validation
