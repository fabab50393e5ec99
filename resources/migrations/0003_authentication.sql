-- Schema version 3: authentication and access. Routes say where an API key travels, which JWT
-- providers they accept and whom they let in (consumer groups, client addresses); consumers get
-- the id sent upstream and their groups; JWT providers bound how long a fetched JWKS is kept.
-- Each column's default is what a row written before meant, so existing rows need no update.
-- custom_id is unique among consumers when set, but validation checks that, not an index: an
-- edit that swaps two consumers' ids writes them one row at a time.

ALTER TABLE routes ADD COLUMN key_header TEXT NOT NULL DEFAULT 'X-API-Key';
ALTER TABLE routes ADD COLUMN key_in_query INTEGER NOT NULL DEFAULT 0;
ALTER TABLE routes ADD COLUMN jwt_providers TEXT NOT NULL DEFAULT '[]'; -- JSON array; [] = all
ALTER TABLE routes ADD COLUMN jwt_anonymous INTEGER NOT NULL DEFAULT 0;
ALTER TABLE routes ADD COLUMN allow_groups TEXT NOT NULL DEFAULT '[]';  -- JSON array of strings
ALTER TABLE routes ADD COLUMN deny_groups TEXT NOT NULL DEFAULT '[]';   -- JSON array of strings
ALTER TABLE routes ADD COLUMN allow_ips TEXT NOT NULL DEFAULT '[]';     -- JSON array of strings
ALTER TABLE routes ADD COLUMN deny_ips TEXT NOT NULL DEFAULT '[]';      -- JSON array of strings

ALTER TABLE consumers ADD COLUMN custom_id TEXT NOT NULL DEFAULT ''; -- '' = none
ALTER TABLE consumers ADD COLUMN groups TEXT NOT NULL DEFAULT '[]';  -- JSON array of strings

ALTER TABLE jwt_providers ADD COLUMN jwks_cache_min_s INTEGER NOT NULL DEFAULT 60;
ALTER TABLE jwt_providers ADD COLUMN jwks_cache_max_s INTEGER NOT NULL DEFAULT 86400;
