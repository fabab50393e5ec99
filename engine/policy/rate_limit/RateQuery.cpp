#include "RateQuery.h"

#include <algorithm>

namespace portico {

void RateDecision::chooseTightest()
{
    tightest = -1;
    retryAfterMs = 0;
    for (int i = 0; i < count; ++i) {
        const LimitOutcome &o = outcomes[size_t(i)];
        if (!admitted) {
            if (o.waitMs > 0 && (tightest < 0 || o.waitMs > retryAfterMs)) {
                tightest = i;
                retryAfterMs = o.waitMs;
            }
            continue;
        }
        const LimitOutcome *best = tightest < 0 ? nullptr : &outcomes[size_t(tightest)];
        if (!best || o.remaining < best->remaining
            || (o.remaining == best->remaining && o.resetMs > best->resetMs))
            tightest = i;
    }
}

void RateDecision::countAsDecided()
{
    if (!admitted || basis != Basis::Counted)
        return;
    for (int i = 0; i < count; ++i) {
        LimitOutcome &o = outcomes[size_t(i)];
        ++o.used;
        o.remaining = std::max<qint64>(0, o.check->limit - o.used);
        if (o.used == 1 && !isQuotaWindow(o.check->window))
            o.resetMs = slidingWindowUs(o.check->window) / 1000; // it starts the window
    }
    chooseTightest();
}

} // namespace portico
