#include "AccessLogLine.h"

#include "observe/CaptureRecord.h"

namespace portico {

namespace {

// The length of the valid UTF-8 sequence starting at text[i], or 0 when it is not one
// (overlong forms, surrogates and code points past U+10FFFF included).
int utf8SequenceLength(QByteArrayView text, qsizetype i)
{
    const auto byte = [&](qsizetype k) { return quint8(text[k]); };
    const quint8 lead = byte(i);
    int length = 0;
    quint8 low = 0x80;
    quint8 high = 0xBF; // the second byte's range; later ones are always 80..BF
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        low = lead == 0xE0 ? 0xA0 : 0x80;
        high = lead == 0xED ? 0x9F : 0xBF;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        low = lead == 0xF0 ? 0x90 : 0x80;
        high = lead == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if (i + length > text.size() || byte(i + 1) < low || byte(i + 1) > high)
        return 0;
    for (int k = 2; k < length; ++k) {
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF)
            return 0;
    }
    return length;
}

void appendNumber(QByteArray &out, qint64 value)
{
    char digits[24];
    int n = 0;
    const bool negative = value < 0;
    quint64 rest = negative ? quint64(0) - quint64(value) : quint64(value);
    do {
        digits[n++] = char('0' + rest % 10);
        rest /= 10;
    } while (rest);
    if (negative)
        out += '-';
    while (n)
        out += digits[--n];
}

void appendPadded(QByteArray &out, qint64 value, int width)
{
    char digits[8];
    for (int i = width - 1; i >= 0; --i) {
        digits[i] = char('0' + value % 10);
        value /= 10;
    }
    out.append(digits, width);
}

void appendKey(QByteArray &out, QByteArrayView key)
{
    out += ",\"";
    out += key;
    out += "\":";
}

// An empty string is written as null: "none", "not proxied", ...
void appendStringOrNull(QByteArray &out, QByteArrayView key, QByteArrayView value)
{
    appendKey(out, key);
    if (value.isEmpty())
        out += "null";
    else
        appendJsonString(out, value);
}

// A negative figure (CaptureTimings' -1) is written as null: "does not apply".
void appendNumberOrNull(QByteArray &out, QByteArrayView key, qint64 value)
{
    appendKey(out, key);
    if (value < 0)
        out += "null";
    else
        appendNumber(out, value);
}

} // namespace

void appendRfc3339Ms(QByteArray &out, qint64 msSinceEpoch)
{
    // Howard Hinnant's days-to-civil: no time zone database, no QDateTime per line.
    qint64 days = msSinceEpoch / 86'400'000;
    qint64 msOfDay = msSinceEpoch % 86'400'000;
    if (msOfDay < 0) {
        msOfDay += 86'400'000;
        --days;
    }
    const qint64 z = days + 719'468;
    const qint64 era = (z >= 0 ? z : z - 146'096) / 146'097;
    const qint64 doe = z - era * 146'097;
    const qint64 yoe = (doe - doe / 1460 + doe / 36'524 - doe / 146'096) / 365;
    const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const qint64 mp = (5 * doy + 2) / 153;
    const qint64 day = doy - (153 * mp + 2) / 5 + 1;
    const qint64 month = mp < 10 ? mp + 3 : mp - 9;
    const qint64 year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    appendPadded(out, year, 4);
    out += '-';
    appendPadded(out, month, 2);
    out += '-';
    appendPadded(out, day, 2);
    out += 'T';
    appendPadded(out, msOfDay / 3'600'000, 2);
    out += ':';
    appendPadded(out, msOfDay / 60'000 % 60, 2);
    out += ':';
    appendPadded(out, msOfDay / 1000 % 60, 2);
    out += '.';
    appendPadded(out, msOfDay % 1000, 3);
    out += 'Z';
}

void appendJsonString(QByteArray &out, QByteArrayView text)
{
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    qsizetype runStart = 0; // bytes that need no escaping are appended a run at a time
    qsizetype i = 0;
    const auto flushRun = [&] { out.append(text.data() + runStart, i - runStart); };
    while (i < text.size()) {
        const quint8 c = quint8(text[i]);
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
            ++i;
            continue;
        }
        if (c >= 0x80) {
            if (const int length = utf8SequenceLength(text, i)) {
                i += length;
                continue;
            }
        }
        flushRun();
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c >= 0x80) {
                out += "\\ufffd"; // not UTF-8
            } else {
                const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
                out.append(escaped, sizeof escaped);
            }
        }
        runStart = ++i;
    }
    flushRun();
    out += '"';
}

void appendAccessLogLine(QByteArray &out, const CaptureRecord &r)
{
    out += "{\"time\":\"";
    appendRfc3339Ms(out, r.startedAtMs);
    out += '"';
    appendStringOrNull(out, "id", r.id);
    appendStringOrNull(out, "trace_id", r.traceId);
    appendStringOrNull(out, "client_ip", r.clientIp);
    appendKey(out, "client_port");
    appendNumber(out, r.clientPort);
    appendStringOrNull(out, "method", r.method);
    appendStringOrNull(out, "host", r.host);
    appendStringOrNull(out, "path", r.target);
    appendStringOrNull(out, "http_version", r.httpVersion);
    appendNumberOrNull(out, "status", r.status > 0 ? r.status : -1);
    appendNumberOrNull(out, "request_bytes", r.requestBytes);
    appendNumberOrNull(out, "response_bytes", r.responseBytes);
    appendStringOrNull(out, "route", r.route);
    appendStringOrNull(out, "consumer", r.consumer);
    appendStringOrNull(out, "key_prefix", r.keyPrefix);
    appendStringOrNull(out, "upstream_service", r.upstreamService);
    appendStringOrNull(out, "upstream_target", r.upstreamTarget);
    appendNumberOrNull(out, "total_us", r.timings.totalUs);
    appendNumberOrNull(out, "gateway_us", r.timings.gatewayUs);
    appendNumberOrNull(out, "connect_us", r.timings.connectUs);
    appendNumberOrNull(out, "upstream_us", r.timings.upstreamUs);
    appendKey(out, "decisions");
    out += '[';
    bool first = true;
    for (const auto &[stage, decision] : r.decisions) {
        out += first ? "{\"stage\":" : ",{\"stage\":";
        first = false;
        appendJsonString(out, stage);
        out += ",\"decision\":";
        appendJsonString(out, decision);
        out += '}';
    }
    out += "]}\n";
}

void appendDroppedLine(QByteArray &out, qint64 msSinceEpoch, quint64 dropped)
{
    out += "{\"time\":\"";
    appendRfc3339Ms(out, msSinceEpoch);
    out += "\",\"dropped\":";
    appendNumber(out, qint64(dropped));
    out += "}\n";
}

} // namespace portico
