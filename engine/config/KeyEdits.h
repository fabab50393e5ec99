#pragma once

#include "ConfigStore.h"

#include <QDateTime>
#include <QString>

#include <functional>
#include <memory>

namespace portico {

class GatewayEngine;

// The changes to a consumer's API keys, shared by the Admin API and the desktop app so both
// issue, rotate and revoke keys the same way. Each is one ConfigService::edit(): pass `change`
// with `summary`; nothing is stored when the consumer or key does not exist (NotFound).

// A key just generated: what is stored (hash, id, prefix) and the plaintext, shown once.
struct NewApiKey
{
    ApiKeyConfig key;
    QString plaintext;
};

struct KeyEdit
{
    QString summary;
    std::function<EditOutcome(Config &)> change;
    NewApiKey created; // issue and rotate: the new key
    // Rotate: when the replaced key stops working, set once the change ran.
    std::shared_ptr<QDateTime> replacedExpires;
};

// A new random key expiring at `expires` (invalid = never), created now.
NewApiKey generateNewApiKey(const QDateTime &expires = QDateTime());

// Adds a new key to the consumer.
KeyEdit issueKeyEdit(const QString &consumer, const QDateTime &expires = QDateTime());
// Adds a new key and lets key `id` work for `graceS` more seconds (never longer than it would
// have), so clients can move over without an outage. A revoked key cannot be rotated.
KeyEdit rotateKeyEdit(const QString &consumer, const QString &id, qint64 graceS,
                      const QDateTime &expires = QDateTime());
// Marks key `id` revoked now; it stays listed. Revoking twice keeps the first time.
KeyEdit revokeKeyEdit(const QString &consumer, const QString &id);

// How long a rotated key keeps working by default, and at most (seconds).
constexpr qint64 kDefaultRotationGraceS = 86'400;
constexpr qint64 kMaxRotationGraceS = 30 * 86'400;

enum class ApiKeyState { Active, Expired, Revoked };
ApiKeyState apiKeyState(const ApiKeyConfig &key, const QDateTime &now);
QString apiKeyStateName(ApiKeyState state); // "active", "expired", "revoked"

// When the key was last used: the stored time, or a newer one the engine has not written to
// the store yet (`engine` may be null). Invalid when never.
QDateTime apiKeyLastUsed(const ConfigStore &store, GatewayEngine *engine, const QString &keyId);

} // namespace portico
