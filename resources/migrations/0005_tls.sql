-- Schema version 5: TLS. The HTTPS settings (listen_tls, redirect_http, hsts_max_age_s,
-- certificate_warning_days) are rows of `settings`. Certificates use the table version 2 made
-- for them. Services say how their https:// targets are verified and which certificate (by
-- name, from `certificates`) is presented to them. Each default is what a row written before
-- meant.
ALTER TABLE services ADD COLUMN tls_verify INTEGER NOT NULL DEFAULT 1;
ALTER TABLE services ADD COLUMN ca_bundle TEXT NOT NULL DEFAULT '';          -- PEM; '' = system CAs
ALTER TABLE services ADD COLUMN tls_server_name TEXT NOT NULL DEFAULT '';    -- '' = target host
ALTER TABLE services ADD COLUMN client_certificate TEXT NOT NULL DEFAULT ''; -- '' = none
