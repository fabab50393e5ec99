#include "OpenApiImport.h"

#include "ForeignNames.h"
#include "ForeignYaml.h"
#include "config/ConfigValidator.h"

#include <QRegularExpression>
#include <QSet>
#include <QUrl>

#include <yaml-cpp/yaml.h>

namespace portico {

namespace {

YAML::Node get(const YAML::Node &map, const char *key)
{
    return ForeignYaml::at(map, key);
}

const char *const kMethods[] = {"get",     "put",  "post",  "delete",
                                "options", "head", "patch", "trace"};

QString keyOf(const YAML::const_iterator &it)
{
    return it->first.IsScalar() ? QString::fromStdString(it->first.Scalar()) : QString();
}

// Literal path text as Portico writes paths: characters outside its set percent-encoded.
QString encodedPath(const QString &text)
{
    return QString::fromLatin1(text.toUtf8().toPercentEncoding("/-._~!$&'()*+,;=:@%"));
}

// "/pets/{petId}" under "/v1" -> "~^/v1/pets/[^/]+$"; without a template "=/v1/pets".
QString routePath(const QString &base, const QString &templ)
{
    const QString full = base + templ;
    if (!full.contains(u'{'))
        return QLatin1Char('=') + encodedPath(full);
    static const QRegularExpression parameter(QStringLiteral("\\{[^}/]*\\}"));
    QString regex = QStringLiteral("~^");
    qsizetype from = 0;
    for (auto it = parameter.globalMatch(full); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        regex += escapeRegexLiteral(encodedPath(full.mid(from, m.capturedStart() - from)))
            + QStringLiteral("[^/]+");
        from = m.capturedEnd();
    }
    return regex + escapeRegexLiteral(encodedPath(full.mid(from))) + QLatin1Char('$');
}

class OpenApiImporter
{
public:
    OpenApiImporter(const Config &into, const QString &serviceName)
        : m_serviceName(serviceName)
    {
        m_result.config = into;
    }
    ForeignImport run(const QByteArray &text);

private:
    bool readVersion(const YAML::Node &root);
    void readServers(const YAML::Node &root);
    bool ensureService();
    void readPathItem(const QString &templ, const YAML::Node &item);
    void readOperation(const QString &templ, const char *method, const YAML::Node &op);
    // The auth kinds one operation's security requirements map to; false when none of the
    // alternatives can be carried (the route is then imported disabled).
    bool readSecurity(const YAML::Node &security, const QString &where, QStringList &auth);
    QString schemeKind(const QString &name, const QString &where);
    void reportExtensions(const YAML::Node &map, const QString &path);

    void notCarried(const QString &line) { m_result.report.notCarried.append(line); }
    void note(const QString &line) { m_result.report.notes.append(line); }

