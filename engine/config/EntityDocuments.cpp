#include "EntityDocuments.h"

#include "ConfigTree.h"
#include "DeclarativeFormat.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace portico {

namespace {

// Consumers are kept in the declarative shape too, but with times to the millisecond: the
// declarative format (and its reader) keeps whole seconds, and a rebuilt version must be the
// stored one exactly.
QString exactTime(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

QByteArray consumerDocument(const ConsumerConfig &consumer)
{
    QJsonArray keys;
    for (const ApiKeyConfig &key : consumer.keys) {
        QJsonObject object{{QStringLiteral("id"), key.id},
                           {QStringLiteral("hash"), key.hash},
                           {QStringLiteral("prefix"), key.prefix}};
        if (key.created.isValid())
            object.insert(QStringLiteral("created"), exactTime(key.created));
        if (key.expires.isValid())
            object.insert(QStringLiteral("expires"), exactTime(key.expires));
        if (key.revoked.isValid())
            object.insert(QStringLiteral("revoked"), exactTime(key.revoked));
        keys.append(object);
    }
    const QJsonObject object{
        {QStringLiteral("name"), consumer.name},
        {QStringLiteral("plan"), consumer.plan},
        {QStringLiteral("custom_id"), consumer.customId},
        {QStringLiteral("groups"), QJsonArray::fromStringList(consumer.groups)},
        {QStringLiteral("keys"), keys}};
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

PartLoadResult<ConsumerConfig> parseConsumerDocument(const QByteArray &document)
{
    PartLoadResult<ConsumerConfig> result;
    QJsonParseError parseError;
    const QJsonObject object = QJsonDocument::fromJson(document, &parseError).object();
    if (parseError.error != QJsonParseError::NoError || object.isEmpty()) {
        result.errors.push_back({QString(), QStringLiteral("not a consumer document")});
        return result;
    }
    const auto time = [](const QJsonValue &value) {
        return value.isString() ? QDateTime::fromString(value.toString(), Qt::ISODateWithMs)
                                : QDateTime();
    };
    ConsumerConfig &consumer = result.value;
    consumer.name = object.value(QStringLiteral("name")).toString();
    consumer.plan = object.value(QStringLiteral("plan")).toString();
    // Documents written before schema 3 have neither: the defaults are what they meant.
    consumer.customId = object.value(QStringLiteral("custom_id")).toString();
    for (const QJsonValue &group : object.value(QStringLiteral("groups")).toArray())
        consumer.groups.append(group.toString());
    for (const QJsonValue &value : object.value(QStringLiteral("keys")).toArray()) {
        const QJsonObject key = value.toObject();
        consumer.keys.push_back({key.value(QStringLiteral("id")).toString(),
                                 key.value(QStringLiteral("hash")).toString(),
                                 key.value(QStringLiteral("prefix")).toString(),
                                 time(key.value(QStringLiteral("created"))),
                                 time(key.value(QStringLiteral("expires"))),
                                 time(key.value(QStringLiteral("revoked")))});
    }
    return result;
}

template<typename List, typename T = typename List::value_type>
bool insertParsed(List &list, qsizetype index, PartLoadResult<T> parsed, QString *error)
{
    if (!parsed.ok()) {
        *error = parsed.errors.front().toString();
        return false;
    }
    if (index < 0 || index > qsizetype(list.size())) {
        *error = QStringLiteral("position %1 is outside the list").arg(index);
        return false;
    }
    list.insert(list.begin() + index, std::move(parsed.value));
    return true;
}

template<typename List, typename T = typename List::value_type>
void eraseNamed(List &list, const QSet<QString> &names)
{
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&](const T &item) { return names.contains(item.name); }),
               list.end());
}

} // namespace

QByteArray entityDocument(const Config &config, EntityKind kind, qsizetype index)
{
    const size_t i = size_t(index);
    switch (kind) {
    case EntityKind::Settings: return settingsToTree(config.settings).toJson(true);
    case EntityKind::Service: return serviceToTree(config.services[i]).toJson(true);
    case EntityKind::Route: return routeToTree(config.routes[i]).toJson(true);
    case EntityKind::Consumer: return consumerDocument(config.consumers[i]);
    case EntityKind::Plan: return planToTree(config.plans[i]).toJson(true);
    case EntityKind::JwtProvider: return jwtProviderToTree(config.jwtProviders[i]).toJson(true);
    case EntityKind::Certificate: // the history restores what it recorded: the key included
        return certificateToTree(config.certificates[i], PrivateKeys::Include).toJson(true);
    }
    return QByteArray();
}

bool insertEntity(Config &config, EntityKind kind, qsizetype index, const QByteArray &document,
                  QString *error)
{
    switch (kind) {
    case EntityKind::Settings: {
        PartLoadResult<SettingsConfig> parsed = parseSettingsPart(document);
        if (!parsed.ok()) {
            *error = parsed.errors.front().toString();
            return false;
        }
        config.settings = std::move(parsed.value);
        return true;
    }
    case EntityKind::Service:
        return insertParsed(config.services, index, parseServicePart(document), error);
    case EntityKind::Route:
        return insertParsed(config.routes, index, parseRoutePart(document), error);
    case EntityKind::Consumer:
        return insertParsed(config.consumers, index, parseConsumerDocument(document), error);
    case EntityKind::Plan: return insertParsed(config.plans, index, parsePlanPart(document), error);
    case EntityKind::JwtProvider:
        return insertParsed(config.jwtProviders, index, parseJwtProviderPart(document), error);
    case EntityKind::Certificate:
        return insertParsed(config.certificates, index, parseCertificatePart(document), error);
    }
    return false;
}

void eraseEntities(Config &config, EntityKind kind, const QSet<QString> &names)
{
    switch (kind) {
    case EntityKind::Settings: break;
    case EntityKind::Service: eraseNamed(config.services, names); break;
    case EntityKind::Route: eraseNamed(config.routes, names); break;
    case EntityKind::Consumer: eraseNamed(config.consumers, names); break;
    case EntityKind::Plan: eraseNamed(config.plans, names); break;
    case EntityKind::JwtProvider: eraseNamed(config.jwtProviders, names); break;
    case EntityKind::Certificate: eraseNamed(config.certificates, names); break;
    }
}

} // namespace portico
