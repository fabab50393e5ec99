#include "AdminOpenApi.h"

#include <QStringList>

namespace portico {

namespace {

TreeValue ref(const char *schema)
{
    TreeValue tree = TreeValue::map();
    tree.insert("$ref", QStringLiteral("#/components/schemas/") + QLatin1String(schema));
    return tree;
}

TreeValue jsonContent(TreeValue schema)
{
    TreeValue media = TreeValue::map();
    media.insert("schema", std::move(schema));
    TreeValue content = TreeValue::map();
    content.insert("application/json", std::move(media));
    return content;
}

TreeValue response(const char *description, const char *schema = nullptr)
{
    TreeValue tree = TreeValue::map();
    tree.insert("description", description);
    if (schema)
        tree.insert("content", jsonContent(ref(schema)));
    return tree;
}

TreeValue object(std::initializer_list<std::pair<const char *, TreeValue>> properties,
                 const QStringList &required = {})
{
    TreeValue props = TreeValue::map();
    for (const auto &[name, schema] : properties)
        props.insert(name, schema);
    TreeValue tree = TreeValue::map();
    tree.insert("type", "object").insert("properties", std::move(props));
    if (!required.isEmpty())
        tree.insert("required", TreeValue::flowList(required));
    return tree;
}

TreeValue type(const char *name, const char *description = nullptr)
{
    TreeValue tree = TreeValue::map();
    tree.insert("type", name);
    if (description)
        tree.insert("description", description);
    return tree;
}

// A string that takes one of `values`.
TreeValue oneOf(const QStringList &values, const char *description = nullptr)
{
    TreeValue tree = type("string", description);
    tree.insert("enum", TreeValue::flowList(values));
    return tree;
}

TreeValue arrayOf(TreeValue items)
{
    TreeValue tree = TreeValue::map();
    tree.insert("type", "array").insert("items", std::move(items));
    return tree;
}

TreeValue limits()
{
    return object({{"second", type("integer")},
                   {"minute", type("integer")},
                   {"hour", type("integer")},
                   {"day", type("integer")},
                   {"month", type("integer")}});
}

TreeValue schemas()
{
    TreeValue s = TreeValue::map();
    s.insert("Error",
             object({{"error", type("string")},
                     {"errors", arrayOf(object({{"path", type("string", "e.g. routes[3].paths[0]")},
                                                {"message", type("string")}}))}},
                    {QStringLiteral("error")}));
    s.insert("Settings",
             object({{"listen", type("string", "host:port")},
                     {"admin_listen", type("string", "host:port")},
                     {"admin_token", type("string")},
                     {"workers", type("integer", "0 = one per core")},
                     {"rate_limit_store", type("string", "local or redis://host[:port][/db]")},
                     {"rate_limit_headers", oneOf({"ietf", "legacy", "both", "none"})},
                     {"rate_limit_redis_down",
                      oneOf({"local", "open", "closed"}, "while Redis is unreachable")},
                     {"rate_limit_redis_timeout_ms", type("integer", "1..10000")},
                     {"quota_timezone", type("string", "IANA zone where day/month quotas reset")},
                     {"max_uri_bytes", type("integer")},
                     {"max_header_bytes", type("integer")},
                     {"max_body_bytes", type("integer")},
                     {"header_timeout_ms", type("integer")},
                     {"idle_timeout_ms", type("integer")},
                     {"upstream_idle_timeout_ms", type("integer")},
                     {"upstream_pool_size", type("integer")},
                     {"eject_after_failures", type("integer")},
                     {"eject_duration_ms", type("integer")},
                     {"shutdown_timeout_ms", type("integer")},
                     {"listen_tls", type("string", "host:port served over HTTPS; empty = none")},
                     {"redirect_http", type("boolean", "listen answers 308 to https://")},
                     {"hsts_max_age_s", type("integer", "Strict-Transport-Security; 0 = none")},
                     {"certificate_warning_days",
                      type("integer", "certificates expiring sooner are flagged")},
                     {"capture_records", type("integer", "0 = capture nothing")},
                     {"capture_bytes", type("integer")},
                     {"capture", oneOf({"watched", "always", "off"})},
                     {"capture_body_kib", type("integer", "0 = no bodies")},
                     {"redact_headers", arrayOf(type("string"))},
                     {"metrics_per_consumer", type("boolean")},
                     {"access_log", type("string", "file path; empty = off")},
                     {"access_log_max_bytes", type("integer")},
                     {"access_log_files", type("integer")}}));
    s.insert("Service",
             object({{"name", type("string")},
                     {"url", type("string", "shorthand for one target of weight 100")},
                     {"targets", arrayOf(object({{"url", type("string")},
                                                 {"weight", type("integer")}}))},
                     {"connect_timeout_ms", type("integer")},
                     {"read_timeout_ms", type("integer")},
                     {"preserve_host", type("boolean")},
                     {"retries", type("integer")},
                     {"tls_verify", type("boolean", "https:// targets: verify their certificate")},
                     {"ca_bundle", type("string", "PEM CA certificates; empty = the system's")},
                     {"tls_server_name",
                      type("string", "SNI and verified name; empty = the target's host")},
                     {"client_certificate",
                      type("string", "a certificate's name, presented to the targets")}},
                    {QStringLiteral("name")}));
    s.insert("Route",
             object({{"name", type("string")},
                     {"paths", arrayOf(type("string", "/prefix, =/exact or ~regex"))},
                     {"hosts", arrayOf(type("string"))},
                     {"methods", arrayOf(type("string"))},
                     {"strip_path", type("boolean")},
                     {"service", type("string")},
                     {"auth", arrayOf(type("string", "key or jwt"))},
                     {"key_header", type("string", "where an API key travels; default X-API-Key")},
                     {"key_in_query", type("boolean", "also accept ?apikey=")},
                     {"jwt_providers", arrayOf(type("string", "accepted providers; none = all"))},
                     {"jwt_anonymous", type("boolean", "a valid token naming no consumer passes")},
                     {"allow_groups", arrayOf(type("string", "consumer groups let in"))},
                     {"deny_groups", arrayOf(type("string", "consumer groups refused"))},
                     {"allow_ips", arrayOf(type("string", "client address or CIDR let in"))},
                     {"deny_ips", arrayOf(type("string", "client address or CIDR refused"))},
                     {"max_body_bytes", type("integer")},
                     {"enabled", type("boolean")},
                     {"rate_limit", limits()}},
                    {QStringLiteral("name"), QStringLiteral("paths"), QStringLiteral("service")}));
    s.insert("ApiKey",
             object({{"id", type("string")},
                     {"hash", type("string", "sha256:<hex>; the key itself is never stored")},
                     {"prefix", type("string")},
                     {"created", type("string", "UTC, e.g. 2026-01-31T12:00:00Z")},
                     {"expires", type("string")},
                     {"revoked", type("string")},
                     {"state", type("string", "active, expired or revoked")},
                     {"last_used", type("string")}}));
    s.insert("NewApiKey",
             object({{"id", type("string")},
                     {"key", type("string", "shown in this answer only")},
                     {"prefix", type("string")},
                     {"created", type("string")},
                     {"expires", type("string")}}));
    s.insert("Consumer",
             object({{"name", type("string")},
                     {"plan", type("string")},
                     {"custom_id", type("string", "sent upstream as X-Consumer-Id")},
                     {"groups", arrayOf(type("string"))},
                     {"keys", arrayOf(ref("ApiKey"))}},
                    {QStringLiteral("name")}));
    s.insert("Plan", object({{"name", type("string")}, {"limits", limits()}},
                            {QStringLiteral("name")}));
    s.insert("JwtProvider",
             object({{"name", type("string")},
                     {"issuer", type("string")},
                     {"audiences", arrayOf(type("string"))},
                     {"algorithms", arrayOf(type("string"))},
                     {"secret", type("string")},
                     {"public_key", type("string")},
                     {"jwks_url", type("string")},
                     {"consumer_claim", type("string")},
                     {"clock_skew_s", type("integer")},
                     {"jwks_cache_min_s", type("integer", "shortest a fetched JWKS is kept")},
                     {"jwks_cache_max_s", type("integer", "longest a fetched JWKS is kept")}},
                    {QStringLiteral("name")}));
    s.insert("Certificate",
             object({{"name", type("string")},
                     {"hosts", arrayOf(type("string", "SNI name, exact or *.example.test"))},
                     {"certificate", type("string", "PEM, the certificate then its chain")},
                     {"key", type("string", "PEM private key; written, never read back")},
                     {"details", type("object", "read-only: subject, issuer, names, not_after, "
                                                "days_left, status, warning")}},
                    {QStringLiteral("name"), QStringLiteral("certificate")}));
    s.insert("Config", object({{"format_version", type("integer")},
                               {"settings", ref("Settings")},
                               {"services", arrayOf(ref("Service"))},
                               {"routes", arrayOf(ref("Route"))},
                               {"consumers", arrayOf(ref("Consumer"))},
                               {"plans", arrayOf(ref("Plan"))},
                               {"jwt_providers", arrayOf(ref("JwtProvider"))},
                               {"certificates", arrayOf(ref("Certificate"))}},
                              {QStringLiteral("format_version")}));
    s.insert("Page", object({{"data", arrayOf(type("object"))},
                             {"offset", type("integer")},
                             {"limit", type("integer")},
                             {"total", type("integer")},
                             {"next", type("string", "the next page, or null")}}));
    s.insert("Version", object({{"revision", type("integer")},
                                {"applied_at", type("string")},
                                {"source", type("string", "init, gui, admin, import, rollback")},
                                {"summary", type("string")}}));
    return s;
}

// One operation; `body` names the request schema, `ok` the success status and its schema.
TreeValue operation(const char *summary, const char *body, const char *okStatus,
                    const char *okSchema, bool write)
{
    TreeValue responses = TreeValue::map();
    responses.insert(okStatus, response("success", okSchema));
    if (body || write)
        responses.insert("400", response("invalid input; errors name each field", "Error"));
    responses.insert("401", response("missing or wrong admin token", "Error"));
    responses.insert("404", response("not found", "Error"));
    if (write)
        responses.insert("409", response("conflict: the configuration changed (If-Match) or "
                                          "the name is taken",
                                          "Error"));
    TreeValue op = TreeValue::map();
    op.insert("summary", summary);
    if (body) {
        TreeValue request = TreeValue::map();
        request.insert("required", true).insert("content", jsonContent(ref(body)));
        op.insert("requestBody", std::move(request));
    }
    op.insert("responses", std::move(responses));
    return op;
}

void addCrud(TreeValue &paths, const char *plural, const char *schema)
{
    const QByteArray list = QByteArray("/") + plural;
    const QByteArray one = list + "/{name}";
    TreeValue listPath = TreeValue::map();
    listPath.insert("get", operation("list (?offset=&limit=)", nullptr, "200", "Page", false));
    listPath.insert("post", operation("create", schema, "201", schema, true));
    paths.insert(list.constData(), std::move(listPath));
    TreeValue onePath = TreeValue::map();
    onePath.insert("get", operation("read one", nullptr, "200", schema, false));
    onePath.insert("put", operation("create or replace", schema, "200", schema, true));
    onePath.insert("patch", operation("change the given fields (null resets one)", schema, "200",
                                      schema, true));
    onePath.insert("delete", operation("remove", nullptr, "204", nullptr, true));
    paths.insert(one.constData(), std::move(onePath));
}

} // namespace

TreeValue adminOpenApiDocument()
{
    TreeValue paths = TreeValue::map();
    TreeValue p = TreeValue::map();
    p.insert("get", operation("engine and store status", nullptr, "200", nullptr, false));
    paths.insert("/status", std::move(p));
    p = TreeValue::map();
    p.insert("get", operation("export (?format=yaml for YAML; ?include_keys=true adds the "
                              "certificates' private keys)",
                              nullptr, "200", "Config", false));
    p.insert("put", operation("replace everything, atomically", "Config", "200", nullptr, true));
    paths.insert("/config", std::move(p));
    p = TreeValue::map();
    p.insert("post", operation("validate without storing", "Config", "200", nullptr, false));
    paths.insert("/config/validate", std::move(p));
    p = TreeValue::map();
    p.insert("get", operation("applied versions, newest first", nullptr, "200", "Page", false));
    paths.insert("/config/history", std::move(p));
    p = TreeValue::map();
    p.insert("get", operation("the configuration at a revision", nullptr, "200", "Config", false));
    paths.insert("/config/history/{revision}", std::move(p));
    p = TreeValue::map();
    p.insert("post", operation("go back to a revision ({\"revision\": N})", nullptr, "200",
                               nullptr, true));
    paths.insert("/config/rollback", std::move(p));
    addCrud(paths, "services", "Service");
    addCrud(paths, "routes", "Route");
    addCrud(paths, "consumers", "Consumer");
    addCrud(paths, "plans", "Plan");
    addCrud(paths, "jwt_providers", "JwtProvider");
    addCrud(paths, "certificates", "Certificate");
    p = TreeValue::map();
    p.insert("get", operation("a consumer's keys (metadata only)", nullptr, "200", nullptr, false));
    p.insert("post", operation("new key, returned this once ({\"expires\": ...} optional)",
                               nullptr, "201", "NewApiKey", true));
    paths.insert("/consumers/{name}/keys", std::move(p));
    p = TreeValue::map();
    p.insert("get", operation("one key's metadata", nullptr, "200", "ApiKey", false));
    p.insert("delete", operation("revoke (takes effect at once)", nullptr, "204", nullptr, true));
    paths.insert("/consumers/{name}/keys/{id}", std::move(p));
    p = TreeValue::map();
    p.insert("post", operation("new key replacing this one, which expires after the grace period "
                               "({\"grace_s\": N, \"expires\": ...} optional)",
                               nullptr, "201", "NewApiKey", true));
    paths.insert("/consumers/{name}/keys/{id}/rotate", std::move(p));
    p = TreeValue::map();
    p.insert("get", operation("each limit of the consumer: used, remaining, reset (counts nothing)",
                              nullptr, "200", nullptr, false));
    paths.insert("/consumers/{name}/usage", std::move(p));
    p = TreeValue::map();
    p.insert("get", operation("Prometheus metrics (text)", nullptr, "200", nullptr, false));
    paths.insert("/metrics", std::move(p));
    p = TreeValue::map();
    p.insert("get", operation("recent captured requests, oldest first (?limit=N, ?after=SEQ, "
                              "?format=har for HAR 1.2)",
                              nullptr, "200", nullptr, false));
    paths.insert("/traffic", std::move(p));

    TreeValue bearer = TreeValue::map();
    bearer.insert("type", "http").insert("scheme", "bearer");
    TreeValue securitySchemes = TreeValue::map();
    securitySchemes.insert("adminToken", std::move(bearer));
    TreeValue components = TreeValue::map();
    components.insert("schemas", schemas()).insert("securitySchemes", std::move(securitySchemes));
    TreeValue requirement = TreeValue::map();
    requirement.insert("adminToken", TreeValue::list());
    TreeValue security = TreeValue::list();
    security.append(std::move(requirement));
    security.append(TreeValue::map()); // loopback callers without a token configured

    TreeValue info = TreeValue::map();
    info.insert("title", "Portico Admin API")
        .insert("version", PORTICO_VERSION)
        .insert("description",
                "Configuration, API keys and status of a Portico gateway. Writes send "
                "If-Match with a revision (the ETag of a read) to be refused with 409 instead "
                "of overwriting someone else's change.");
    TreeValue document = TreeValue::map();
    document.insert("openapi", "3.0.3")
        .insert("info", std::move(info))
        .insert("security", std::move(security))
        .insert("paths", std::move(paths))
        .insert("components", std::move(components));
    return document;
}

} // namespace portico
