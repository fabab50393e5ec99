#include "ConfigTree.h"

#include "Addresses.h"
#include "DeclarativeReader.h"

#include <algorithm>

namespace portico {

TreeValue settingsToTree(const SettingsConfig &s)
{
    const HttpLimitsConfig &l = s.limits;
    TreeValue tree = TreeValue::map();
    tree.insert("listen", s.listen)
        .insert("admin_listen", s.adminListen)
        .insert("admin_token", s.adminToken)
        .insert("workers", s.workers)
        .insert("rate_limit_store", s.rateLimitStore)
        .insert("rate_limit_headers", s.rateLimitHeaders)
        .insert("rate_limit_redis_down", s.rateLimitRedisDown)
        .insert("rate_limit_redis_timeout_ms", s.rateLimitRedisTimeoutMs)
        .insert("quota_timezone", s.quotaTimezone)
        .insert("max_uri_bytes", l.maxUriBytes)
        .insert("max_header_bytes", l.maxHeaderBytes)
        .insert("max_body_bytes", l.maxBodyBytes)
        .insert("header_timeout_ms", l.headerTimeoutMs)
        .insert("idle_timeout_ms", l.idleTimeoutMs)
        .insert("upstream_idle_timeout_ms", s.upstreamIdleTimeoutMs)
        .insert("upstream_pool_size", s.upstreamPoolSize)
        .insert("eject_after_failures", s.ejectAfterFailures)
        .insert("eject_duration_ms", s.ejectDurationMs)
        .insert("shutdown_timeout_ms", s.shutdownTimeoutMs)
        .insert("listen_tls", s.listenTls)
        .insert("redirect_http", s.redirectHttp)
        .insert("hsts_max_age_s", s.hstsMaxAgeS)
        .insert("certificate_warning_days", s.certificateWarningDays);
    const ObserveConfig &o = s.observe;
    tree.insert("capture_records", o.captureRecords)
        .insert("capture_bytes", o.captureBytes)
        .insert("capture", o.capture)
        .insert("capture_body_kib", o.captureBodyKib)
        .insert("redact_headers", TreeValue::flowList(o.redactHeaders))
        .insert("metrics_per_consumer", o.metricsPerConsumer)
        .insert("access_log", o.accessLog)
        .insert("access_log_max_bytes", o.accessLogMaxBytes)
        .insert("access_log_files", o.accessLogFiles);
    return tree;
}

TreeValue serviceToTree(const ServiceConfig &service)
{
    TreeValue targets = TreeValue::list();
    for (const TargetConfig &target : service.targets) {
        TreeValue t = TreeValue::map();
        t.insert("url", target.url).insert("weight", target.weight).setFlow();
        targets.append(std::move(t));
    }
    TreeValue tree = TreeValue::map();
    tree.insert("name", service.name)
        .insert("targets", std::move(targets))
        .insert("connect_timeout_ms", service.connectTimeoutMs)
        .insert("read_timeout_ms", service.readTimeoutMs)
        .insert("preserve_host", service.preserveHost)
        .insert("retries", service.retries);
    // How https:// targets are spoken to: written for a service that has one, elsewhere only
    // when set, so a plain-HTTP service reads as before.
    const bool https = std::any_of(service.targets.begin(), service.targets.end(),
                                   [](const TargetConfig &t) { return isHttpsTarget(t.url); });
    const ServiceConfig defaults;
    if (https || service.tlsVerify != defaults.tlsVerify)
        tree.insert("tls_verify", service.tlsVerify);
    if (https || !service.caBundle.isEmpty())
        tree.insert("ca_bundle", service.caBundle);
    if (https || !service.tlsServerName.isEmpty())
        tree.insert("tls_server_name", service.tlsServerName);
    if (https || !service.clientCertificate.isEmpty())
        tree.insert("client_certificate", service.clientCertificate);
    return tree;
}

TreeValue limitsToTree(const LimitsConfig &limits)
{
    TreeValue tree = TreeValue::map();
    tree.setFlow();
    for (const auto &[name, value] : limits.windows()) {
        if (value)
            tree.insert(name, value);
    }
    return tree;
}

TreeValue routeToTree(const RouteConfig &route)
{
    TreeValue tree = TreeValue::map();
    tree.insert("name", route.name)
        .insert("paths", TreeValue::flowList(route.paths))
        .insert("hosts", TreeValue::flowList(route.hosts))
        .insert("methods", TreeValue::flowList(route.methods))
        .insert("strip_path", route.stripPath)
        .insert("service", route.service)
        .insert("auth", TreeValue::flowList(route.auth))
        .insert("key_header", route.keyHeader)
        .insert("key_in_query", route.keyInQuery)
        .insert("jwt_providers", TreeValue::flowList(route.jwtProviders))
        .insert("jwt_anonymous", route.jwtAnonymous)
        .insert("allow_groups", TreeValue::flowList(route.allowGroups))
        .insert("deny_groups", TreeValue::flowList(route.denyGroups))
        .insert("allow_ips", TreeValue::flowList(route.allowIps))
        .insert("deny_ips", TreeValue::flowList(route.denyIps))
        .insert("max_body_bytes", route.maxBodyBytes)
        .insert("enabled", route.enabled);
    if (!route.rateLimit.isEmpty())
        tree.insert("rate_limit", limitsToTree(route.rateLimit));
    return tree;
}

TreeValue apiKeyToTree(const ApiKeyConfig &key)
{
    TreeValue tree = TreeValue::map();
    tree.insert("id", key.id)
        .insert("hash", key.hash)
        .insert("prefix", key.prefix)
        .insert("created", formatTimestamp(key.created));
    if (key.expires.isValid())
        tree.insert("expires", formatTimestamp(key.expires));
    if (key.revoked.isValid())
        tree.insert("revoked", formatTimestamp(key.revoked));
    return tree;
}

TreeValue consumerToTree(const ConsumerConfig &consumer)
{
    TreeValue keys = TreeValue::list();
    for (const ApiKeyConfig &key : consumer.keys)
        keys.append(apiKeyToTree(key));
    TreeValue tree = TreeValue::map();
    tree.insert("name", consumer.name)
        .insert("plan", consumer.plan)
        .insert("custom_id", consumer.customId)
        .insert("groups", TreeValue::flowList(consumer.groups))
        .insert("keys", std::move(keys));
    return tree;
}

TreeValue planToTree(const PlanConfig &plan)
{
    TreeValue tree = TreeValue::map();
    tree.insert("name", plan.name).insert("limits", limitsToTree(plan.limits));
    return tree;
}

TreeValue jwtProviderToTree(const JwtProviderConfig &p)
{
    TreeValue tree = TreeValue::map();
    tree.insert("name", p.name)
        .insert("issuer", p.issuer)
        .insert("audiences", TreeValue::flowList(p.audiences))
        .insert("algorithms", TreeValue::flowList(p.algorithms))
        .insert("secret", p.secret)
        .insert("public_key", p.publicKey)
        .insert("jwks_url", p.jwksUrl)
        .insert("consumer_claim", p.consumerClaim)
        .insert("clock_skew_s", p.clockSkewS)
        .insert("jwks_cache_min_s", p.jwksCacheMinS)
        .insert("jwks_cache_max_s", p.jwksCacheMaxS);
    return tree;
}

TreeValue certificateToTree(const CertificateConfig &certificate, PrivateKeys keys)
{
    TreeValue tree = TreeValue::map();
    tree.insert("name", certificate.name)
        .insert("hosts", TreeValue::flowList(certificate.hosts))
        .insert("certificate", certificate.certificate);
    if (keys == PrivateKeys::Include)
        tree.insert("key", certificate.key);
    return tree;
}

TreeValue configToTree(const Config &config, PrivateKeys keys)
{
    const auto listOf = [](const auto &items, auto toTree) {
        TreeValue list = TreeValue::list();
        for (const auto &value : items)
            list.append(toTree(value));
        return list;
    };
    TreeValue tree = TreeValue::map();
    tree.insert("format_version", config.formatVersion)
        .insert("settings", settingsToTree(config.settings))
        .insert("services", listOf(config.services, serviceToTree))
        .insert("routes", listOf(config.routes, routeToTree))
        .insert("consumers", listOf(config.consumers, consumerToTree))
        .insert("plans", listOf(config.plans, planToTree))
        .insert("jwt_providers", listOf(config.jwtProviders, jwtProviderToTree))
        .insert("certificates", listOf(config.certificates, [keys](const auto &c) {
                    return certificateToTree(c, keys);
                }));
    return tree;
}

} // namespace portico
