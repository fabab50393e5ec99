#include "AdminEntities.h"

#include "certs/CertificateStatus.h"
#include "config/ConfigService.h"
#include "config/ConfigTree.h"
#include "config/DeclarativeFormat.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace portico {

namespace {

template<typename T, typename List = std::vector<T>>
struct EntityKind
{
    const char *plural;   // "routes": the path and the list in the configuration
    const char *singular; // "route": how messages name one
    List Config::*list;
    TreeValue (*toTree)(const T &);
    PartLoadResult<T> (*parse)(const QByteArray &);
    // Carries a rename to whatever refers to the entity by name.
    void (*renameReferences)(Config &, const QString &from, const QString &to);
    // What answers show of an entity, when more (or less) than toTree(): read-only details.
    TreeValue (*answer)(const T &, const Config &) = nullptr;

    TreeValue shown(const T &item, const Config &config) const
    {
        return answer ? answer(item, config) : toTree(item);
    }
};

void renameServiceReferences(Config &config, const QString &from, const QString &to)
{
    for (RouteConfig &route : config.routes) {
        if (route.service == from)
            route.service = to;
    }
}

void renamePlanReferences(Config &config, const QString &from, const QString &to)
{
    for (ConsumerConfig &consumer : config.consumers) {
        if (consumer.plan == from)
            consumer.plan = to;
    }
}

void renameJwtProviderReferences(Config &config, const QString &from, const QString &to)
{
    for (RouteConfig &route : config.routes) {
        for (QString &provider : route.jwtProviders) {
            if (provider == from)
                provider = to;
        }
    }
}

void renameCertificateReferences(Config &config, const QString &from, const QString &to)
{
    for (ServiceConfig &service : config.services) {
        if (service.clientCertificate == from)
            service.clientCertificate = to;
    }
}

TreeValue certificateWithoutKey(const CertificateConfig &certificate)
{
    return certificateToTree(certificate, PrivateKeys::Omit);
}

// Never the private key; its issuer, names and expiry instead.
TreeValue certificateAnswer(const CertificateConfig &certificate, const Config &config)
{
    TreeValue tree = certificateToTree(certificate, PrivateKeys::Omit);
    tree.insert("details", certificateDetailsTree(certificateStatus(
                               certificate, config.settings.certificateWarningDays,
                               QDateTime::currentDateTimeUtc())));
    return tree;
}

const EntityKind<ServiceConfig> kServices{"services", "service", &Config::services,
                                          serviceToTree, parseServicePart,
                                          renameServiceReferences};
const EntityKind<RouteConfig> kRoutes{"routes", "route", &Config::routes, routeToTree,
                                      parseRoutePart, nullptr};
const EntityKind<ConsumerConfig, QList<ConsumerConfig>> kConsumers{"consumers", "consumer", &Config::consumers,
                                            consumerToTree, parseConsumerPart, nullptr};
const EntityKind<PlanConfig> kPlans{"plans", "plan", &Config::plans, planToTree, parsePlanPart,
                                    renamePlanReferences};
const EntityKind<JwtProviderConfig> kJwtProviders{"jwt_providers", "JWT provider",
                                                  &Config::jwtProviders, jwtProviderToTree,
                                                  parseJwtProviderPart,
                                                  renameJwtProviderReferences};
const EntityKind<CertificateConfig> kCertificates{"certificates",
                                                  "certificate",
                                                  &Config::certificates,
                                                  certificateWithoutKey,
                                                  parseCertificatePart,
                                                  renameCertificateReferences,
                                                  certificateAnswer};

template<typename List>
qsizetype indexOf(const List &list, const QString &name)
{
    const auto it = std::find_if(list.begin(), list.end(),
                                 [&](const auto &item) { return item.name == name; });
    return it == list.end() ? -1 : qsizetype(it - list.begin());
}

QString describe(const char *singular, const QString &name)
{
    return QStringLiteral("%1 \"%2\"").arg(QLatin1String(singular), name);
}

EditOutcome notFoundOutcome(const char *singular, const QString &name)
{
    return {StoreResult::Status::NotFound,
            {{QString(), QStringLiteral("no %1").arg(describe(singular, name))}},
            {}};
}

AdminResponse partErrors(const ConfigErrors &errors)
{
    return AdminResponse::error(400, QStringLiteral("invalid request body"), errors);
}

// Consumers' keys are managed under /consumers/{name}/keys: a consumer document without a
// "keys" field keeps the keys it has.
template<typename T>
void keepKeysUnlessGiven(T &, const T &, const QByteArray &)
{
}

void keepKeysUnlessGiven(ConsumerConfig &next, const ConsumerConfig &current,
                         const QByteArray &body)
{
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    if (!object.contains(QLatin1String("keys")))
        next.keys = current.keys;
}

// The Admin API never shows a private key: a certificate sent back without one keeps its key,
// as long as the certificate itself is the same.
template<typename T>
void keepPrivateKey(T &, const T &)
{
}

void keepPrivateKey(CertificateConfig &next, const CertificateConfig &current)
{
    if (next.key.isEmpty() && next.certificate == current.certificate)
        next.key = current.key;
}

template<typename T, typename List>
AdminResponse list(AdminContext &context, const EntityKind<T, List> &kind, const AdminRequest &request)
{
    QString error;
    const std::optional<Page> page = pageOf(request, &error);
    if (!page)
        return AdminResponse::error(400, error);
    const List &items = context.config.config().*kind.list;
    TreeValue data = TreeValue::list();
    const qsizetype end = std::min(qsizetype(items.size()), page->offset + page->limit);
    for (qsizetype i = page->offset; i < end; ++i)
        data.append(kind.shown(items[size_t(i)], context.config.config()));
    return AdminResponse::json(200, pageBody(std::move(data), *page, qsizetype(items.size()),
                                             QLatin1Char('/') + QLatin1String(kind.plural)))
        .withHeader("ETag", revisionTag(context.config.revision()));
}

template<typename T, typename List>
AdminResponse getOne(AdminContext &context, const EntityKind<T, List> &kind, const QString &name)
{
    const List &items = context.config.config().*kind.list;
    const qsizetype index = indexOf(items, name);
    if (index < 0)
        return notFound(QStringLiteral("no %1").arg(describe(kind.singular, name)));
    return AdminResponse::json(200, kind.shown(items[size_t(index)], context.config.config()))
        .withHeader("ETag", revisionTag(context.config.revision()));
}

// Stores `write`'s edit and answers with the entity as stored.
template<typename T, typename List>
AdminResponse store(AdminContext &context, const EntityKind<T, List> &kind, qint64 expected,
                    const QString &summary, const QString &resultName, int okStatus,
                    const std::function<EditOutcome(Config &)> &write)
{
    const StoreResult result = context.config.edit(ConfigSource::Admin, summary, expected, write);
    TreeValue body;
    if (result.ok()) {
        const List &items = context.config.config().*kind.list;
        const qsizetype index = indexOf(items, resultName);
        if (index >= 0)
            body = kind.shown(items[size_t(index)], context.config.config());
    }
    AdminResponse response = storeResponse(result, okStatus, body);
    if (result.ok() && okStatus == 201)
        response.withHeader("Location", QStringLiteral("/%1/%2")
                                            .arg(QLatin1String(kind.plural), resultName)
                                            .toUtf8());
    return response;
}

template<typename T, typename List>
AdminResponse create(AdminContext &context, const EntityKind<T, List> &kind,
                     const AdminRequest &request, qint64 expected)
{
    PartLoadResult<T> parsed = kind.parse(request.body);
    if (!parsed.ok())
        return partErrors(parsed.errors);
    const T item = parsed.value;
    return store(context, kind, expected,
                 QStringLiteral("%1 added").arg(describe(kind.singular, item.name)), item.name, 201,
                 [&](Config &config) {
                     List &items = config.*kind.list;
                     if (!item.name.isEmpty() && indexOf(items, item.name) >= 0)
                         return EditOutcome{StoreResult::Status::Conflict,
                                            {{QStringLiteral("name"),
                                              QStringLiteral("a %1 already exists")
                                                  .arg(describe(kind.singular, item.name))}},
                                            {}};
                     items.push_back(item);
                     return EditOutcome{};
                 });
}

template<typename T, typename List>
AdminResponse replace(AdminContext &context, const EntityKind<T, List> &kind,
                      const AdminRequest &request, const QString &name, qint64 expected)
{
    PartLoadResult<T> parsed = kind.parse(request.body);
    if (!parsed.ok())
        return partErrors(parsed.errors);
    T item = parsed.value;
    if (item.name.isEmpty())
        item.name = name;
    if (item.name != name)
        return partErrors({{QStringLiteral("name"),
                            QStringLiteral("\"%1\" differs from the name in the path (\"%2\"); "
                                           "rename with PATCH")
                                .arg(item.name, name)}});
    const bool exists = indexOf(context.config.config().*kind.list, name) >= 0;
    return store(context, kind, expected,
                 QStringLiteral("%1 %2").arg(describe(kind.singular, name),
                                             exists ? QStringLiteral("replaced")
                                                    : QStringLiteral("added")),
                 name, exists ? 200 : 201, [&](Config &config) {
                     List &items = config.*kind.list;
                     const qsizetype index = indexOf(items, name);
                     if (index < 0) {
                         items.push_back(item);
                     } else {
                         keepKeysUnlessGiven(item, items[size_t(index)], request.body);
                         keepPrivateKey(item, items[size_t(index)]);
                         items[size_t(index)] = item;
                     }
                     return EditOutcome{};
                 });
}

template<typename T, typename List>
AdminResponse patch(AdminContext &context, const EntityKind<T, List> &kind, const AdminRequest &request,
                    const QString &name, qint64 expected)
{
    QJsonParseError jsonError;
    const QJsonDocument changes = QJsonDocument::fromJson(request.body, &jsonError);
    if (jsonError.error != QJsonParseError::NoError || !changes.isObject())
        return partErrors({{QString(), QStringLiteral("expected a JSON object: %1")
                                           .arg(jsonError.error == QJsonParseError::NoError
                                                    ? QStringLiteral("not an object")
                                                    : jsonError.errorString())}});
    QString newName = name;
    return store(context, kind, expected, QString(), newName, 200, [&](Config &config) {
        List &items = config.*kind.list;
        const qsizetype index = indexOf(items, name);
        if (index < 0)
            return notFoundOutcome(kind.singular, name);
        // The stored entity as JSON, overlaid field by field (null restores a default).
        QJsonObject merged = QJsonDocument::fromJson(kind.toTree(items[size_t(index)]).toJson())
                                 .object();
        const QJsonObject overlay = changes.object();
        for (auto it = overlay.begin(); it != overlay.end(); ++it) {
            if (it.value().isNull())
                merged.remove(it.key());
            else
                merged.insert(it.key(), it.value());
        }
        PartLoadResult<T> parsed = kind.parse(QJsonDocument(merged).toJson());
        if (!parsed.ok())
            return EditOutcome{StoreResult::Status::Invalid, parsed.errors, {}};
        keepPrivateKey(parsed.value, items[size_t(index)]);
        newName = parsed.value.name;
        if (newName != name && kind.renameReferences)
            kind.renameReferences(config, name, newName);
        items[size_t(index)] = parsed.value;
        return EditOutcome{StoreResult::Status::Ok, {},
                           newName == name
                               ? QStringLiteral("%1 updated").arg(describe(kind.singular, name))
                               : QStringLiteral("%1 renamed to \"%2\"")
                                     .arg(describe(kind.singular, name), newName)};
    });
}

template<typename T, typename List>
AdminResponse remove(AdminContext &context, const EntityKind<T, List> &kind, const QString &name,
                     qint64 expected)
{
    const StoreResult result = context.config.edit(
        ConfigSource::Admin, QStringLiteral("%1 removed").arg(describe(kind.singular, name)),
        expected, [&](Config &config) {
            List &items = config.*kind.list;
            const qsizetype index = indexOf(items, name);
            if (index < 0)
                return notFoundOutcome(kind.singular, name);
            items.erase(items.begin() + index);
            return EditOutcome{};
        });
    return storeResponse(result, 204, TreeValue());
}

template<typename T, typename List>
AdminResponse serve(AdminContext &context, const EntityKind<T, List> &kind, const AdminRequest &request)
{
    const std::optional<qint64> expected = expectedRevision(request);
    if (!expected)
        return badIfMatch();
    const QByteArray &method = request.method;
    if (request.segments.size() == 1) {
        if (request.isRead())
            return list(context, kind, request);
        if (method == "POST")
            return create(context, kind, request, *expected);
        return methodNotAllowed("GET, HEAD, POST");
    }
    const QString &name = request.segments[1];
    if (request.isRead())
        return getOne(context, kind, name);
    if (method == "PUT")
        return replace(context, kind, request, name, *expected);
    if (method == "PATCH")
        return patch(context, kind, request, name, *expected);
    if (method == "DELETE")
        return remove(context, kind, name, *expected);
    return methodNotAllowed("GET, HEAD, PUT, PATCH, DELETE");
}

} // namespace

std::optional<AdminResponse> handleEntityRequest(AdminContext &context,
                                                 const AdminRequest &request)
{
    const QStringList &s = request.segments;
    if (s.isEmpty() || s.size() > 2)
        return std::nullopt;
    const QString &kind = s[0];
    if (kind == QLatin1String(kServices.plural))
        return serve(context, kServices, request);
    if (kind == QLatin1String(kRoutes.plural))
        return serve(context, kRoutes, request);
    if (kind == QLatin1String(kConsumers.plural))
        return serve(context, kConsumers, request);
    if (kind == QLatin1String(kPlans.plural))
        return serve(context, kPlans, request);
    if (kind == QLatin1String(kJwtProviders.plural))
        return serve(context, kJwtProviders, request);
    if (kind == QLatin1String(kCertificates.plural))
        return serve(context, kCertificates, request);
    return std::nullopt;
}

} // namespace portico
