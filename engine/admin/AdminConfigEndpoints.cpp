#include "AdminConfigEndpoints.h"

#include "config/ConfigService.h"
#include "config/ConfigTree.h"
#include "config/DeclarativeFormat.h"
#include "config/DeclarativeReader.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace portico {

namespace {

bool wantsYaml(const AdminRequest &request)
{
    const QString format = request.query.queryItemValue(QStringLiteral("format"));
    if (!format.isEmpty())
        return format == QLatin1String("yaml");
    return request.headers.value("Accept").contains("yaml");
}

// Certificates' private keys only for ?include_keys=true: asked for, never by default.
PrivateKeys keysWanted(const AdminRequest &request)
{
    return request.query.queryItemValue(QStringLiteral("include_keys")) == QLatin1String("true")
        ? PrivateKeys::Include
        : PrivateKeys::Omit;
}

AdminResponse exportConfig(const AdminRequest &request, const Config &config, qint64 revision)
{
    AdminResponse response;
    const PrivateKeys keys = keysWanted(request);
    if (wantsYaml(request)) {
        response.contentType = "application/yaml";
        response.body = toDeclarativeYaml(config, keys);
    } else {
        response.body = toDeclarativeJson(config, keys);
    }
    return response.withHeader("ETag", revisionTag(revision));
}

// The request body as a whole configuration: JSON or YAML (the format is a YAML superset).
// Certificates sent without their key keep the stored one.
std::optional<Config> readConfig(const AdminRequest &request, const Config &current,
                                 AdminResponse &failure, QStringList *warnings = nullptr)
{
    ConfigLoadResult loaded = parseDeclarative(request.body, &current);
    if (!loaded.ok()) {
        failure = AdminResponse::error(400, QStringLiteral("invalid configuration"),
                                       loaded.errors);
        return std::nullopt;
    }
    if (warnings)
        *warnings = loaded.warnings;
    return std::move(loaded.config);
}

TreeValue warningList(const QStringList &warnings)
{
    return TreeValue::flowList(warnings);
}

AdminResponse putConfig(AdminContext &context, const AdminRequest &request, qint64 expected)
{
    AdminResponse failure;
    QStringList warnings;
    const std::optional<Config> config =
        readConfig(request, context.config.config(), failure, &warnings);
    if (!config)
        return failure;
    const StoreResult result =
        context.config.replace(*config, ConfigSource::Admin, QString(), expected);
    TreeValue body = TreeValue::map();
    body.insert("revision", result.revision)
        .insert("changed", result.status == StoreResult::Status::Ok)
        .insert("warnings", warningList(warnings));
    return storeResponse(result, 200, body);
}

AdminResponse validateConfigRequest(AdminContext &context, const AdminRequest &request)
{
    const ConfigLoadResult loaded = parseDeclarative(request.body, &context.config.config());
    TreeValue errors = TreeValue::list();
    for (const ConfigError &e : loaded.errors) {
        TreeValue item = TreeValue::map();
        item.insert("path", e.path).insert("message", e.message);
        errors.append(std::move(item));
    }
    TreeValue body = TreeValue::map();
    body.insert("valid", loaded.ok())
        .insert("errors", std::move(errors))
        .insert("warnings", warningList(loaded.warnings));
    // The request was fine even when the configuration is not: 200 either way.
    return AdminResponse::json(200, body);
}

TreeValue versionTree(const ConfigVersion &version)
{
    TreeValue tree = TreeValue::map();
    tree.insert("revision", version.revision)
        .insert("applied_at", formatTimestamp(version.appliedAt))
        .insert("source", configSourceName(version.source))
        .insert("summary", version.summary);
    return tree;
}

AdminResponse history(AdminContext &context, const AdminRequest &request)
{
    QString error;
    const std::optional<Page> page = pageOf(request, &error);
    if (!page)
        return AdminResponse::error(400, error);
    const std::vector<ConfigVersion> versions =
        context.config.store().history(context.config.store().historyLimit());
    TreeValue data = TreeValue::list();
    const qsizetype end = std::min(qsizetype(versions.size()), page->offset + page->limit);
    for (qsizetype i = page->offset; i < end; ++i)
        data.append(versionTree(versions[size_t(i)]));
    return AdminResponse::json(200, pageBody(std::move(data), *page, qsizetype(versions.size()),
                                             QStringLiteral("/config/history")))
        .withHeader("ETag", revisionTag(context.config.revision()));
}

AdminResponse versionConfig(AdminContext &context, const AdminRequest &request,
                            const QString &revisionText)
{
    bool ok = false;
    const qint64 revision = revisionText.toLongLong(&ok);
    const std::optional<Config> config =
        ok ? context.config.store().configAt(revision) : std::nullopt;
    if (!config)
        return notFound(QStringLiteral("revision %1 is not in the history").arg(revisionText));
    return exportConfig(request, *config, context.config.revision());
}

AdminResponse rollback(AdminContext &context, const AdminRequest &request, qint64 expected)
{
    const QJsonObject object = QJsonDocument::fromJson(request.body).object();
    const QJsonValue value = object.value(QLatin1String("revision"));
    const qint64 revision = value.toInteger(0);
    if (!value.isDouble() || revision <= 0)
        return AdminResponse::error(400, QStringLiteral("invalid request body"),
                                    {{QStringLiteral("revision"),
                                      QStringLiteral("expected the revision to go back to")}});
    const StoreResult result = context.config.rollback(revision, expected);
    TreeValue body = TreeValue::map();
    body.insert("revision", result.revision)
        .insert("changed", result.status == StoreResult::Status::Ok);
    return storeResponse(result, 200, body);
}

} // namespace

std::optional<AdminResponse> handleConfigRequest(AdminContext &context,
                                                 const AdminRequest &request)
{
    const QStringList &s = request.segments;
    if (s.isEmpty() || s[0] != QLatin1String("config") || s.size() > 3)
        return std::nullopt;
    const std::optional<qint64> expected = expectedRevision(request);
    if (!expected)
        return badIfMatch();
    if (s.size() == 1) {
        if (request.isRead())
            return exportConfig(request, context.config.config(), context.config.revision());
        if (request.method == "PUT")
            return putConfig(context, request, *expected);
        return methodNotAllowed("GET, HEAD, PUT");
    }
    const QString &what = s[1];
    if (what == QLatin1String("validate") && s.size() == 2)
        return request.method == "POST" ? validateConfigRequest(context, request)
                                        : methodNotAllowed("POST");
    if (what == QLatin1String("rollback") && s.size() == 2)
        return request.method == "POST" ? rollback(context, request, *expected)
                                        : methodNotAllowed("POST");
    if (what == QLatin1String("history")) {
        if (!request.isRead())
            return methodNotAllowed("GET, HEAD");
        return s.size() == 2 ? history(context, request) : versionConfig(context, request, s[2]);
    }
    return std::nullopt;
}

} // namespace portico
