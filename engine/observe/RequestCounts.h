#pragma once

#include "observe/DurationHistogram.h"

#include <QByteArrayView>
#include <QtGlobal>

#include <array>
#include <cstring>

namespace portico {

// The request methods metrics tell apart: the standard ones (RFC 9110, and PATCH); any other
// token counts as Other, so a client inventing methods cannot add series.
enum class MethodClass : quint8 {
    Get,
    Head,
    Post,
    Put,
    Delete,
    Connect,
    Options,
    Trace,
    Patch,
    Other,
};
inline constexpr int kMethodClasses = int(MethodClass::Other) + 1;
inline constexpr std::array<const char *, kMethodClasses> kMethodClassNames{
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "OTHER"};

// Methods are case-sensitive: "get" is Other. An empty method (no request head) too.
inline MethodClass methodClassOf(QByteArrayView method)
{
    const auto is = [method](const char *name) {
        return std::memcmp(method.data(), name, size_t(method.size())) == 0;
    };
    switch (method.size()) {
    case 3: return is("GET") ? MethodClass::Get : is("PUT") ? MethodClass::Put : MethodClass::Other;
    case 4:
        return is("POST") ? MethodClass::Post : is("HEAD") ? MethodClass::Head : MethodClass::Other;
    case 5:
        return is("PATCH") ? MethodClass::Patch
            : is("TRACE")  ? MethodClass::Trace
                           : MethodClass::Other;
    case 6: return is("DELETE") ? MethodClass::Delete : MethodClass::Other;
    case 7:
        return is("OPTIONS") ? MethodClass::Options
            : is("CONNECT")  ? MethodClass::Connect
                             : MethodClass::Other;
    default: return MethodClass::Other;
    }
}

// 1..5 for 1xx..5xx, 0 when no response was sent (or the status is out of range).
inline constexpr int kStatusClasses = 6;
inline constexpr std::array<const char *, kStatusClasses> kStatusClassNames{"none", "1xx", "2xx",
                                                                            "3xx",  "4xx", "5xx"};
inline int statusClassOf(int status)
{
    return status >= 100 && status < 600 ? status / 100 : 0;
}

// What GET /metrics shows of one route's requests (or of those no route matched): answers by
// method and status class, 429 answers, and durations. Per worker it counts one flush interval;
// the aggregator keeps the totals since start in the same shape.
struct RequestCounts
{
    std::array<quint64, kMethodClasses * kStatusClasses> byMethodAndStatus{};
    quint64 rateLimited = 0;    // 429 answers
    DurationHistogram duration; // requests whose duration is known

    // `micros` negative: the duration is unknown (refused before the head was complete).
    void count(MethodClass method, int status, qint64 micros)
    {
        ++byMethodAndStatus[size_t(int(method) * kStatusClasses + statusClassOf(status))];
        if (status == 429)
            ++rateLimited;
        if (micros >= 0)
            duration.record(micros);
    }
    quint64 answers(MethodClass method, int statusClass) const
    {
        return byMethodAndStatus[size_t(int(method) * kStatusClasses + statusClass)];
    }
    quint64 total() const
    {
        quint64 sum = 0;
        for (quint64 n : byMethodAndStatus)
            sum += n;
        return sum;
    }
    void merge(const RequestCounts &other)
    {
        for (size_t i = 0; i < byMethodAndStatus.size(); ++i)
            byMethodAndStatus[i] += other.byMethodAndStatus[i];
        rateLimited += other.rateLimited;
        duration.merge(other.duration);
    }
};

} // namespace portico
