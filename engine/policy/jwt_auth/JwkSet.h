#pragma once

#include "JwtKey.h"

#include <QByteArrayView>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

namespace portico {

// The keys of a JWK Set (RFC 7517 section 5), as served at an identity provider's jwks_uri.
struct JwkSet
{
    std::vector<std::shared_ptr<const JwtKey>> keys;
    // One line per member of "keys" that was left out (unknown kty, use "enc", bad
    // parameters, too short to verify anything), for logs and the GUI.
    QStringList skipped;

    // The first key with this kid, or nullptr.
    std::shared_ptr<const JwtKey> findByKid(QByteArrayView kid) const;
};

// Larger documents are refused before parsing; real JWK Sets are a few KiB.
inline constexpr qsizetype kMaxJwkSetBytes = 512 * 1024;
inline constexpr qsizetype kMaxJwkSetKeys = 100;

// Parses a JWK Set. Unusable keys are skipped (listed in `skipped`), not fatal; a document that
// is not a JSON object with a "keys" array is an error (nullopt, `error` set).
std::optional<JwkSet> parseJwkSet(QByteArrayView json, QString *error);

} // namespace portico
