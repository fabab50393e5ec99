#include "AdminKeys.h"

#include "config/ApiKeys.h"
#include "config/ConfigService.h"
#include "config/ConfigTree.h"
#include "config/DeclarativeReader.h"

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
        data.append(keyMetadata(key, context.config.store().keyLastUsed(key.id)));
    TreeValue body = TreeValue::map();
    body.insert("data", std::move(data));
    return AdminResponse::json(200, body).withHeader("ETag",
                                                     revisionTag(context.config.revision()));
}

AdminResponse createKey(AdminContext &context, const AdminRequest &request,
                        const QString &consumerName, qint64 expected)
{
    // Optional body: {"expires": "2027-01-01T00:00:00Z"}.
    QDateTime expires;
    if (!request.body.trimmed().isEmpty()) {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(request.body, &error);
        const QJsonObject object = document.object();
        if (error.error != QJsonParseError::NoError || !document.isObject())
            return AdminResponse::error(400, QStringLiteral("expected a JSON object"));
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (it.key() != QLatin1String("expires"))
                return AdminResponse::error(
                    400, QStringLiteral("invalid request body"),
                    {{it.key(), QStringLiteral("unknown field (a key takes only expires)")}});
        }
        const QString text = object.value(QLatin1String("expires")).toString();
        if (!text.isEmpty()) {
            expires = QDateTime::fromString(text, Qt::ISODate).toUTC();
            if (!expires.isValid() || !text.endsWith(u'Z') || expires <= currentTimestamp())
                return AdminResponse::error(
                    400, QStringLiteral("invalid request body"),
                    {{QStringLiteral("expires"),
                      QStringLiteral("expected a future UTC time such as 2027-01-31T12:00:00Z")}});
        }
    }
    const QString plaintext = generateApiKey();
    ApiKeyConfig key;
    key.hash = hashApiKey(plaintext);
    key.id = apiKeyIdFromHash(key.hash);
    key.prefix = apiKeyDisplayPrefix(plaintext);
    key.created = currentTimestamp();
    key.expires = expires;
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
            return EditOutcome{StoreResult::Status::NotFound,
                               {{QString(), QStringLiteral("no consumer \"%1\"").arg(consumerName)}},
                               {}};
        });
    TreeValue body = TreeValue::map();
    body.insert("id", key.id)
        .insert("key", plaintext) // the only time it is ever shown
        .insert("prefix", key.prefix)
        .insert("created", formatTimestamp(key.created))
        .insert("expires", expires.isValid() ? TreeValue::string(formatTimestamp(expires))
                                             : TreeValue());
    AdminResponse response = storeResponse(result, 201, body);
    if (result.ok())
        response.withHeader("Cache-Control", "no-store")
            .withHeader("Location", QStringLiteral("/consumers/%1/keys/%2")
                                        .arg(consumerName, key.id)
                                        .toUtf8());
    return response;
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
                return EditOutcome{StoreResult::Status::NotFound,
                                   {{QString(), QStringLiteral("consumer \"%1\" has no key \"%2\"")
                                                    .arg(consumerName, id)}},
                                   {}};
            }
            return EditOutcome{StoreResult::Status::NotFound,
                               {{QString(), QStringLiteral("no consumer \"%1\"").arg(consumerName)}},
                               {}};
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
                                       keyMetadata(key, context.config.store().keyLastUsed(id)));
    }
    return notFound(QStringLiteral("consumer \"%1\" has no key \"%2\"").arg(consumerName, id));
}

} // namespace

std::optional<AdminResponse> handleKeyRequest(AdminContext &context, const AdminRequest &request)
{
    const QStringList &s = request.segments;
    if (s.size() < 3 || s.size() > 4 || s[0] != QLatin1String("consumers")
        || s[2] != QLatin1String("keys"))
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
    if (request.isRead())
        return getKey(context, s[1], s[3]);
    if (request.method == "DELETE")
        return revokeKey(context, s[1], s[3], *expected);
    return methodNotAllowed("GET, HEAD, DELETE");
}

} // namespace portico
