#include "TraceContext.h"

#include "http/HeaderMap.h"
#include "observe/IdBits.h"

#include <array>
#include <cstring>

namespace portico {

namespace {

// The value of each byte as a lowercase hex digit, or -1 (uppercase is invalid here).
constexpr std::array<qint8, 256> kHexValue = [] {
    std::array<qint8, 256> table{};
    for (int c = 0; c < 256; ++c)
        table[size_t(c)] = c >= '0' && c <= '9' ? qint8(c - '0')
            : c >= 'a' && c <= 'f'              ? qint8(c - 'a' + 10)
                                                : qint8(-1);
    return table;
}();

// True when text (a multiple of 8 bytes long) holds only lowercase hex digits and at least
// one is not '0'. Eight bytes at a time (SWAR): with every byte's high bit set first, a byte
// minus `lo` keeps its high bit exactly when it was >= lo, and no borrow crosses bytes.
bool isNonZeroHex(QByteArrayView text)
{
    Q_ASSERT(text.size() % 8 == 0);
    constexpr quint64 kOnes = 0x0101010101010101ULL;
    constexpr quint64 kHigh = 0x8080808080808080ULL;
    const auto atLeast = [](quint64 w, quint8 lo) { return ((w | kHigh) - lo * kOnes) & kHigh; };
    quint64 invalid = 0;
    quint64 nonZero = 0;
    for (qsizetype i = 0; i < text.size(); i += 8) {
        quint64 w;
        std::memcpy(&w, text.data() + i, 8);
        const quint64 digit = atLeast(w, '0') & ~atLeast(w, '9' + 1);
        const quint64 letter = atLeast(w, 'a') & ~atLeast(w, 'f' + 1);
        invalid |= (w & kHigh) | ((digit | letter) ^ kHigh);
        nonZero |= w ^ ('0' * kOnes);
    }
    return !invalid && nonZero;
}

int hexByte(char high, char low)
{
    const int h = kHexValue[quint8(high)];
    const int l = kHexValue[quint8(low)];
    return h < 0 || l < 0 ? -1 : h << 4 | l;
}

} // namespace

using idbits::kHexPairs;
using idbits::nonZeroRandom;
using idbits::putHex64;

std::optional<TraceParent> parseTraceParent(QByteArrayView value)
{
    // Positions: version 0-1, '-' 2, trace id 3-34, '-' 35, parent id 36-51, '-' 52, flags 53-54.
    if (value.size() < TraceParent::kSize)
        return std::nullopt;
    const int version = hexByte(value[0], value[1]);
    if (version < 0 || version == 0xff)
        return std::nullopt;
    if (version == 0 ? value.size() != TraceParent::kSize
                     : value.size() > TraceParent::kSize && value[TraceParent::kSize] != '-')
        return std::nullopt;
    if (value[2] != '-' || value[35] != '-' || value[52] != '-')
        return std::nullopt;
    const int flags = hexByte(value[53], value[54]);
    TraceParent trace{value.sliced(3, 32), value.sliced(36, 16), 0};
    if (flags < 0 || !isNonZeroHex(trace.traceId) || !isNonZeroHex(trace.parentId))
        return std::nullopt;
    // A later version's other flags may mean something else there; only "sampled" carries over.
    trace.flags = quint8(version == 0 ? flags : flags & TraceParent::kSampled);
    return trace;
}

GatewaySpan continueTrace(const HeaderMap &requestHeaders, QByteArray *traceId)
{
    // One pass: the field is found and a second one (which makes the context invalid) noticed.
    const QByteArray *found = nullptr;
    bool repeated = false;
    for (const HeaderMap::Field &field : requestHeaders.fields()) {
        if (HeaderMap::namesEqual(field.first, "traceparent")) {
            repeated = found != nullptr;
            found = &field.second;
        }
    }
    GatewaySpan span;
    std::optional<TraceParent> incoming;
    if (found && !repeated)
        incoming = parseTraceParent(*found);
    if (incoming) {
        *traceId = incoming->traceId.toByteArray();
        span.flags = incoming->flags;
        span.keepTraceState = true;
    } else {
        *traceId = QByteArray(32, Qt::Uninitialized);
        putHex64(traceId->data(), nonZeroRandom());
        putHex64(traceId->data() + 16, nonZeroRandom());
        span.flags = TraceParent::kSampled;
    }
    span.spanId = nonZeroRandom();
    return span;
}

QByteArray formatTraceParent(QByteArrayView traceId, quint64 spanId, quint8 flags)
{
    Q_ASSERT(traceId.size() == 32);
    QByteArray out(TraceParent::kSize, Qt::Uninitialized);
    char *p = out.data();
    std::memcpy(p, "00-", 3);
    std::memcpy(p + 3, traceId.data(), 32);
    p[35] = '-';
    putHex64(p + 36, spanId);
    p[52] = '-';
    std::memcpy(p + 53, &kHexPairs[2 * flags], 2);
    return out;
}

} // namespace portico
