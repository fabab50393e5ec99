-- Schema version 4: rate limiting. The new settings (rate_limit_headers, rate_limit_redis_down,
-- rate_limit_redis_timeout_ms, quota_timezone) are rows of `settings` and need no column: a
-- store without them reads back their defaults.
--
-- Day and month quota counts, so a restart does not hand every consumer a fresh quota.
-- Operational data, not configuration, like api_key_usage: written in batches by the engine,
-- no revision, not in the history, kept when the configuration is replaced. Not tied to
-- consumers or routes by a foreign key: a count outlives a rename or a re-import, and old
-- periods are pruned by the engine.
CREATE TABLE quota_usage (
    subject TEXT NOT NULL, -- "consumer:NAME" or "ip:ADDRESS"
    scope TEXT NOT NULL,   -- "plan" or "route:NAME"
    window TEXT NOT NULL,  -- "day" or "month"
    period TEXT NOT NULL,  -- the day or month counted, in quota_timezone: "2026-11-28", "2026-11"
    used INTEGER NOT NULL, -- requests counted in that period
    PRIMARY KEY (subject, scope, window, period)
) WITHOUT ROWID;
-- Loading and pruning select by period.
CREATE INDEX quota_usage_period ON quota_usage (period);
