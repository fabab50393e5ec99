#include "ConfigValidator.h"

#include "Addresses.h"
#include "routing/PathNormalizer.h"

#include <QRegularExpression>
#include <QSet>
#include <QUrl>

#include <algorithm>

namespace portico {

namespace {

constexpr qint64 kHour = 3'600'000;
constexpr qint64 kDay = 24 * kHour;
constexpr qint64 kMiB = 1024 * 1024;

class Checker
{
public:
    void add(const QString &path, const QString &message) { m_errors.push_back({path, message}); }

    void range(const QString &path, qint64 value, qint64 min, qint64 max)
    {
        if (value < min || value > max)
            add(path, QStringLiteral("must be between %1 and %2").arg(min).arg(max));
    }

    void name(const QString &path, const QString &value)
    {
        const QString message = checkName(value);
        if (!message.isEmpty())
            add(path, message);
    }

    ConfigErrors take() { return std::move(m_errors); }

private:
    ConfigErrors m_errors;
};

QString at(const QString &path, qsizetype index)
{
    return path + QLatin1Char('[') + QString::number(index) + QLatin1Char(']');
}

bool isTokenChar(QChar c)
{
    // tchar (RFC 9110 5.6.2)
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9')
        || QStringView(u"!#$%&'*+-.^_`|~").contains(c);
}

bool isHexDigit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

QString checkPlainPath(const QString &path)
{
    if (!path.startsWith(u'/'))
        return QStringLiteral("must start with \"/\"");
    const QByteArray bytes = path.toUtf8();
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const char c = bytes[i];
        if (c == '%') {
            if (i + 2 >= bytes.size() || !isHexDigit(bytes[i + 1]) || !isHexDigit(bytes[i + 2]))
                return QStringLiteral("invalid percent-encoding");
            i += 2;
            continue;
        }
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || QByteArrayView("-._~!$&'()*+,;=:@/").contains(c);
        if (!ok)
            return QStringLiteral("invalid character '%1' (percent-encode it)")
                .arg(QString::fromUtf8(bytes.sliced(i, 1)));
    }
    // Requests are matched in normalized form, so any other spelling could never match.
    const auto normalized = normalizePath(bytes);
    if (!normalized)
        return QStringLiteral("invalid path (NUL or \"..\" above the root)");
    if (*normalized != bytes)
        return QStringLiteral("not in normalized form; write \"%1\"")
            .arg(QString::fromUtf8(*normalized));
    return {};
}

void checkSettings(Checker &check, const SettingsConfig &s)
{
    QString message;
    const auto listen = parseHostPort(s.listen, &message);
    if (!listen)
        check.add(QStringLiteral("settings.listen"), message);
    const auto admin = parseHostPort(s.adminListen, &message);
    if (!admin) {
        check.add(QStringLiteral("settings.admin_listen"), message);
    } else if (admin->port == 0) {
        check.add(QStringLiteral("settings.admin_listen"),
                  QStringLiteral("port must be between 1 and 65535"));
    } else {
        if (listen && listen->port == admin->port && listen->host == admin->host)
            check.add(QStringLiteral("settings.admin_listen"),
                      QStringLiteral("same address as settings.listen"));
        if (s.adminToken.isEmpty() && !isLoopbackHost(admin->host))
            check.add(QStringLiteral("settings.admin_token"),
                      QStringLiteral("required when admin_listen is not a loopback address"));
    }
    for (QChar c : s.adminToken) {
        if (c.unicode() <= 0x20 || c.unicode() >= 0x7f) {
            check.add(QStringLiteral("settings.admin_token"),
                      QStringLiteral("only visible ASCII characters are allowed"));
            break;
        }
    }
    check.range(QStringLiteral("settings.workers"), s.workers, 0, 256);
    if (s.rateLimitStore != QStringLiteral("local")) {
        const QUrl url(s.rateLimitStore, QUrl::StrictMode);
        const QString path = url.path();
        bool dbOk = path.isEmpty() || path == QStringLiteral("/");
        if (!dbOk)
            path.sliced(1).toUInt(&dbOk);
        if (!url.isValid() || url.scheme() != QStringLiteral("redis") || url.host().isEmpty()
            || !dbOk || url.hasQuery() || url.hasFragment())
            check.add(QStringLiteral("settings.rate_limit_store"),
                      QStringLiteral("expected \"local\" or redis://host[:port][/db]"));
    }
    const HttpLimitsConfig &l = s.limits;
    check.range(QStringLiteral("settings.max_uri_bytes"), l.maxUriBytes, 64, kMiB);
    check.range(QStringLiteral("settings.max_header_bytes"), l.maxHeaderBytes, 1024, 16 * kMiB);
    check.range(QStringLiteral("settings.max_body_bytes"), l.maxBodyBytes, 0, 1024 * 1024 * kMiB);
    check.range(QStringLiteral("settings.header_timeout_ms"), l.headerTimeoutMs, 1, kHour);
    check.range(QStringLiteral("settings.idle_timeout_ms"), l.idleTimeoutMs, 1, kDay);
    check.range(QStringLiteral("settings.upstream_idle_timeout_ms"), s.upstreamIdleTimeoutMs, 1,
                kDay);
    check.range(QStringLiteral("settings.upstream_pool_size"), s.upstreamPoolSize, 1, 100'000);
    check.range(QStringLiteral("settings.eject_after_failures"), s.ejectAfterFailures, 1, 1000);
    check.range(QStringLiteral("settings.eject_duration_ms"), s.ejectDurationMs, 1, kHour);
    check.range(QStringLiteral("settings.shutdown_timeout_ms"), s.shutdownTimeoutMs, 1, kHour);
}

void checkService(Checker &check, const QString &base, const ServiceConfig &service)
{
    check.name(base + QStringLiteral(".name"), service.name);
    const QString targetsPath = base + QStringLiteral(".targets");
    if (service.targets.empty()) {
        check.add(targetsPath, QStringLiteral("at least one target is required"));
    } else {
        bool anyWeight = false;
        for (size_t t = 0; t < service.targets.size(); ++t) {
            const TargetConfig &target = service.targets[t];
            const QString targetPath = at(targetsPath, qsizetype(t));
            QString message;
            const std::optional<TargetUrl> url = parseTargetUrl(target.url, &message);
            if (!url) {
                check.add(targetPath + QStringLiteral(".url"), message);
            } else if (url->scheme == QStringLiteral("https")) {
                // Refused rather than silently sent in clear text to the TLS port.
                check.add(targetPath + QStringLiteral(".url"),
                          QStringLiteral("https:// targets are not supported yet (TLS to "
                                         "upstreams is not implemented); use http://"));
            }
            check.range(targetPath + QStringLiteral(".weight"), target.weight, 0, 1000);
            anyWeight = anyWeight || target.weight > 0;
        }
        if (!anyWeight)
            check.add(targetsPath, QStringLiteral("at least one target needs a weight above 0"));
    }
    check.range(base + QStringLiteral(".connect_timeout_ms"), service.connectTimeoutMs, 1, kHour);
    check.range(base + QStringLiteral(".read_timeout_ms"), service.readTimeoutMs, 1, kDay);
    check.range(base + QStringLiteral(".retries"), service.retries, 0, 5);
}

void checkRoute(Checker &check, const QString &base, const RouteConfig &route,
                const QSet<QString> &services)
{
    check.name(base + QStringLiteral(".name"), route.name);
    if (route.paths.isEmpty())
        check.add(base + QStringLiteral(".paths"), QStringLiteral("at least one path is required"));
    for (qsizetype p = 0; p < route.paths.size(); ++p) {
        const QString message = checkRoutePath(route.paths[p]);
        if (!message.isEmpty())
            check.add(at(base + QStringLiteral(".paths"), p), message);
    }
    for (qsizetype h = 0; h < route.hosts.size(); ++h) {
        const QString message = checkRouteHost(route.hosts[h]);
        if (!message.isEmpty())
            check.add(at(base + QStringLiteral(".hosts"), h), message);
    }
    for (qsizetype m = 0; m < route.methods.size(); ++m) {
        const QString message = checkMethod(route.methods[m]);
        if (!message.isEmpty())
            check.add(at(base + QStringLiteral(".methods"), m), message);
    }
    const QString servicePath = base + QStringLiteral(".service");
    if (route.service.isEmpty())
        check.add(servicePath, QStringLiteral("missing"));
    else if (!services.contains(route.service))
        check.add(servicePath, QStringLiteral("unknown service \"%1\"").arg(route.service));
    for (qsizetype a = 0; a < route.auth.size(); ++a) {
        const QString &kind = route.auth[a];
        const QString path = at(base + QStringLiteral(".auth"), a);
        if (kind != QStringLiteral("key") && kind != QStringLiteral("jwt"))
            check.add(path, QStringLiteral("unknown auth \"%1\" (expected key or jwt)").arg(kind));
        else if (route.auth.indexOf(kind) < a)
            check.add(path, QStringLiteral("duplicate auth \"%1\"").arg(kind));
    }
    if (route.maxBodyBytes < -1)
        check.add(base + QStringLiteral(".max_body_bytes"),
                  QStringLiteral("must be -1 (the settings default) or at least 0"));
}

// Records name -> first index, and reports a repeat naming the earlier entry.
void checkUniqueName(Checker &check, QHash<QString, qsizetype> &seen, const QString &list,
                     qsizetype index, const QString &name)
{
    if (name.isEmpty())
        return;
    const auto it = seen.constFind(name);
    if (it == seen.cend()) {
        seen.insert(name, index);
        return;
    }
    check.add(at(list, index) + QStringLiteral(".name"),
              QStringLiteral("duplicate name \"%1\" (also %2)").arg(name, at(list, *it)));
}

} // namespace

QString checkName(const QString &name)
{
    if (name.isEmpty())
        return QStringLiteral("missing");
    if (name.size() > 128)
        return QStringLiteral("longer than 128 characters");
    for (QChar c : name) {
        const bool ok = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z')
            || (c >= u'0' && c <= u'9') || c == u'.' || c == u'_' || c == u'-';
        if (!ok)
            return QStringLiteral("only letters, digits, '.', '_' and '-' are allowed");
    }
    return {};
}

QString checkRoutePath(const QString &path)
{
    if (path.isEmpty())
        return QStringLiteral("empty path");
    if (path.startsWith(u'~')) {
        const QString pattern = path.sliced(1);
        if (pattern.isEmpty())
            return QStringLiteral("empty regex");
        const QRegularExpression re(pattern);
        if (!re.isValid())
            return QStringLiteral("invalid regex: %1 at offset %2")
                .arg(re.errorString())
                .arg(re.patternErrorOffset());
        return {};
    }
    if (path.startsWith(u'='))
        return checkPlainPath(path.sliced(1));
    if (!path.startsWith(u'/'))
        return QStringLiteral("must start with \"/\" (prefix), \"=/\" (exact) or \"~\" (regex)");
    return checkPlainPath(path);
}

QString checkRouteHost(const QString &host)
{
    if (host.isEmpty())
        return QStringLiteral("empty host");
    if (host.startsWith(QStringLiteral("*."))) {
        if (!isValidHostName(QStringView(host).sliced(2)))
            return QStringLiteral("invalid wildcard host (expected \"*.example.test\")");
        return {};
    }
    if (host.startsWith(u'[') && host.endsWith(u']')) {
        if (!isIpAddress(QStringView(host).sliced(1, host.size() - 2)))
            return QStringLiteral("invalid IPv6 address");
        return {};
    }
    if (host.contains(u':')) {
        if (isIpAddress(host))
            return QStringLiteral("IPv6 addresses need brackets, as in [::1]");
        return QStringLiteral("must not include a port");
    }
    if (host.contains(u'*'))
        return QStringLiteral("a wildcard is only allowed as the first label (\"*.example.test\")");
    if (!isValidHostName(host) && !isIpAddress(host))
        return QStringLiteral("invalid host name");
    return {};
}

QString checkMethod(const QString &method)
{
    if (method.isEmpty())
        return QStringLiteral("empty method");
    if (!std::all_of(method.cbegin(), method.cend(), isTokenChar))
        return QStringLiteral("invalid method \"%1\"").arg(method);
    if (method != method.toUpper())
        return QStringLiteral("methods are case-sensitive; write \"%1\"").arg(method.toUpper());
    return {};
}

ConfigErrors validateConfig(const Config &config)
{
    Checker check;
    if (config.formatVersion != 1)
        check.add(QStringLiteral("format_version"),
                  QStringLiteral("unsupported version %1 (expected 1)").arg(config.formatVersion));
    checkSettings(check, config.settings);

    QSet<QString> serviceNames;
    QHash<QString, qsizetype> seen;
    const QString servicesPath = QStringLiteral("services");
    for (qsizetype i = 0; i < qsizetype(config.services.size()); ++i) {
        const ServiceConfig &service = config.services[size_t(i)];
        checkService(check, at(servicesPath, i), service);
        checkUniqueName(check, seen, servicesPath, i, service.name);
        serviceNames.insert(service.name);
    }

    seen.clear();
    const QString routesPath = QStringLiteral("routes");
    for (qsizetype i = 0; i < qsizetype(config.routes.size()); ++i) {
        const RouteConfig &route = config.routes[size_t(i)];
        checkRoute(check, at(routesPath, i), route, serviceNames);
        checkUniqueName(check, seen, routesPath, i, route.name);
    }
    return check.take();
}

} // namespace portico
