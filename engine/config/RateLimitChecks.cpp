#include "RateLimitChecks.h"

#include "policy/rate_limit/RedisEndpoint.h"

#include <QTimeZone>

namespace portico::validation {

void checkRateLimitSettings(Checker &check, const SettingsConfig &s)
{
    // The same reading as the engine's: what passes here is what it connects to.
    QString why;
    if (s.rateLimitStore != QStringLiteral("local")
        && !RedisEndpoint::parse(s.rateLimitStore, &why))
        check.add(QStringLiteral("settings.rate_limit_store"),
                  QStringLiteral("expected \"local\" or redis://host[:port][/db]; ") + why);
    check.oneOf(QStringLiteral("settings.rate_limit_headers"), s.rateLimitHeaders,
                {QStringLiteral("ietf"), QStringLiteral("legacy"), QStringLiteral("both"),
                 QStringLiteral("none")});
    check.oneOf(QStringLiteral("settings.rate_limit_redis_down"), s.rateLimitRedisDown,
                {QStringLiteral("local"), QStringLiteral("open"), QStringLiteral("closed")});
    check.range(QStringLiteral("settings.rate_limit_redis_timeout_ms"), s.rateLimitRedisTimeoutMs,
                1, 10'000);
    // QTimeZone knows the system's IANA database (and "UTC"); an empty name is no zone.
    if (s.quotaTimezone.isEmpty() || !QTimeZone(s.quotaTimezone.toUtf8()).isValid())
        check.add(QStringLiteral("settings.quota_timezone"),
                  QStringLiteral("unknown time zone \"%1\" (expected an IANA name such as UTC "
                                 "or Europe/Berlin)")
                      .arg(s.quotaTimezone));
}

} // namespace portico::validation
