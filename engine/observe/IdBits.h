#pragma once

#include <QRandomGenerator>
#include <QtGlobal>

#include <array>
#include <cstring>

namespace portico::idbits {

// Pieces the request ids and trace ids share: random words and lowercase hex.

// Each byte's two hex digits, so encoding takes one lookup per byte.
inline constexpr std::array<char, 512> kHexPairs = [] {
    constexpr char digits[] = "0123456789abcdef";
    std::array<char, 512> table{};
    for (int b = 0; b < 256; ++b) {
        table[size_t(2 * b)] = digits[b >> 4];
        table[size_t(2 * b + 1)] = digits[b & 0xF];
    }
    return table;
}();

// Writes the 16 hex digits of value, most significant first.
inline void putHex64(char *out, quint64 value)
{
    for (int i = 7; i >= 0; --i) {
        std::memcpy(out + 2 * i, &kHexPairs[2 * (value & 0xFF)], 2);
        value >>= 8;
    }
}

// splitmix64 from a per-thread seed: ids must be unpredictable enough not to collide, not
// secret, and this is a few instructions where std::mt19937_64 takes about sixty. Never 0
// (an all-zero W3C id is invalid).
inline quint64 nonZeroRandom()
{
    // Constant-initialised, so reaching it costs no guard; seeded on first use.
    thread_local quint64 state = 0;
    if (Q_UNLIKELY(state == 0))
        state = QRandomGenerator::system()->generate64() | 1;
    quint64 z = 0;
    while (z == 0) {
        z = (state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        z ^= z >> 31;
    }
    return z;
}

} // namespace portico::idbits
