#pragma once

#include <QtGlobal>

#include <cstring>

namespace portico {

// Offset of the first control byte (below 0x20, or 0x7f) in data[0, size), or size when there
// is none. Eight bytes at a time: every byte of every message head passes through here.
inline qsizetype findControlByte(const char *data, qsizetype size)
{
    constexpr quint64 kOnes = 0x0101010101010101ULL;
    constexpr quint64 kHighBits = 0x8080808080808080ULL;
    qsizetype i = 0;
    for (; i + 8 <= size; i += 8) {
        quint64 word;
        memcpy(&word, data + i, 8);
        // "Has a byte below 0x20" and "has a byte equal to 0x7f", exact as a yes/no answer.
        const quint64 below = (word - kOnes * 0x20) & ~word & kHighBits;
        const quint64 del = word ^ (kOnes * 0x7f);
        const quint64 isDel = (del - kOnes) & ~del & kHighBits;
        if (below | isDel)
            break;
    }
    for (; i < size; ++i) {
        const uchar c = uchar(data[i]);
        if (c < 0x20 || c == 0x7f)
            return i;
    }
    return size;
}

} // namespace portico
