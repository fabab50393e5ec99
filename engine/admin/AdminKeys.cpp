#include "AdminKeys.h"

#include "config/ApiKeys.h"
#include "config/ConfigService.h"
#include "config/ConfigTree.h"
#include "config/DeclarativeReader.h"
#include "net/GatewayEngine.h"
#include "policy/auth/KeyUsageRecorder.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace portico {

namespace {

const ConsumerConfig *findConsumer(const Config &config, const QString &name)
{
    const auto it = std::find_if(config.consumers.begin(), config.consumers.end(),
                                 [&](const ConsumerConfig &c) { return c.name == name; });
    return it == config.consumers.end() ? nullptr : &*it;
}

// The stored last use, or a newer one the engine has not written to the store yet.
QDateTime lastUsed(AdminContext &context, const QString &keyId)
{
    QDateTime stored = context.config.store().keyLastUsed(keyId);
    const qint64 pending =
        context.engine ? context.engine->keyUsage().pending(keyId.toLatin1()) : 0;
    if (pending && (!stored.isValid() || pending > stored.toMSecsSinceEpoch()))
        return QDateTime::fromMSecsSinceEpoch(pending, Qt::UTC);
    return stored;
}

TreeValue keyMetadata(const ApiKeyConfig &key, const QDateTime &lastUsed)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QString state = key.revoked.isValid()                          ? QStringLiteral("revoked")
        : key.expires.isValid() && key.expires <= now ? QStringLiteral("expired")
                                                      : QStringLiteral("active");
    TreeValue tree = apiKeyToTree(key);
    tree.insert("state", state);
    tree.insert("last_used",
                lastUsed.isValid() ? TreeValue::string(formatTimestamp(lastUsed)) : TreeValue());
    return tree;
}

AdminResponse listKeys(AdminContext &context, const QString &consumerName)
{
    const ConsumerConfig *consumer = findConsumer(context.config.config(), consumerName);
    if (!consumer)
        return notFound(QStringLiteral("no consumer \"%1\"").arg(consumerName));
    TreeValue data = TreeValue::list();
    for (const ApiKeyConfig &key : consumer->keys)
        data.append(keyMetadata(key, lastUsed(context, key.id)));
    TreeValue body = TreeValue::map();
    body.insert("data", std::move(data));
    return AdminResponse::json(200, body).withHeader("ETag",
                                                     revisionTag(context.config.revision()));
}

// The body of a key creation or rotation: only the fields in `allowed`, each optional.
struct KeyRequest
{
    QDateTime expires;
    qint64 graceS = 86'400; // rotation: how long the replaced key keeps working
};

std::optional<AdminResponse> readKeyRequest(const AdminRequest &request,
                                            const QStringList &allowed, KeyRequest &out)
{
    if (request.body.trimmed().isEmpty())
        return std::nullopt;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &error);
    const QJsonObject object = document.object();
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return AdminResponse::error(400, QStringLiteral("expected a JSON object"));
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!allowed.contains(it.key()))
            return AdminResponse::error(
                400, QStringLiteral("invalid request body"),
                {{it.key(),
                  QStringLiteral("unknown field (expected %1)").arg(allowed.join(u", "))}});
    }
    const QString text = object.value(QLatin1String("expires")).toString();
    if (!text.isEmpty()) {
        out.expires = QDateTime::fromString(text, Qt::ISODate).toUTC();
        if (!out.expires.isValid() || !text.endsWith(u'Z') || out.expires <= currentTimestamp())
            return AdminResponse::error(
                400, QStringLiteral("invalid request body"),
                {{QStringLiteral("expires"),
                  QStringLiteral("expected a future UTC time such as 2027-01-31T12:00:00Z")}});
    }
    const QJsonValue grace = object.value(QLatin1String("grace_s"));
    if (!grace.isUndefined()) {
        constexpr qint64 kMaxGraceS = 30 * 86'400;
        const double value = grace.toDouble(-1);
        if (!grace.isDouble() || value < 0 || value > kMaxGraceS || value != qint64(value))
            return AdminResponse::error(
                400, QStringLiteral("invalid request body"),
                {{QStringLiteral("grace_s"),
                  QStringLiteral("expected whole seconds from 0 to %1").arg(kMaxGraceS)}});
        out.graceS = qint64(value);
    }
    return std::nullopt;
}

// A new key, and the plaintext that is shown once.
std::pair<ApiKeyConfig, QString> generateKey(const QDateTime &expires)
{
    const QString plaintext = generateApiKey();
    ApiKeyConfig key = storedApiKey(plaintext, currentTimestamp());
    key.expires = expires;
    return {key, plaintext};
}

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

// 201 with the new key, the only answer that ever holds its plaintext.
AdminResponse newKeyResponse(const StoreResult &result, const QString &consumerName,
                             const ApiKeyConfig &key, const QString &plaintext, TreeValue body)
{
    body.insert("id", key.id)
        .insert("key", plaintext)
        .insert("prefix", key.prefix)
        .insert("created", formatTimestamp(key.created))
        .insert("expires", key.expires.isValid() ? TreeValue::string(formatTimestamp(key.expires))
                                                 : TreeValue());
    AdminResponse response = storeResponse(result, 201, body);
    if (result.ok())
        response.withHeader("Cache-Control", "no-store")
            .withHeader("Location", QStringLiteral("/consumers/%1/keys/%2")
                                        .arg(consumerName, key.id)
                                        .toUtf8());
    return response;
}

