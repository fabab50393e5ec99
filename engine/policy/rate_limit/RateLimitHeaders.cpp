#include "RateLimitHeaders.h"

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

QByteArray wholeSeconds(qint64 ms)
{
    return QByteArray::number((std::max<qint64>(0, ms) + 999) / 1000);
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
    return '"' + policyName + "\";q=" + QByteArray::number(limit)
        + ";w=" + QByteArray::number(windowSeconds(window));
}

void addRateLimitHeaders(HeaderMap &headers, const RateQuery &query,
                         const RateDecision &decision, RateLimitHeaderStyle style)
{
    if (decision.tightest < 0)
        return;
    const LimitOutcome &tight = decision.outcomes[size_t(decision.tightest)];
    const QByteArray reset = wholeSeconds(decision.admitted ? tight.resetMs : tight.waitMs);
    const QByteArray remaining = QByteArray::number(tight.remaining);
    if (style.ietf) {
        QByteArray policies;
        query.forEachCheck([&](const LimitCheck &check) {
            if (!policies.isEmpty())
                policies += ", ";
            policies += check.policyItem;
        });
        headers.add(QByteArrayLiteral("RateLimit-Policy"), policies);
        headers.add(QByteArrayLiteral("RateLimit"),
                    '"' + tight.check->policyName + "\";r=" + remaining + ";t=" + reset);
    }
    if (style.legacy) {
        headers.add(QByteArrayLiteral("X-RateLimit-Limit"),
                    QByteArray::number(tight.check->limit));
        headers.add(QByteArrayLiteral("X-RateLimit-Remaining"), remaining);
        headers.add(QByteArrayLiteral("X-RateLimit-Reset"), reset);
    }
}

} // namespace portico
