#include "AdminKeys.h"

#include "config/ApiKeys.h"
#include "config/ConfigService.h"
#include "config/ConfigTree.h"
#include "config/DeclarativeReader.h"
#include "config/KeyEdits.h"

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

QDateTime lastUsed(AdminContext &context, const QString &keyId)
{
    return apiKeyLastUsed(context.config.store(), context.engine, keyId);
}

TreeValue keyMetadata(const ApiKeyConfig &key, const QDateTime &lastUsed)
{
    TreeValue tree = apiKeyToTree(key);
    tree.insert("state", apiKeyStateName(apiKeyState(key, QDateTime::currentDateTimeUtc())));
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
    qint64 graceS = kDefaultRotationGraceS; // rotation: how long the replaced key keeps working
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
        constexpr qint64 kMaxGraceS = kMaxRotationGraceS;
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
    const KeyEdit edit = issueKeyEdit(consumerName, wanted.expires);
    const StoreResult result =
        context.config.edit(ConfigSource::Admin, edit.summary, expected, edit.change);
    return newKeyResponse(result, consumerName, edit.created.key, edit.created.plaintext,
                          TreeValue::map());
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
    const KeyEdit edit = rotateKeyEdit(consumerName, id, wanted.graceS, wanted.expires);
    const StoreResult result =
        context.config.edit(ConfigSource::Admin, edit.summary, expected, edit.change);
    TreeValue body = TreeValue::map();
    body.insert("replaces", TreeValue::map()
                                .insert("id", id)
                                .insert("expires", formatTimestamp(*edit.replacedExpires)));
    return newKeyResponse(result, consumerName, edit.created.key, edit.created.plaintext,
                          std::move(body));
}

AdminResponse revokeKey(AdminContext &context, const QString &consumerName, const QString &id,
                        qint64 expected)
{
    const KeyEdit edit = revokeKeyEdit(consumerName, id);
    const StoreResult result =
        context.config.edit(ConfigSource::Admin, edit.summary, expected, edit.change);
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
