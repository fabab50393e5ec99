#include "RateLimitHeaders.h"

#include "http/StackText.h"

#include <QString>

namespace portico {

namespace {

qint64 windowSeconds(RateWindow window)
{
    switch (window) {
    case RateWindow::Day: return 86'400;
    case RateWindow::Month: return 30 * 86'400; // nominal: a month quota resets on the 1st
    default: return slidingWindowUs(window) / 1'000'000;
    }
}

qint64 wholeSeconds(qint64 ms)
{
    return (std::max<qint64>(0, ms) + 999) / 1000;
}

QByteArray decimal(qint64 value)
{
    return (StackText<24>() << value).toByteArray();
}

} // namespace

RateLimitHeaderStyle RateLimitHeaderStyle::fromSetting(const QString &setting)
{
    RateLimitHeaderStyle style;
    style.ietf = setting == QLatin1String("ietf") || setting == QLatin1String("both");
    style.legacy = setting == QLatin1String("legacy") || setting == QLatin1String("both");
    return style;
}

QByteArray rateLimitPolicyItem(const QByteArray &policyName, RateWindow window, qint64 limit)
{
    // Made for every limited route when a snapshot is compiled: 10,000 of them at times.
    StackText<128> item;
    item << '"' << policyName << "\";q=" << limit << ";w=" << windowSeconds(window);
    return item.toByteArray();
}

template<typename Fields>
void addRateLimitHeaders(Fields &fields, const RateQuery &query, const RateDecision &decision,
                         RateLimitHeaderStyle style)
{
    if (decision.tightest < 0)
        return;
    const LimitOutcome &tight = decision.outcomes[size_t(decision.tightest)];
    const qint64 reset = wholeSeconds(decision.admitted ? tight.resetMs : tight.waitMs);
    if (style.ietf) {
        QByteArray policies; // one limit, the common case: its item, shared, not copied
        query.forEachCheck([&](const LimitCheck &check) {
            if (!policies.isEmpty())
                policies += ", ";
            policies += check.policyItem;
        });
        fields.emplace_back(QByteArrayLiteral("RateLimit-Policy"), std::move(policies));
        StackText<160> current;
        current << '"' << tight.check->policyName << "\";r=" << tight.remaining << ";t=" << reset;
        fields.emplace_back(QByteArrayLiteral("RateLimit"), current.toByteArray());
    }
    if (style.legacy) {
        fields.emplace_back(QByteArrayLiteral("X-RateLimit-Limit"), decimal(tight.check->limit));
        fields.emplace_back(QByteArrayLiteral("X-RateLimit-Remaining"),
                            decimal(tight.remaining));
        fields.emplace_back(QByteArrayLiteral("X-RateLimit-Reset"), decimal(reset));
    }
}

template void addRateLimitHeaders(std::vector<HeaderMap::Field> &, const RateQuery &,
                                  const RateDecision &, RateLimitHeaderStyle);
template void addRateLimitHeaders(InlineHeaderFields &, const RateQuery &,
                                  const RateDecision &, RateLimitHeaderStyle);

} // namespace portico
