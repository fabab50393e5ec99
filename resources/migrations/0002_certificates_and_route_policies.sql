-- Schema version 2: room for the TLS and policy issues. Certificates served by the listeners,
-- and per-route policy settings (cors, transform, cache, ...) kept as one JSON object each and
-- parsed when the snapshot is compiled. Both are empty until those issues use them.

CREATE TABLE certificates (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    position INTEGER NOT NULL,
    hosts TEXT NOT NULL DEFAULT '[]', -- JSON array of the host names it serves
    certificate_pem TEXT NOT NULL,
    private_key_pem TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);

CREATE TABLE route_policies (
    route_id INTEGER NOT NULL
        REFERENCES routes (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,     -- the policy's name: "cors", "transform", "cache", ...
    settings TEXT NOT NULL, -- JSON object
    PRIMARY KEY (route_id, position)
) WITHOUT ROWID;
