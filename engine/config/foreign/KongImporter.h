#pragma once

#include "ForeignNames.h"
#include "ForeignReport.h"
#include "ForeignYaml.h"

#include <QHash>
#include <QSet>

#include <yaml-cpp/yaml.h>

#include <optional>
#include <vector>

namespace portico {

// Reads a decK document into a Config (importKong). Entities are read first, with their Kong
// names and ids recorded, then plugins are applied to what they are scoped to, then consumer
// limits become plans. Split over KongImport.cpp (the run, the root, building the Config),
// KongImportServices.cpp (upstreams, services, routes), KongImportConsumers.cpp (consumers,
// keys, groups, plans), KongImportPlugins.cpp (plugins) and KongImportAccess.cpp (key-auth,
// jwt, acl and ip-restriction).
// Tags "portico-plan:NAME" on a consumer's rate-limiting plugin name the plan it came from.
inline constexpr QLatin1StringView kPorticoPlanTag("portico-plan:");

class KongImporter
{
public:
    ForeignImport run(const QByteArray &text);

private:
    struct Upstream
    {
        QString source;
        std::vector<std::pair<QString, int>> targets; // "host:port", weight
        bool used = false;
    };
    struct Service
    {
        ServiceConfig service;
        QString source;
        QString upstreamSource; // where the targets came from, when an upstream
        bool enabled = true;
    };
    struct Route
    {
        RouteConfig route;
        QString source;
        qsizetype service = -1;             // index in m_services
        std::vector<qsizetype> hostSources; // route.hosts[i] came from hosts[hostSources[i]]
        qint64 regexPriority = 0;
        bool preserveHost = false;
        int rateLimitScope = 0; // 0 none, 1 global, 2 service, 3 route: the most specific wins
        int sizeLimitScope = 0;
        int keyAuthScope = 0; // where key_header and key_in_query came from
        int aclScope = 0;
        int ipScope = 0;
    };
    struct Consumer
    {
        ConsumerConfig consumer;
        QString source;
        std::vector<QString> keySources;
        std::optional<LimitsConfig> limits; // its own rate-limiting plugin
        QString limitsSource;
        QString planTag;    // "portico-plan:NAME" on that plugin
        QStringList groups; // Kong consumer group references (plans), not ACL groups
    };
    struct Group
    {
        QString name; // the plan name it becomes
        QString source;
        std::optional<LimitsConfig> limits;
        QString limitsSource;
        QStringList members; // Kong consumer references listed on the group
    };
    // A plugin and what it is scoped to (Kong names or ids, as written).
    struct Plugin
    {
        YAML::Node node;
        QString source;
        QString name;
        QString service, route, consumer, group;
    };

    // yaml-cpp access that never throws or inserts (ForeignYaml::at); a mapping key as text.
    static YAML::Node get(const YAML::Node &map, const char *key);
    static QString keyOf(const YAML::const_iterator &it);
    // An entity's index for a Kong reference: -1 when the reference is empty, -2 unknown.
    static qsizetype resolve(const QHash<QString, qsizetype> &refs, const QString &ref);

    // KongImport.cpp
    void readRoot(const YAML::Node &root);
    void orderRegexRoutes();
    void settlePreserveHost();
    Config buildConfig();

    // KongImportServices.cpp
    void readUpstream(const YAML::Node &node, const QString &path);
    void readService(const YAML::Node &node, const QString &path);
    bool readServiceTarget(const YAML::Node &node, const QString &path, Service &service);
    // tls_verify is carried; Kong's certificate references are reported.
    void readServiceTls(const YAML::Node &node, const QString &path, const QString &where,
                        Service &service);
    void readRoute(const YAML::Node &node, const QString &path, qsizetype service);
    bool readRouteHosts(const YAML::Node &node, const QString &path, const QString &where,
                        Route &route); // false: no host left, the route is left out
    bool readRouteMatch(const YAML::Node &node, const QString &path, const QString &where,
                        Route &route); // false: the route is left out
    QString readRoutePath(const QString &kongPath, const QString &where);

    // KongImportConsumers.cpp
    void readConsumer(const YAML::Node &node, const QString &path);
    void readKeyCredential(const YAML::Node &node, const QString &path, Consumer &consumer);
    // acls: [{group: ...}]: the consumer's groups (for routes' acl plugins).
    void readAcls(const YAML::Node &acls, const QString &path, const QString &where,
                  Consumer &consumer);
    void readGroup(const YAML::Node &node, const QString &path);
    void assignPlans();

