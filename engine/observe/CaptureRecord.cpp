#include "CaptureRecord.h"

namespace portico {

qint64 CaptureRecord::approximateBytes() const
{
    // The fixed part, plus each byte array's bytes and bookkeeping (about 32 bytes for Qt's
    // shared header and the allocation).
    constexpr qint64 kPerArray = 32;
    const auto bytesOf = [](const QByteArray &a) { return a.isEmpty() ? 0 : a.size() + kPerArray; };
    qint64 total = sizeof(CaptureRecord);
    for (const QByteArray *a : {&id, &traceId, &clientIp, &method, &host, &target, &route,
                                &consumer, &keyPrefix, &upstreamService, &upstreamTarget,
                                &upstreamUrl, &requestBody.bytes, &responseBody.bytes})
        total += bytesOf(*a);
    for (const auto &[stage, decision] : decisions)
        total += sizeof(decisions[0]) + bytesOf(stage) + bytesOf(decision);
    for (const auto *fields : {&requestHeaders, &responseHeaders}) {
        for (const CapturedField &field : *fields)
            total += sizeof(CapturedField) + bytesOf(field.name) + bytesOf(field.value);
    }
    return total;
}

} // namespace portico
