#include "CaptureRecord.h"

namespace portico {

template<typename Record, typename F>
void CaptureRecord::forEachText(Record &r, F f)
{
    for (auto *a : {&r.id, &r.traceId, &r.clientIp, &r.scheme, &r.method, &r.host, &r.target,
                    &r.httpVersion, &r.route, &r.consumer, &r.keyPrefix, &r.upstreamService,
                    &r.upstreamTarget, &r.upstreamUrl})
        f(*a);
    for (auto &[stage, decision] : r.decisions) {
        f(stage);
        f(decision);
    }
    for (auto *fields : {&r.requestHeaders, &r.responseHeaders}) {
        for (auto &field : *fields) {
            f(field.name);
            f(field.value);
        }
    }
}

qint64 CaptureRecord::approximateBytes() const
{
    // The fixed part, the bodies, each text's bytes and, per field and decision, its slot.
    qint64 total = sizeof(CaptureRecord) + requestBody.bytes.size() + responseBody.bytes.size()
        + qint64(decisions.size() * sizeof(decisions[0]))
        + qint64((requestHeaders.size() + responseHeaders.size()) * sizeof(CapturedField));
    forEachText(*this, [&total](const QByteArray &a) { total += a.size(); });
    return total;
}

void CaptureRecord::pack()
{
    qsizetype total = 0;
    forEachText(*this, [&total](const QByteArray &a) { total += a.size(); });
    m_storage = QByteArray(total, Qt::Uninitialized);
    char *out = m_storage.data();
    forEachText(*this, [&out](QByteArray &a) {
        if (a.isEmpty())
            return;
        const qsizetype size = a.size();
        memcpy(out, a.constData(), size_t(size));
        a = QByteArray::fromRawData(out, size);
        out += size;
    });
}

} // namespace portico
