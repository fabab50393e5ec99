#include "RequestId.h"

#include <QRandomGenerator>

#include <random>

namespace portico {

QByteArray generateRequestId()
{
    thread_local std::mt19937_64 generator{QRandomGenerator::system()->generate64()};
    quint64 hi = generator();
    quint64 lo = generator();
    hi = (hi & ~quint64(0xF000)) | 0x4000;                       // version 4
    lo = (lo & ~(quint64(0xC) << 60)) | (quint64(0x8) << 60);    // variant 10xx
    static constexpr char kHex[] = "0123456789abcdef";
    QByteArray out(36, Qt::Uninitialized);
    int pos = 0;
    auto put = [&](quint64 value, int nibbles) {
        for (int i = nibbles - 1; i >= 0; --i)
            out[pos++] = kHex[(value >> (i * 4)) & 0xF];
    };
    put(hi >> 32, 8);
    out[pos++] = '-';
    put(hi >> 16, 4);
    out[pos++] = '-';
    put(hi, 4);
    out[pos++] = '-';
    put(lo >> 48, 4);
    out[pos++] = '-';
    put(lo, 12);
    return out;
}

bool isAcceptableRequestId(QByteArrayView id)
{
    if (id.isEmpty() || id.size() > 128)
        return false;
    for (char c : id) {
        if (c <= 0x20 || c >= 0x7f || c == ',' || c == ';' || c == '"')
            return false;
    }
    return true;
}

} // namespace portico
