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

template<typename F>
void CaptureRecord::forEachText(F f)
{
    for (QByteArray *a : {&id, &traceId, &clientIp, &scheme, &method, &host, &target,
                          &httpVersion, &route, &consumer, &keyPrefix, &upstreamService,
                          &upstreamTarget, &upstreamUrl})
        f(*a);
    for (auto &[stage, decision] : decisions) {
        f(stage);
        f(decision);
    }
    for (auto *fields : {&requestHeaders, &responseHeaders}) {
        for (CapturedField &field : *fields) {
            f(field.name);
            f(field.value);
        }
    }
}

void CaptureRecord::pack()
{
    qsizetype total = 0;
    forEachText([&total](QByteArray &a) { total += a.size(); });
    m_storage = QByteArray(total, Qt::Uninitialized);
    char *out = m_storage.data();
    forEachText([&out](QByteArray &a) {
        if (a.isEmpty())
            return;
        const qsizetype size = a.size();
        memcpy(out, a.constData(), size_t(size));
        a = QByteArray::fromRawData(out, size);
        out += size;
    });
}

} // namespace portico
