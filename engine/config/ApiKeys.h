#pragma once

#include <QDateTime>
#include <QString>
#include <QStringView>

namespace portico {

struct ApiKeyConfig;

// API keys are stored and exported only as hashes. Keys are high-entropy random strings, so a
// plain SHA-256 is enough (no salt to guess against) and the hashes stay valid in any store.

// "pk_" followed by 43 base62 characters: just over 256 bits from OpenSSL's CSPRNG.
QString generateApiKey();
// "sha256:" + 64 lowercase hex digits.
QString hashApiKey(QStringView plaintext);
bool isApiKeyHash(QStringView text);
// What lists show of a key: its first few characters, never enough to guess the rest.
QString apiKeyDisplayPrefix(QStringView plaintext);
// A stable id derived from the hash, so importing the same key twice gives the same id.
QString apiKeyIdFromHash(QStringView hash);
// What is stored of a plaintext key (hash, id, display prefix) with its creation time; the
// plaintext itself goes no further.
ApiKeyConfig storedApiKey(QStringView plaintext, const QDateTime &created);
bool isApiKeyId(QStringView text);

} // namespace portico
