#include "RateQuery.h"

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

} // namespace portico
