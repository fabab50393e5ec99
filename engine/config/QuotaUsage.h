#pragma once

#include <QString>

namespace portico {

// One quota count as the store keeps it (table quota_usage): how many requests `subject` made
// under `scope` in one day or month. Runtime data, not configuration.
struct QuotaUsage
{
    QString subject; // "consumer:NAME" or "ip:ADDRESS"
    QString scope;   // "plan" or "route:NAME"
    QString window;  // "day" or "month"
    QString period;  // the day or month counted, in quota_timezone: "2026-11-28", "2026-11"
    qint64 used = 0;
    friend bool operator==(const QuotaUsage &, const QuotaUsage &) = default;
};

} // namespace portico
