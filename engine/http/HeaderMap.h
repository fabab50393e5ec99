#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QVarLengthArray>

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

namespace portico {

// Ordered HTTP header fields with case-insensitive names. Order and duplicates are kept, as they
// matter to a proxy (Set-Cookie, repeated Via).
class HeaderMap
{
public:
    using Field = std::pair<QByteArray, QByteArray>;

    void add(QByteArray name, QByteArray value);
    // Replaces every field of that name with one field (appended where the first one stood).
    void set(const QByteArray &name, QByteArray value);
    // Removes every field of that name; returns how many were removed.
    int remove(QByteArrayView name);

    bool contains(QByteArrayView name) const;
    int count(QByteArrayView name) const;
    // First value of that name, or a null QByteArray.
    QByteArray value(QByteArrayView name) const;
    // All values of that name joined with ", " (RFC 9110 5.3 list combination).
    QByteArray combinedValue(QByteArrayView name) const;
    // True when a comma-separated list header holds the token (case-insensitive).
    bool hasToken(QByteArrayView name, QByteArrayView token) const;

    const std::vector<Field> &fields() const { return m_fields; }
    std::vector<Field> &fields() { return m_fields; }
    qsizetype size() const { return qsizetype(m_fields.size()); }
    bool isEmpty() const { return m_fields.empty(); }
    void clear() { m_fields.clear(); }

    // Case-insensitive in ASCII, as field names are (RFC 9110 5.1); inline because every
    // header lookup and classification comes here, and most names differ in length. Eight
    // bytes at a time (see lower8); names shorter than that, byte by byte.
    static bool namesEqual(QByteArrayView a, QByteArrayView b)
    {
        const qsizetype n = a.size();
        if (n != b.size())
            return false;
        const char *p = a.data();
        const char *q = b.data();
        if (n < 8) {
            for (qsizetype i = 0; i < n; ++i) {
                if (p[i] != q[i] && asciiLower(p[i]) != asciiLower(q[i]))
                    return false;
            }
            return true;
        }
        // Whole words, then the last eight bytes (overlapping the words before when n is not
        // a multiple of 8).
        for (qsizetype i = 0;; i += 8) {
            const qsizetype at = std::min(i, n - 8);
            quint64 x;
            quint64 y;
            std::memcpy(&x, p + at, 8);
            std::memcpy(&y, q + at, 8);
            if (x != y && lower8(x) != lower8(y))
                return false;
            if (at == n - 8)
                return true;
        }
    }
    static char asciiLower(char c) { return c >= 'A' && c <= 'Z' ? char(c | 0x20) : c; }
    // Each of eight bytes lowered as asciiLower does: a byte in 'A'..'Z' (and only those) has
    // its high bit set in `upper` (per-byte sums on the low seven bits never carry into the
    // next byte), which shifted down two is the 0x20 that lowers it.
    static quint64 lower8(quint64 w)
    {
        constexpr quint64 kOnes = 0x0101010101010101ULL;
        constexpr quint64 kHigh = 0x8080808080808080ULL;
        const quint64 low7 = w & ~kHigh;
        const quint64 atLeastA = low7 + (0x80 - 'A') * kOnes;
        const quint64 aboveZ = low7 + (0x80 - 'Z' - 1) * kOnes;
        const quint64 upper = atLeastA & ~aboveZ & ~w & kHigh;
        return w | (upper >> 2);
    }

private:
    std::vector<Field> m_fields;
};

// A few fields kept inline (no allocation up to four), e.g. those a policy adds to an answer.
using InlineHeaderFields = QVarLengthArray<HeaderMap::Field, 4>;

// Calls f(element) for each trimmed, non-empty element of a comma-separated header list,
// without copying any: the request path reads "Connection: keep-alive" on every response.
template<typename F>
void forEachListElement(QByteArrayView value, F &&f)
{
    qsizetype start = 0;
    while (start <= value.size()) {
        qsizetype comma = value.indexOf(',', start);
        if (comma < 0)
            comma = value.size();
        const QByteArrayView element = value.sliced(start, comma - start).trimmed();
        if (!element.isEmpty())
            f(element);
        start = comma + 1;
    }
}

// Splits a comma-separated header list into trimmed, non-empty tokens.
std::vector<QByteArray> splitHeaderList(QByteArrayView value);

} // namespace portico
