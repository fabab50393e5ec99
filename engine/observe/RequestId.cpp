#include "RequestId.h"

#include "observe/IdBits.h"

#include <cstring>

namespace portico {

QByteArray generateRequestId()
{
    quint64 hi = idbits::nonZeroRandom();
    quint64 lo = idbits::nonZeroRandom();
    hi = (hi & ~quint64(0xF000)) | 0x4000;                    // version 4
    lo = (lo & ~(quint64(0xC) << 60)) | (quint64(0x8) << 60); // variant 10xx
    char hex[32];
    idbits::putHex64(hex, hi);
    idbits::putHex64(hex + 16, lo);
    // 8-4-4-4-12
    QByteArray out(36, Qt::Uninitialized);
    char *p = out.data();
    std::memcpy(p, hex, 8);
    p[8] = '-';
    std::memcpy(p + 9, hex + 8, 4);
    p[13] = '-';
    std::memcpy(p + 14, hex + 12, 4);
    p[18] = '-';
    std::memcpy(p + 19, hex + 16, 4);
    p[23] = '-';
    std::memcpy(p + 24, hex + 20, 12);
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
