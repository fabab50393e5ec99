#include "KeyEdits.h"

#include "ApiKeys.h"
#include "DeclarativeReader.h"
#include "net/GatewayEngine.h"
#include "policy/auth/KeyUsageRecorder.h"

namespace portico {

namespace {

EditOutcome noConsumer(const QString &consumerName)
{
    return EditOutcome{StoreResult::Status::NotFound,
                       {{QString(), QStringLiteral("no consumer \"%1\"").arg(consumerName)}},
                       {}};
}

EditOutcome noKey(const QString &consumerName, const QString &id)
{
    return EditOutcome{
        StoreResult::Status::NotFound,
        {{QString(), QStringLiteral("consumer \"%1\" has no key \"%2\"").arg(consumerName, id)}},
        {}};
}

} // namespace

NewApiKey generateNewApiKey(const QDateTime &expires)
{
    const QString plaintext = generateApiKey();
    ApiKeyConfig key = storedApiKey(plaintext, currentTimestamp());
    key.expires = expires;
    return {key, plaintext};
}

KeyEdit issueKeyEdit(const QString &consumerName, const QDateTime &expires)
{
    KeyEdit edit;
    edit.created = generateNewApiKey(expires);
    edit.summary = QStringLiteral("key %1 added to consumer \"%2\"")
                       .arg(edit.created.key.prefix, consumerName);
    edit.change = [consumerName, key = edit.created.key](Config &config) {
        for (ConsumerConfig &consumer : config.consumers) {
            if (consumer.name == consumerName) {
                consumer.keys.push_back(key);
                return EditOutcome{};
            }
        }
        return noConsumer(consumerName);
    };
    return edit;
}

KeyEdit rotateKeyEdit(const QString &consumerName, const QString &id, qint64 graceS,
                      const QDateTime &expires)
{
    KeyEdit edit;
    edit.created = generateNewApiKey(expires);
    edit.replacedExpires = std::make_shared<QDateTime>();
    edit.summary = QStringLiteral("key %1 of consumer \"%2\" rotated to %3")
                       .arg(id, consumerName, edit.created.key.prefix);
    const QDateTime oldExpires = currentTimestamp().addSecs(graceS);
    edit.change = [consumerName, id, oldExpires, key = edit.created.key,
                   replaced = edit.replacedExpires](Config &config) {
        for (ConsumerConfig &consumer : config.consumers) {
            if (consumer.name != consumerName)
                continue;
            for (ApiKeyConfig &old : consumer.keys) {
                if (old.id != id)
                    continue;
                if (old.revoked.isValid())
                    return EditOutcome{
                        StoreResult::Status::Invalid,
                        {{QString(),
                          QStringLiteral("key \"%1\" is revoked; create a new key instead")
                              .arg(id)}},
                        {}};
                if (!old.expires.isValid() || old.expires > oldExpires)
                    old.expires = oldExpires; // never extends a key's life
                *replaced = old.expires;
                consumer.keys.push_back(key);
                return EditOutcome{};
            }
            return noKey(consumerName, id);
        }
        return noConsumer(consumerName);
    };
    return edit;
}

KeyEdit revokeKeyEdit(const QString &consumerName, const QString &id)
{
    KeyEdit edit;
    edit.summary = QStringLiteral("key %1 of consumer \"%2\" revoked").arg(id, consumerName);
    const QDateTime now = currentTimestamp();
    edit.change = [consumerName, id, now](Config &config) {
        for (ConsumerConfig &consumer : config.consumers) {
            if (consumer.name != consumerName)
                continue;
            for (ApiKeyConfig &key : consumer.keys) {
                if (key.id == id) {
                    if (!key.revoked.isValid()) // revoking twice keeps the first time
                        key.revoked = now;
                    return EditOutcome{};
                }
            }
            return noKey(consumerName, id);
        }
        return noConsumer(consumerName);
    };
    return edit;
}

ApiKeyState apiKeyState(const ApiKeyConfig &key, const QDateTime &now)
{
    if (key.revoked.isValid())
        return ApiKeyState::Revoked;
    if (key.expires.isValid() && key.expires <= now)
        return ApiKeyState::Expired;
    return ApiKeyState::Active;
}

QString apiKeyStateName(ApiKeyState state)
{
    switch (state) {
    case ApiKeyState::Active: return QStringLiteral("active");
    case ApiKeyState::Expired: return QStringLiteral("expired");
    case ApiKeyState::Revoked: return QStringLiteral("revoked");
    }
    return {};
}

QDateTime apiKeyLastUsed(const ConfigStore &store, GatewayEngine *engine, const QString &keyId)
{
    QDateTime stored = store.keyLastUsed(keyId);
    const qint64 pending = engine ? engine->keyUsage().pending(keyId.toLatin1()) : 0;
    if (pending && (!stored.isValid() || pending > stored.toMSecsSinceEpoch()))
        return QDateTime::fromMSecsSinceEpoch(pending, Qt::UTC);
    return stored;
}

} // namespace portico
