-- Portico's configuration store, schema version 1: the configuration model, its history and
-- the last use of API keys. Applied in one transaction by ConfigStore (StoreSchema.cpp), which
-- then sets PRAGMA user_version = 1. Never edit an applied migration: add the next file.
--
-- Lists keep their order in a `position` column: increasing, not necessarily contiguous, so
-- removing or appending an entity rewrites no other row. Lists of strings inside an entity
-- (paths, hosts, ...) are JSON arrays. Times are milliseconds since the epoch, UTC.
-- Foreign keys are checked at commit (DEFERRABLE INITIALLY DEFERRED): an edit that replaces a
-- service and the routes using it is written in whatever order, and checked as a whole.

CREATE TABLE meta (
    key TEXT PRIMARY KEY NOT NULL, -- "revision": the revision the tables hold
    value NOT NULL
) WITHOUT ROWID;

-- One row per setting; the value is a JSON literal under the declarative format's name.
CREATE TABLE settings (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE services (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    position INTEGER NOT NULL,
    connect_timeout_ms INTEGER NOT NULL,
    read_timeout_ms INTEGER NOT NULL,
    preserve_host INTEGER NOT NULL,
    retries INTEGER NOT NULL
);

CREATE TABLE targets (
    service_id INTEGER NOT NULL
        REFERENCES services (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    position INTEGER NOT NULL,
    url TEXT NOT NULL,
    weight INTEGER NOT NULL,
    PRIMARY KEY (service_id, position)
) WITHOUT ROWID;

CREATE TABLE plans (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    position INTEGER NOT NULL,
    limit_second INTEGER NOT NULL DEFAULT 0, -- 0 = no limit in that window
    limit_minute INTEGER NOT NULL DEFAULT 0,
    limit_hour INTEGER NOT NULL DEFAULT 0,
    limit_day INTEGER NOT NULL DEFAULT 0,
    limit_month INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE routes (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    position INTEGER NOT NULL,
    service_id INTEGER NOT NULL REFERENCES services (id) DEFERRABLE INITIALLY DEFERRED,
    paths TEXT NOT NULL,   -- JSON array of strings
    hosts TEXT NOT NULL,   -- JSON array of strings
    methods TEXT NOT NULL, -- JSON array of strings
    strip_path INTEGER NOT NULL,
    auth TEXT NOT NULL,    -- JSON array of strings
    max_body_bytes INTEGER NOT NULL,
    enabled INTEGER NOT NULL,
    rate_second INTEGER NOT NULL DEFAULT 0,
    rate_minute INTEGER NOT NULL DEFAULT 0,
    rate_hour INTEGER NOT NULL DEFAULT 0,
    rate_day INTEGER NOT NULL DEFAULT 0,
    rate_month INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX routes_service ON routes (service_id);

CREATE TABLE consumers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    position INTEGER NOT NULL,
    plan_id INTEGER REFERENCES plans (id) DEFERRABLE INITIALLY DEFERRED -- NULL = no plan
);
CREATE INDEX consumers_plan ON consumers (plan_id);

-- Only the hash of a key is stored, never the key.
CREATE TABLE api_keys (
    consumer_id INTEGER NOT NULL
        REFERENCES consumers (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    position INTEGER NOT NULL,
    id TEXT NOT NULL UNIQUE,   -- "key_" + 16 hex digits
    hash TEXT NOT NULL UNIQUE, -- "sha256:" + 64 hex digits
    prefix TEXT NOT NULL,      -- what lists show of the key
    created_ms INTEGER NOT NULL,
    expires_ms INTEGER,        -- NULL = never
    revoked_ms INTEGER,        -- NULL = not revoked
    PRIMARY KEY (consumer_id, position)
) WITHOUT ROWID;

-- Operational data, not configuration: written in batches by the engine, no revision. Keyed
-- by key id (derived from the hash) so rewriting a consumer's keys keeps their last use.
CREATE TABLE api_key_usage (
    key_id TEXT PRIMARY KEY NOT NULL,
    last_used_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE jwt_providers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    position INTEGER NOT NULL,
    issuer TEXT NOT NULL,
    audiences TEXT NOT NULL,  -- JSON array of strings
    algorithms TEXT NOT NULL, -- JSON array of strings
    secret TEXT NOT NULL,
    public_key TEXT NOT NULL,
    jwks_url TEXT NOT NULL,
    consumer_claim TEXT NOT NULL,
    clock_skew_s INTEGER NOT NULL
);

-- One row per applied revision (the last ConfigStore::historyLimit() are kept).
CREATE TABLE history (
    revision INTEGER PRIMARY KEY,
    applied_at_ms INTEGER NOT NULL,
    source TEXT NOT NULL, -- "init", "gui", "admin", "import", "rollback"
    summary TEXT NOT NULL
);

-- What each revision changed, one row per entity, so older versions are rebuilt by undoing
-- later changes instead of keeping a full copy per version. `before` and `after` are the
-- entity in the declarative format's JSON shape; old_index/new_index are its place in its list
-- (NULL: it did not exist before / after). Kept for every revision newer than the oldest one
-- in `history` (the oldest is never undone, so its own changes are not needed).
CREATE TABLE history_changes (
    revision INTEGER NOT NULL REFERENCES history (revision) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL, -- "settings", "service", "route", "consumer", "plan", "jwt_provider"
    name TEXT NOT NULL, -- empty for settings
    old_index INTEGER,
    new_index INTEGER,
    before TEXT,
    after TEXT,
    PRIMARY KEY (revision, seq)
) WITHOUT ROWID;