    ForeignImport m_result;
    ConfigErrors m_errors;
    ForeignYaml m_yaml{m_errors};
    SourcePaths m_paths;
    QString m_serviceName;
    QString m_basePath;
    QString m_serviceUrl; // the first http:// server's origin
    YAML::Node m_schemes;
    YAML::Node m_globalSecurity;
    QSet<QString> m_routeNames;
    QSet<QString> m_reportedSchemes;
    bool m_jwt = false;
};

ForeignImport OpenApiImporter::run(const QByteArray &text)
{
    YAML::Node root;
    if (!ForeignYaml::load(text, root, m_result.errors))
        return m_result;
    for (const RouteConfig &r : m_result.config.routes)
        m_routeNames.insert(r.name);
    try {
        if (!readVersion(root))
            return m_result;
        readServers(root);
        m_schemes = get(get(root, "components"), "securitySchemes");
        m_globalSecurity = get(root, "security");
        reportExtensions(root, QString());
        for (const char *section : {"webhooks", "callbacks"}) {
            if (ForeignYaml::isSet(get(root, section)))
                notCarried(QStringLiteral("%1: not carried (Portico routes incoming requests)")
                               .arg(QLatin1String(section)));
        }
        const YAML::Node paths = get(root, "paths");
        if (!ensureService())
            return m_result;
        if (ForeignYaml::isSet(paths) && m_yaml.expectMap(paths, QStringLiteral("paths"))) {
            for (auto it = paths.begin(); it != paths.end(); ++it) {
                const QString templ = keyOf(it);
                if (templ.startsWith(QStringLiteral("x-")))
                    notCarried(QStringLiteral("paths.%1: extension not carried").arg(templ));
                else
                    readPathItem(templ, it->second);
            }
        }
    } catch (const std::exception &e) {
        m_errors.push_back(
            {QString(), QStringLiteral("cannot read the document: %1").arg(e.what())});
    }
    note(QStringLiteral("parameters, request bodies and responses are documentation to Portico: "
                        "requests are not validated against them"));
    if (m_jwt && m_result.config.jwtProviders.empty())
        notCarried(QStringLiteral("routes with auth jwt: a jwt_providers entry must be configured "
                                  "before Portico can verify their tokens"));
    if (m_errors.empty())
        m_result.errors = m_paths.translate(validateConfig(m_result.config));
    else
        m_result.errors = std::move(m_errors);
    return m_result;
}

bool OpenApiImporter::readVersion(const YAML::Node &root)
{
    if (ForeignYaml::isSet(get(root, "swagger"))) {
        m_result.errors.push_back({QStringLiteral("swagger"),
                                   QStringLiteral("Swagger 2.0 documents are not supported; "
                                                  "convert it to OpenAPI 3 first (for example "
                                                  "with swagger2openapi)")});
        return false;
    }
    QString version;
    if (!m_yaml.string(get(root, "openapi"), QStringLiteral("openapi"), version)) {
        m_result.errors.push_back(
            {QStringLiteral("openapi"), QStringLiteral("missing: not an OpenAPI 3 document")});
        return false;
    }
    if (!version.startsWith(QStringLiteral("3."))) {
        m_result.errors.push_back(
            {QStringLiteral("openapi"),
             QStringLiteral("unsupported version %1 (expected 3.x)").arg(version)});
        return false;
    }
    return true;
}

void OpenApiImporter::readServers(const YAML::Node &root)
{
    const YAML::Node servers = get(root, "servers");
    if (!ForeignYaml::isSet(servers) || !m_yaml.expectList(servers, QStringLiteral("servers")))
        return;
    for (size_t i = 0; i < servers.size(); ++i) {
        const QString at = indexed(QStringLiteral("servers"), qsizetype(i));
        QString url;
        if (!m_yaml.string(get(servers[i], "url"), at + QStringLiteral(".url"), url))
            continue;
        // Server variables take their default values.
        const YAML::Node variables = get(servers[i], "variables");
        if (variables.IsMap()) {
            for (auto it = variables.begin(); it != variables.end(); ++it) {
                QString value;
                m_yaml.string(get(it->second, "default"),
                              at + QStringLiteral(".variables.") + keyOf(it)
                                  + QStringLiteral(".default"),
                              value);
                url.replace(u'{' + keyOf(it) + u'}', value);
            }
        }
        const QUrl parsed(url);
        QString path = parsed.path(QUrl::FullyEncoded);
        while (path.endsWith(u'/'))
            path.chop(1);
        if (i == 0)
            m_basePath = path;
        else if (path != m_basePath)
            notCarried(at
                       + QStringLiteral(": base path \"%1\" not carried (routes use servers[0]'s "
                                        "\"%2\")")
                             .arg(path, m_basePath));
        const bool http = parsed.scheme() == QStringLiteral("http")
            || parsed.scheme() == QStringLiteral("https");
        if (m_serviceUrl.isEmpty() && http && !parsed.host().isEmpty())
            m_serviceUrl =
                parsed.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment)
                    .toString();
    }
}

bool OpenApiImporter::ensureService()
{
    Config &config = m_result.config;
    const auto existing =
        std::find_if(config.services.cbegin(), config.services.cend(),
                     [&](const ServiceConfig &s) { return s.name == m_serviceName; });
    if (existing != config.services.cend())
        return true;
    if (m_serviceUrl.isEmpty()) {
        m_result.errors.push_back(
            {QStringLiteral("servers"),
             QStringLiteral("service \"%1\" does not exist, and servers[] has no http:// or "
                            "https:// URL to create it from")
                 .arg(m_serviceName)});
        return false;
    }
    ServiceConfig service;
    service.name = m_serviceName;
    service.targets = {{m_serviceUrl, 100}};
    m_paths.add(indexed(QStringLiteral("services"), qsizetype(config.services.size())),
                QStringLiteral("servers"));
    config.services.push_back(service);
    note(QStringLiteral("services: \"%1\" created with target %2 from servers[]")
             .arg(m_serviceName, m_serviceUrl));
    return true;
}

void OpenApiImporter::readPathItem(const QString &templ, const YAML::Node &item)
{
    const QString path = QStringLiteral("paths.") + templ;
    if (!m_yaml.expectMap(item, path))
        return;
    if (ForeignYaml::isSet(get(item, "$ref"))) {
        notCarried(path + QStringLiteral(": $ref path items are not followed; not carried"));
        return;
    }
    if (ForeignYaml::isSet(get(item, "servers")))
        notCarried(path + QStringLiteral(".servers: not carried (routes use servers[0])"));
    reportExtensions(item, path);
    for (const char *method : kMethods) {
        const YAML::Node op = get(item, method);
        if (ForeignYaml::isSet(op))
            readOperation(templ, method, op);
    }
}

void OpenApiImporter::readOperation(const QString &templ, const char *method, const YAML::Node &op)
{
    const QString source = QStringLiteral("paths.%1.%2").arg(templ, QLatin1String(method));
    if (!m_yaml.expectMap(op, source))
        return;
    RouteConfig route;
    route.service = m_serviceName;
    route.methods = {QString::fromLatin1(method).toUpper()};
    route.paths = {routePath(m_basePath, templ)};
    QString operationId;
    m_yaml.string(get(op, "operationId"), source + QStringLiteral(".operationId"), operationId);
    const QString fallback = QString::fromLatin1(method) + templ;
    QString name = sanitizeName(operationId.isEmpty() ? fallback : operationId);
    if (name.isEmpty())
        name = QString::fromLatin1(method);
    route.name = uniqueName(name, m_routeNames);
    const QString where = entityLabel(source, route.name);
    if (operationId.isEmpty())
        note(where + QStringLiteral(": no operationId; named \"%1\"").arg(route.name));
    else if (route.name != operationId)
        note(where
             + QStringLiteral(": operationId \"%1\" carried as route name \"%2\"")
                   .arg(operationId, route.name));
    if (ForeignYaml::isSet(get(op, "servers")))
        notCarried(source + QStringLiteral(".servers: not carried (routes use servers[0])"));
    if (ForeignYaml::isSet(get(op, "callbacks")))
        notCarried(source + QStringLiteral(".callbacks: not carried"));
    reportExtensions(op, source);
    const YAML::Node security =
        ForeignYaml::isSet(get(op, "security")) ? get(op, "security") : m_globalSecurity;
    if (!readSecurity(security, where, route.auth)) {
        route.enabled = false;
        notCarried(where
                   + QStringLiteral(": no security alternative Portico can check; imported "
                                    "disabled rather than public"));
    }
    Config &config = m_result.config;
    const QString at = indexed(QStringLiteral("routes"), qsizetype(config.routes.size()));
    m_paths.add(at, source);
    m_paths.add(at + QStringLiteral(".paths[0]"), source); // the template is the path
    config.routes.push_back(route);
}

bool OpenApiImporter::readSecurity(const YAML::Node &security, const QString &where,
                                   QStringList &auth)
{
    if (!ForeignYaml::isSet(security) || !security.IsSequence() || security.size() == 0)
        return true; // public
    bool carried = false;
    bool anonymous = false;
    for (size_t i = 0; i < security.size(); ++i) {
        const YAML::Node alternative = security[i];
        if (!alternative.IsMap() || alternative.size() == 0) {
            anonymous = true; // "{}": the operation may also be called without credentials
            continue;
        }
        QString kind;
        for (auto it = alternative.begin(); it != alternative.end(); ++it) {
            const QString one = schemeKind(keyOf(it), where);
            kind = kind.isEmpty() || kind == one ? one : QString();
            if (one.isEmpty())
                break;
        }
        if (kind.isEmpty())
            continue;
        carried = true;
        if (!auth.contains(kind))
            auth.append(kind);
    }
    std::sort(auth.begin(), auth.end(), [](const QString &a, const QString &b) {
        return a == QStringLiteral("key") && b != QStringLiteral("key");
    });
    if (anonymous) {
        // Optional credentials: Portico has no optional auth, so the route is public.
        auth.clear();
        note(where + QStringLiteral(": security allows anonymous calls ({}); the route is public"));
        return true;
    }
    m_jwt = m_jwt || auth.contains(QStringLiteral("jwt"));
    return carried;
}

QString OpenApiImporter::schemeKind(const QString &name, const QString &where)
{
    const YAML::Node scheme = get(m_schemes, name.toUtf8().constData());
    QString type, in, paramName, httpScheme, bearerFormat;
    m_yaml.string(get(scheme, "type"), QString(), type);
    m_yaml.string(get(scheme, "in"), QString(), in);
    m_yaml.string(get(scheme, "name"), QString(), paramName);
    m_yaml.string(get(scheme, "scheme"), QString(), httpScheme);
    m_yaml.string(get(scheme, "bearerFormat"), QString(), bearerFormat);
    const bool first = !m_reportedSchemes.contains(name);
    m_reportedSchemes.insert(name);
    const QString label = QStringLiteral("components.securitySchemes.") + name;
    if (!ForeignYaml::isSet(scheme)) {
        notCarried(where + QStringLiteral(": security scheme \"%1\" is not defined").arg(name));
        return {};
    }
    if (type == QStringLiteral("apiKey") && in == QStringLiteral("header")
        && paramName.compare(QStringLiteral("X-API-Key"), Qt::CaseInsensitive) == 0)
        return QStringLiteral("key");
    if (type == QStringLiteral("http")
        && httpScheme.compare(QStringLiteral("bearer"), Qt::CaseInsensitive) == 0) {
        if (first && bearerFormat.compare(QStringLiteral("JWT"), Qt::CaseInsensitive) != 0)
            note(label
                 + QStringLiteral(": bearer tokens carried as auth jwt (bearerFormat "
                                  "\"%1\")")
                       .arg(bearerFormat));
        return QStringLiteral("jwt");
    }
    if (first) {
        const QString what = type == QStringLiteral("apiKey")
            ? QStringLiteral("apiKey in %1 \"%2\" (Portico reads keys from the X-API-Key header)")
                  .arg(in, paramName)
            : type == QStringLiteral("http") ? QStringLiteral("http %1").arg(httpScheme)
                                             : type;
        notCarried(label + QStringLiteral(": %1 not carried").arg(what));
    }
    return {};
}

void OpenApiImporter::reportExtensions(const YAML::Node &map, const QString &path)
{
    if (!map.IsMap())
        return;
    for (auto it = map.begin(); it != map.end(); ++it) {
        const QString key = keyOf(it);
        if (key.startsWith(QStringLiteral("x-")))
            notCarried(ForeignYaml::field(path, key.toStdString())
                       + QStringLiteral(": extension not carried"));
    }
}

} // namespace

ForeignImport importOpenApi(const QByteArray &text, const Config &into, const QString &serviceName)
{
    return OpenApiImporter(into, serviceName).run(text);
}

} // namespace portico
