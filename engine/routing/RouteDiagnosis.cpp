#include "RouteDiagnosis.h"

#include "routing/Router.h"

namespace portico {

namespace {

QString pathsOf(const RouteConfig &route)
{
    return route.paths.join(QStringLiteral(", "));
}

QString named(const RouteConfig &route)
{
    return QStringLiteral("%1 (%2)").arg(route.name, pathsOf(route));
}

// The route `routes` would match with the given changes made to every route.
template<typename Relax>
const RouteConfig *matchRelaxed(const std::vector<RouteConfig> &routes, Relax relax,
                                QByteArrayView method, QByteArrayView host, QByteArrayView path)
{
    std::vector<RouteConfig> relaxed = routes;
    for (RouteConfig &route : relaxed)
        relax(route);
    const std::optional<RouteMatch> match = Router(relaxed).match(method, host, path);
    return match ? &routes[size_t(match->routeIndex)] : nullptr;
}

// How many leading bytes a literal (prefix or exact) path shares with the request's ("/user"
// is near "/users"); regex paths do not compare.
qsizetype sharedLength(const QString &configured, QByteArrayView path)
{
    if (configured.startsWith(u'~'))
        return -1;
    const QByteArray literal =
        (configured.startsWith(u'=') ? configured.mid(1) : configured).toUtf8();
    qsizetype shared = 0;
    while (shared < literal.size() && shared < path.size() && literal[shared] == path[shared])
        ++shared;
    return shared;
}

QString nearestByPath(const std::vector<RouteConfig> &routes, QByteArrayView path)
{
    const RouteConfig *best = nullptr;
    qsizetype bestShared = -1;
    for (const RouteConfig &route : routes) {
        for (const QString &configured : route.paths) {
            const qsizetype shared = sharedLength(configured, path);
            if (shared > bestShared) {
                bestShared = shared;
                best = &route;
            }
        }
    }
    const QString text =
        QStringLiteral("no route matches path %1").arg(QString::fromUtf8(path.data(), path.size()));
    // Sharing the root alone, every route is as near as any other: none is named.
    return best && bestShared > 1 ? text + QStringLiteral("; nearest: ") + named(*best) : text;
}

QString quoted(QByteArrayView bytes)
{
    return QString::fromUtf8(bytes.data(), bytes.size());
}

} // namespace

QString explainNoMatch(const std::vector<RouteConfig> &routes, QByteArrayView method,
                       QByteArrayView host, QByteArrayView normalizedPath)
{
    if (routes.empty())
        return QStringLiteral("no routes are configured");
    const RouteConfig *byPath = matchRelaxed(
        routes,
        [](RouteConfig &r) {
            r.enabled = true;
            r.hosts.clear();
            r.methods.clear();
        },
        method, host, normalizedPath);
    if (!byPath)
        return nearestByPath(routes, normalizedPath);

    const QString path = quoted(normalizedPath);
    if (!byPath->enabled)
        return QStringLiteral("route %1 matches path %2 but is disabled").arg(named(*byPath), path);
    // That route alone, by path and host: does its host list take the request's host?
    RouteConfig alone = *byPath;
    alone.methods.clear();
    if (!Router({alone}).match(method, host, normalizedPath)) {
        return QStringLiteral("route %1 matches path %2 but not host %3 (hosts: %4)")
            .arg(named(*byPath), path, host.isEmpty() ? QStringLiteral("(none)") : quoted(host),
                 byPath->hosts.join(QStringLiteral(", ")));
    }
    return QStringLiteral("route %1 matches path %2 and the host but not method %3 "
                          "(methods: %4)")
        .arg(named(*byPath), path, quoted(method), byPath->methods.join(QStringLiteral(", ")));
}

} // namespace portico