    // KongImportPlugins.cpp
    void readPlugins(const YAML::Node &list, const QString &path, const Plugin &scope);
    void applyPlugins();
    void applyPlugin(const Plugin &plugin);
    std::vector<Route *> routesInScope(const Plugin &plugin, int &scope, QString &where);
    bool readLimits(const YAML::Node &config, const QString &path, const QString &where,
                    LimitsConfig &limits);
    // policy and redis_*, with fault_tolerant and redis_timeout for policy redis.
    void readCounterStore(const YAML::Node &config, const QString &where);
    void readClientHeaders(const YAML::Node &config); // hide_client_headers
    // A setting Portico has once but Kong per plugin: the first value wins, others reported.
    void settleRateSetting(QString &slot, const QString &value, const char *setting,
                           const QString &where);

    // KongImportAccess.cpp
    void applyKeyAuth(const Plugin &plugin, const YAML::Node &config, QString where);
    void applyJwt(const Plugin &plugin, const YAML::Node &config, QString where);
    void applyAcl(const Plugin &plugin, const YAML::Node &config, QString where);
    void applyIpRestriction(const Plugin &plugin, const YAML::Node &config, QString where);
    // config.allow and config.deny (or Kong 2's whitelist and blacklist).
    void readAllowDeny(const YAML::Node &config, const QString &path, QStringList &allow,
                       QStringList &deny);
    // The Portico name of a Kong ACL group: the same for every use, noted when it changes.
    QString aclGroup(const QString &kongGroup, const QString &where);
    // After every plugin: a route with groups but no auth is closed, not opened.
    void closeAclWithoutAuth();

    // Reports every key of `config` that is neither carried nor at Kong's default.
    void reportExtraConfig(const YAML::Node &config, const QString &where,
                           const QSet<QString> &carried, const QHash<QString, QString> &defaults);
    void reportTags(const YAML::Node &node);
    // A reference to another entity: its name or id, as a string or {name: ...}/{id: ...}.
    QString reference(const YAML::Node &node, const QString &path);
    QString nameFor(const QString &kongName, const QString &where, const QString &fallback,
                    QSet<QString> &taken);

    void notCarried(const QString &line) { m_report.notCarried.append(line); }
    void note(const QString &line) { m_report.notes.append(line); }

    ConfigErrors m_errors;
    ForeignReport m_report;
    ForeignYaml m_yaml{m_errors};
    SourcePaths m_paths;
    std::vector<CertificateConfig> m_certificates;
    std::vector<QString> m_certificateSources;
    bool m_legacyPaths = false; // _format_version before 3.0: regex paths have no "~"
    int m_taggedEntities = 0;
    int m_widePrefixes = 0;
    bool m_jwtUsed = false;

    QHash<QString, Upstream> m_upstreams; // by Kong name
    QStringList m_upstreamOrder;          // as in the file, for a stable report
    std::vector<Service> m_services;
    std::vector<Route> m_routes;
    std::vector<Consumer> m_consumers;
    std::vector<Group> m_groups;
    std::vector<Plugin> m_plugins;
    QHash<QString, qsizetype> m_serviceRefs, m_routeRefs, m_consumerRefs, m_groupRefs;
    QSet<QString> m_skippedServiceRefs; // services left out: their routes and plugins go too
    QSet<QString> m_serviceNames, m_routeNames, m_consumerNames, m_planNames, m_aclGroupNames;
    QHash<QString, QString> m_aclGroups; // Kong ACL group -> Portico group
    std::vector<PlanConfig> m_plans;
    std::vector<QString> m_planSources;
    std::optional<qint64> m_maxBodyBytes;
    QString m_counterStore;     // "redis://..." from a plugin's policy redis
    QString m_redisDown;        // "open" or "closed" from fault_tolerant, with policy redis
    QString m_redisTimeoutMs;   // from redis_timeout, with policy redis
    int m_rateLimitPlugins = 0; // rate-limiting plugins carried...
    int m_hiddenHeaders = 0;    // ...and how many of them had hide_client_headers true
    QDateTime m_now;
};

} // namespace portico
