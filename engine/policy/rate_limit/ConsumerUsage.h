#pragma once

#include "policy/rate_limit/RateWindow.h"

#include <QDateTime>
#include <QString>

#include <vector>

namespace portico {

struct Snapshot;

// How one limit that applies to a consumer stands, read from the counters without counting.
struct LimitUsage
{
    enum class Scope { Plan, Route };
    Scope scope = Scope::Plan;
    QString route; // Route: the route whose own limit this is
    RateWindow window = RateWindow::Second;
    qint64 limit = 0;
    qint64 used = 0;      // above the limit after the limit was lowered
    qint64 remaining = 0; // never below 0
    // When the oldest counted request leaves a sliding window, or a quota's period ends;
    // invalid for a sliding window with nothing counted (nothing to reset).
    QDateTime reset;
};

struct ConsumerUsage
{
    // False when the rate-limit store (Redis) could not be asked: `limits` is then incomplete.
    bool answered = true;
    std::vector<LimitUsage> limits; // the plan's, then each authenticating route's own
};

// Every limit that applies to the consumer: its plan's, and the own limits of the routes that
// can tell who the caller is (those with auth). Counts nothing. Blocks on Redis when the
// snapshot's counters live there: never call it on a GUI thread.
ConsumerUsage consumerUsage(const Snapshot &snapshot, const QString &consumerName,
                            const QString &plan, const QDateTime &now);

} // namespace portico
