#pragma once

#include "ForeignReport.h"
#include "config/ConfigTree.h"

namespace portico {

// Kong Gateway 3.x declarative configuration, as decK reads and writes it (_format_version
// "3.0"). What maps to what, and what is reported instead, is in docs/formats.md.

// A decK YAML file: services (routes nested), upstreams for weighted targets, consumers (with
// custom_id and acls), and the key-auth, jwt, acl, ip-restriction, rate-limiting and
// request-size-limiting plugins. API keys cannot go (Portico keeps only their hashes; Kong
// needs the plaintext): the report says so per consumer. Certificates go only with their
// private keys (PrivateKeys::Include). The output is deterministic.
ForeignExport exportKong(const Config &config, PrivateKeys keys = PrivateKeys::Omit);

// Reads a decK file (YAML or JSON, _format_version "3.0"; older versions with a note) into a new
// configuration with default settings, and validates it. Plaintext keyauth_credentials are
// hashed while reading (created = now); the plaintext is kept nowhere. Errors name the location
// in the decK file ("services[1].routes[0].paths[0]: ...").
ForeignImport importKong(const QByteArray &text);

} // namespace portico