AdminResponse createKey(AdminContext &context, const AdminRequest &request,
                        const QString &consumerName, qint64 expected)
{
    KeyRequest wanted;
    if (std::optional<AdminResponse> bad =
            readKeyRequest(request, {QStringLiteral("expires")}, wanted))
        return *bad;
    const auto [key, plaintext] = generateKey(wanted.expires);
    const StoreResult result = context.config.edit(
        ConfigSource::Admin,
        QStringLiteral("key %1 added to consumer \"%2\"").arg(key.prefix, consumerName), expected,
        [&](Config &config) {
            for (ConsumerConfig &consumer : config.consumers) {
                if (consumer.name == consumerName) {
                    consumer.keys.push_back(key);
                    return EditOutcome{};
                }
            }
            return noConsumer(consumerName);
        });
    return newKeyResponse(result, consumerName, key, plaintext, TreeValue::map());
}

// A new key for the consumer; the old one keeps working for the grace period, so clients can
// move over without an outage, then expires.
AdminResponse rotateKey(AdminContext &context, const AdminRequest &request,
                        const QString &consumerName, const QString &id, qint64 expected)
{
    KeyRequest wanted;
    if (std::optional<AdminResponse> bad = readKeyRequest(
            request, {QStringLiteral("expires"), QStringLiteral("grace_s")}, wanted))
        return *bad;
    const auto [key, plaintext] = generateKey(wanted.expires);
    const QDateTime oldExpires = currentTimestamp().addSecs(wanted.graceS);
    QDateTime replacedExpires;
    const StoreResult result = context.config.edit(
        ConfigSource::Admin,
        QStringLiteral("key %1 of consumer \"%2\" rotated to %3").arg(id, consumerName, key.prefix),
        expected, [&](Config &config) {
            for (ConsumerConfig &consumer : config.consumers) {
                if (consumer.name != consumerName)
                    continue;
                for (ApiKeyConfig &old : consumer.keys) {
                    if (old.id != id)
                        continue;
                    if (old.revoked.isValid())
                        return EditOutcome{StoreResult::Status::Invalid,
                                           {{QString(), QStringLiteral("key \"%1\" is revoked; "
                                                                       "create a new key instead")
                                                            .arg(id)}},
                                           {}};
                    if (!old.expires.isValid() || old.expires > oldExpires)
                        old.expires = oldExpires; // never extends a key's life
                    replacedExpires = old.expires;
                    consumer.keys.push_back(key);
                    return EditOutcome{};
                }
                return noKey(consumerName, id);
            }
            return noConsumer(consumerName);
        });
    TreeValue body = TreeValue::map();
    body.insert("replaces", TreeValue::map()
                                .insert("id", id)
                                .insert("expires", formatTimestamp(replacedExpires)));
    return newKeyResponse(result, consumerName, key, plaintext, std::move(body));
}

AdminResponse revokeKey(AdminContext &context, const QString &consumerName, const QString &id,
                        qint64 expected)
{
    const QDateTime now = currentTimestamp();
    const StoreResult result = context.config.edit(
        ConfigSource::Admin,
        QStringLiteral("key %1 of consumer \"%2\" revoked").arg(id, consumerName), expected,
        [&](Config &config) {
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
        });
    return storeResponse(result, 204, TreeValue());
}

AdminResponse getKey(AdminContext &context, const QString &consumerName, const QString &id)
{
    const ConsumerConfig *consumer = findConsumer(context.config.config(), consumerName);
    if (!consumer)
        return notFound(QStringLiteral("no consumer \"%1\"").arg(consumerName));
    for (const ApiKeyConfig &key : consumer->keys) {
        if (key.id == id)
            return AdminResponse::json(200,
                                       keyMetadata(key, lastUsed(context, id)));
    }
    return notFound(QStringLiteral("consumer \"%1\" has no key \"%2\"").arg(consumerName, id));
}

} // namespace

std::optional<AdminResponse> handleKeyRequest(AdminContext &context, const AdminRequest &request)
{
    const QStringList &s = request.segments;
    if (s.size() < 3 || s.size() > 5 || s[0] != QLatin1String("consumers")
        || s[2] != QLatin1String("keys")
        || (s.size() == 5 && s[4] != QLatin1String("rotate")))
        return std::nullopt;
    const std::optional<qint64> expected = expectedRevision(request);
    if (!expected)
        return badIfMatch();
    if (s.size() == 3) {
        if (request.isRead())
            return listKeys(context, s[1]);
        if (request.method == "POST")
            return createKey(context, request, s[1], *expected);
        return methodNotAllowed("GET, HEAD, POST");
    }
    if (s.size() == 5) {
        if (request.method == "POST")
            return rotateKey(context, request, s[1], s[3], *expected);
        return methodNotAllowed("POST");
    }
    if (request.isRead())
        return getKey(context, s[1], s[3]);
    if (request.method == "DELETE")
        return revokeKey(context, s[1], s[3], *expected);
    return methodNotAllowed("GET, HEAD, DELETE");
}

} // namespace portico
