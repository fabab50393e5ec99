#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <array>
#include <utility>
#include <vector>

namespace portico {

// The declarative configuration (format_version 1, see docs/configuration.md) as plain values.
// It is what import, export, the store and validation speak; the engine runs a compiled
// Snapshot made from it. Durations are in milliseconds, sizes in bytes.

struct HttpLimitsConfig
{
    int maxUriBytes = 8 * 1024;             // 414 beyond
    int maxHeaderBytes = 32 * 1024;         // request line + headers; 431 beyond
    qint64 maxBodyBytes = 10 * 1024 * 1024; // default per route; 413 beyond
    int headerTimeoutMs = 10'000;           // 408 when the head has not arrived in time
    int idleTimeoutMs = 60'000;             // idle keep-alive client connections close after this
    friend bool operator==(const HttpLimitsConfig &, const HttpLimitsConfig &) = default;
};

// What the gateway keeps of the traffic it serves: the capture ring behind the inspector and
// GET /traffic, the metrics, the access log.
struct ObserveConfig
{
    // When requests are captured, headers included: "watched" (while the desktop inspector is
    // open or a client read GET /traffic in the last minute), "always" or "off".
    QString capture = QStringLiteral("watched");
    int captureRecords = 1000;                 // requests the ring keeps; 0 = capture nothing
    qint64 captureBytes = 16 * 1024 * 1024;    // and the memory they may take at most
    int captureBodyKib = 0;                    // first KiB of each body kept too; 0 = none
    // Header fields redacted in captures and logs besides the ones always redacted
    // (Authorization, Proxy-Authorization, X-API-Key, Cookie, Set-Cookie).
    QStringList redactHeaders;
    bool metricsPerConsumer = false;           // per-consumer series on GET /metrics
    QString accessLog;                         // JSON-lines file; empty = no access log
    qint64 accessLogMaxBytes = 64 * 1024 * 1024; // rotated when it would grow past this
    int accessLogFiles = 5;                    // rotated files kept beside it (.1 is the newest)
    friend bool operator==(const ObserveConfig &, const ObserveConfig &) = default;
};

struct SettingsConfig
{
    QString listen = QStringLiteral("127.0.0.1:8080");
    QString adminListen = QStringLiteral("127.0.0.1:8081");
    QString adminToken;
    int workers = 0; // 0 = one per core
    QString rateLimitStore = QStringLiteral("local");
    // Which rate-limit headers responses carry: ietf (RateLimit-Policy/RateLimit), legacy
    // (X-RateLimit-*), both or none.
    QString rateLimitHeaders = QStringLiteral("ietf");
    // What limits do while Redis is unreachable: local (count in this process), open, closed.
    QString rateLimitRedisDown = QStringLiteral("local");
    int rateLimitRedisTimeoutMs = 200; // a Redis call slower than this counts as unreachable
    QString quotaTimezone = QStringLiteral("UTC"); // IANA zone; day/month quotas reset there
    HttpLimitsConfig limits;
    int upstreamIdleTimeoutMs = 60'000; // pooled upstream connections close after this
    int upstreamPoolSize = 64;          // idle connections kept per worker and target
    int ejectAfterFailures = 3;         // consecutive connect failures before a target is ejected
    int ejectDurationMs = 10'000;       // how long an ejected target stays out
    int shutdownTimeoutMs = 10'000;     // in-flight requests may finish within this on shutdown
    // HTTPS: the address served over TLS with the configuration's certificates; empty = none.
    QString listenTls;
    bool redirectHttp = false; // the plain listener answers 308 with the https:// URL instead
    int hstsMaxAgeS = 0;       // Strict-Transport-Security on HTTPS responses; 0 = not sent
    int certificateWarningDays = 30; // certificates expiring within this many days are flagged
    ObserveConfig observe;
    friend bool operator==(const SettingsConfig &, const SettingsConfig &) = default;
};

struct TargetConfig
{
    QString url; // http://host:port[/base-path]
    int weight = 100;
    friend bool operator==(const TargetConfig &, const TargetConfig &) = default;
};

struct ServiceConfig
{
    QString name;
    std::vector<TargetConfig> targets;
    int connectTimeoutMs = 2'000;
    int readTimeoutMs = 30'000;
    bool preserveHost = true; // false: send the target's host:port as Host
    int retries = 1;          // extra tries on another target when a connect fails (idempotent)
    // For https:// targets: whether their certificate is verified, against these PEM CA
    // certificates (empty = the system's), for this name (empty = the target's host; also
    // the SNI name sent); the certificate (a name in Config::certificates) presented to them.
    bool tlsVerify = true;
    QString caBundle;
    QString tlsServerName;
    QString clientCertificate;
    friend bool operator==(const ServiceConfig &, const ServiceConfig &) = default;
};

// Request limits per window; 0 = no limit in that window. Plans and routes both use it.
struct LimitsConfig
{
    qint64 second = 0;
    qint64 minute = 0;
    qint64 hour = 0;
    qint64 day = 0;
    qint64 month = 0;
    bool isEmpty() const { return !second && !minute && !hour && !day && !month; }
    // Each window with its name in the declarative format (Kong's too), shortest first.
    std::array<std::pair<const char *, qint64>, 5> windows() const
    {
        return {{{"second", second}, {"minute", minute}, {"hour", hour}, {"day", day},
                 {"month", month}}};
    }
    std::array<std::pair<const char *, qint64 *>, 5> mutableWindows()
    {
        return {{{"second", &second}, {"minute", &minute}, {"hour", &hour}, {"day", &day},
                 {"month", &month}}};
    }
    friend bool operator==(const LimitsConfig &, const LimitsConfig &) = default;
};

struct RouteConfig
{
    QString name;
    QStringList paths;   // "/p" prefix on segment boundaries, "=/p" exact, "~re" regex
    QStringList hosts;   // exact or "*.example.test"
    QStringList methods; // empty = any
    bool stripPath = false;
    QString service;
    QStringList auth;         // "key", "jwt" or both (either passes); empty = public
    qint64 maxBodyBytes = -1; // -1 = settings.limits.maxBodyBytes
    bool enabled = true;
    LimitsConfig rateLimit; // per consumer, or per client IP for anonymous callers
    // Where an API key travels: this header, "Authorization: Bearer", and the `apikey` query
    // parameter when keyInQuery.
    QString keyHeader = QStringLiteral("X-API-Key");
    bool keyInQuery = false;
    QStringList jwtProviders; // providers whose tokens this route accepts; empty = all
    bool jwtAnonymous = false; // a valid token naming no consumer passes, without a consumer
    QStringList allowGroups;   // consumer groups let in; empty = every consumer (403 otherwise)
    QStringList denyGroups;    // consumer groups refused (403); wins over allowGroups
    QStringList allowIps;      // client addresses let in, CIDR or single; empty = all (403)
    QStringList denyIps;       // client addresses refused (403); wins over allowIps
    friend bool operator==(const RouteConfig &, const RouteConfig &) = default;
};

// An API key as the store keeps it: never the plaintext, only its hash (ApiKeyHash.h).
struct ApiKeyConfig
{
    QString id;       // stable, unique in the configuration ("key_" + 16 hex digits)
    QString hash;     // "sha256:" + 64 lowercase hex digits
    QString prefix;   // the first characters of the key, to recognise it in lists
    QDateTime created; // UTC, whole seconds
    QDateTime expires; // invalid = never
    QDateTime revoked; // invalid = not revoked
    friend bool operator==(const ApiKeyConfig &, const ApiKeyConfig &) = default;
};

struct ConsumerConfig
{
    QString name;
    QString plan; // empty = no plan (only route limits apply)
    QString customId;   // the consumer's id in the caller's own systems; sent as X-Consumer-Id
    QStringList groups; // for the routes' allowGroups/denyGroups
    std::vector<ApiKeyConfig> keys;
    friend bool operator==(const ConsumerConfig &, const ConsumerConfig &) = default;
};

struct PlanConfig
{
    QString name;
    LimitsConfig limits;
    friend bool operator==(const PlanConfig &, const PlanConfig &) = default;
};

// Who issues the JSON Web Tokens a route with `auth: [jwt]` accepts, and how they are verified.
struct JwtProviderConfig
{
    QString name;
    QString issuer;
    QStringList audiences;
    QStringList algorithms;
    QString secret;    // HS*
    QString publicKey; // PEM
    QString jwksUrl;
    QString consumerClaim = QStringLiteral("sub");
    int clockSkewS = 60;
    // A fetched JWKS is kept for its Cache-Control max-age, held within these bounds.
    int jwksCacheMinS = 60;
    int jwksCacheMaxS = 86'400;
    friend bool operator==(const JwtProviderConfig &, const JwtProviderConfig &) = default;
};

// A certificate with its key, served by the HTTPS listener to the names it is for, or presented
// to upstreams as a client certificate (ServiceConfig::clientCertificate).
struct CertificateConfig
{
    QString name;
    // SNI names it is served for, exact or "*.example.test"; empty = the names the certificate
    // itself carries (subject alternative names). The first certificate is the default.
    QStringList hosts;
    QString certificate; // PEM: the certificate first, then its chain
    QString key;         // PEM private key, unencrypted; leaves the store only when asked for
    friend bool operator==(const CertificateConfig &, const CertificateConfig &) = default;
};

struct Config
{
    int formatVersion = 1;
    SettingsConfig settings;
    std::vector<ServiceConfig> services;
    std::vector<RouteConfig> routes;
    // A QList, implicitly shared: copying a Config (every edit, every engine snapshot) shares
    // the consumers instead of copying what may be 100,000 of them; only a change detaches.
    QList<ConsumerConfig> consumers;
    std::vector<PlanConfig> plans;
    std::vector<JwtProviderConfig> jwtProviders;
    std::vector<CertificateConfig> certificates;
    friend bool operator==(const Config &, const Config &) = default;
};

// Whether the engine validates a configuration it is given: one that came out of a ConfigStore
// was validated there, and validating 100,000 consumers again would double an edit's cost.
enum class ConfigCheck { Validate, AlreadyValidated };

// One problem in a configuration, with the path of the field it concerns, such as
// "routes[3].paths[0]".
struct ConfigError
{
    QString path;
    QString message;
    QString toString() const
    {
        return path.isEmpty() ? message : path + QStringLiteral(": ") + message;
    }
};
using ConfigErrors = std::vector<ConfigError>;

} // namespace portico
