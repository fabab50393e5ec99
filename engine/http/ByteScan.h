#pragma once

#include <QtGlobal>

#include <cstring>

namespace portico {

// Word-at-a-time tests on eight bytes read as one quint64: a yes/no answer, exact for every byte.
constexpr quint64 kEveryByte = 0x0101010101010101ULL;
constexpr quint64 kHighBits = 0x8080808080808080ULL;

// Has a byte below `limit` (at most 0x80).
constexpr bool hasByteBelow(quint64 word, uchar limit)
{
    return ((word - kEveryByte * limit) & ~word & kHighBits) != 0;
}

constexpr bool hasByte(quint64 word, uchar byte)
{
    const quint64 differences = word ^ (kEveryByte * byte);
    return hasByteBelow(differences, 1); // a zero byte where they matched
}

// Every byte of data[0, size), size < 8, in one word: overlapping loads, so some bytes may
// appear twice and the free ones hold `pad`. For tests where a byte's position does not matter.
inline quint64 shortWord(const char *data, qsizetype size, char pad)
{
    if (size >= 4) {
        quint32 first, last;
        memcpy(&first, data, 4);
        memcpy(&last, data + size - 4, 4);
        return quint64(first) | (quint64(last) << 32);
    }
    quint64 word = kEveryByte * uchar(pad);
    if (size > 0) {
        word = (word & ~quint64(0xffffff)) | uchar(data[0]) | (quint64(uchar(data[size / 2])) << 8)
            | (quint64(uchar(data[size - 1])) << 16);
    }
    return word;
}

// True when `test` holds for some eight-byte word covering data[0, size): the last word overlaps
// the one before, a shorter text is one word (shortWord), so a text of any length costs
// size / 8 + 1 tests at most and no byte-by-byte loop. `pad` must pass the test.
template<typename WordTest>
inline bool anyWord(const char *data, qsizetype size, char pad, WordTest test)
{
    if (size < 8)
        return test(shortWord(data, size, pad));
    quint64 word;
    for (qsizetype i = 0; i + 8 < size; i += 8) {
        memcpy(&word, data + i, 8);
        if (test(word))
            return true;
    }
    memcpy(&word, data + size - 8, 8);
    return test(word);
}

// Offset of the first control byte (below 0x20, or 0x7f) in data[0, size), or size when there
// is none. Eight bytes at a time: every byte of every message head passes through here.
inline qsizetype findControlByte(const char *data, qsizetype size)
{
    qsizetype i = 0;
    for (; i + 8 <= size; i += 8) {
        quint64 word;
        memcpy(&word, data + i, 8);
        if (hasByteBelow(word, 0x20) || hasByte(word, 0x7f))
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
