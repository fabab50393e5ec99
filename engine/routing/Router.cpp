#include "Router.h"

#include <QVarLengthArray>

namespace portico {

namespace {

std::string_view keyOf(QByteArrayView bytes)
{
    return std::string_view(bytes.data(), size_t(bytes.size()));
}

bool isRegex(const QString &path)
{
    return path.startsWith(u'~');
}

// Config host -> map key: lowercase, IPv6 brackets and a trailing dot removed.
std::string hostKey(QString host)
{
    host = host.toLower();
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.sliced(1, host.size() - 2);
    if (host.endsWith(u'.'))
        host.chop(1);
    return host.toStdString();
}

// The route among those sharing a path key: one that lists the method beats one without a
// methods list; one whose list lacks the method does not match.
template<typename Candidates>
const auto *pickCandidate(const Candidates &candidates, QByteArrayView method)
{
    decltype(&candidates.front()) any = nullptr;
    for (const auto &candidate : candidates) {
        if (candidate.methods.empty()) {
            if (!any)
                any = &candidate;
            continue;
        }
        for (const QByteArray &allowed : candidate.methods) {
            if (allowed == method)
                return &candidate;
        }
    }
    return any;
}

// Keeps the '/' that ends a stripped prefix, so "/users/42" minus "/users/" is "/42".
qsizetype keepSlash(QByteArrayView path, qsizetype length)
{
    return length > 0 && path[length - 1] == '/' ? length - 1 : length;
}

} // namespace

// The path as UTF-16 for QRegularExpression, converted at most once per match() and only when
// a regex is tried. Latin-1 keeps one code unit per byte, so offsets are byte offsets (paths
// are ASCII after normalization; anything else is percent-encoded in routes).
class Router::Subject
{
public:
    explicit Subject(QByteArrayView path) : m_path(path) {}

    QStringView view()
    {
        if (m_buffer.isEmpty() && !m_path.isEmpty()) {
            m_buffer.resize(m_path.size());
            for (qsizetype i = 0; i < m_path.size(); ++i)
                m_buffer[i] = char16_t(uchar(m_path[i]));
        }
        return QStringView(m_buffer.constData(), m_buffer.size());
    }

private:
    QByteArrayView m_path;
    QVarLengthArray<char16_t, 256> m_buffer;
};

Router::Router(const std::vector<RouteConfig> &routes)
{
    for (size_t i = 0; i < routes.size(); ++i) {
        const RouteConfig &route = routes[i];
        if (!route.enabled)
            continue;
        ++m_routeCount;
        Candidate candidate;
        candidate.routeIndex = int(i);
        candidate.stripPath = route.stripPath;
        for (const QString &method : route.methods)
            candidate.methods.push_back(method.toLatin1());

        std::vector<PathTable *> tables;
        for (const QString &host : route.hosts) {
            if (host.startsWith(QStringLiteral("*.")))
                tables.push_back(&m_wildcardHosts[hostKey(host.sliced(1))]);
            else
                tables.push_back(&m_exactHosts[hostKey(host)]);
        }
        if (route.hosts.isEmpty())
            tables.push_back(&m_anyHost);
        for (PathTable *table : tables) {
            for (const QString &path : route.paths)
                addPath(*table, path, candidate);
        }
    }
    m_hasHostRoutes = !m_exactHosts.empty() || !m_wildcardHosts.empty();
}

void Router::addPath(PathTable &table, const QString &path, const Candidate &candidate)
{
    if (path.isEmpty())
        return;
    if (isRegex(path)) {
        const QString pattern = path.sliced(1);
        for (RegexRoute &entry : table.regexes) {
            if (entry.regex.pattern() == pattern) {
                entry.candidates.push_back(candidate);
                return;
            }
        }
        QRegularExpression regex(pattern);
        if (!regex.isValid())
            return; // validation rejects these; never match rather than fail
        regex.optimize(); // compile now, not on a worker's first request
        table.regexes.push_back({regex, {candidate}});
        return;
    }
    if (path.startsWith(u'=')) {
        table.exact[path.sliced(1).toStdString()].push_back(candidate);
        return;
    }
    const std::string key = path.toStdString();
    table.longestPrefix = std::max(table.longestPrefix, qsizetype(key.size()));
    table.prefixes[key].push_back(candidate);
}

std::optional<RouteMatch> Router::matchTable(const PathTable &table, QByteArrayView method,
                                             QByteArrayView path, Subject &subject) const
{
    if (!table.exact.empty()) {
        const auto it = table.exact.find(keyOf(path));
        if (it != table.exact.end()) {
            if (const Candidate *hit = pickCandidate(it->second, method))
                return RouteMatch{hit->routeIndex, hit->stripPath ? path.size() : 0};
        }
    }

    for (const RegexRoute &entry : table.regexes) {
        const Candidate *hit = pickCandidate(entry.candidates, method);
        if (!hit)
            continue; // no route for this method: skip the regex run
        const QRegularExpressionMatch found = entry.regex.match(subject.view());
        if (!found.hasMatch())
            continue;
        qsizetype strip = 0;
        if (hit->stripPath && found.capturedStart(0) == 0)
            strip = keepSlash(path, found.capturedEnd(0));
        return RouteMatch{hit->routeIndex, strip};
    }

    if (table.prefixes.empty())
        return std::nullopt;
    // Segment prefixes of the path, longest first: "/a/b" tries "/a/b", "/a/", "/a", "/".
    const auto tryPrefix = [&](QByteArrayView prefix) -> std::optional<RouteMatch> {
        if (prefix.size() > table.longestPrefix)
            return std::nullopt;
        const auto it = table.prefixes.find(keyOf(prefix));
        if (it == table.prefixes.end())
            return std::nullopt;
        const Candidate *hit = pickCandidate(it->second, method);
        if (!hit)
            return std::nullopt;
        return RouteMatch{hit->routeIndex, hit->stripPath ? keepSlash(path, prefix.size()) : 0};
    };
    if (auto hit = tryPrefix(path))
        return hit;
    for (qsizetype slash = path.lastIndexOf('/'); slash >= 0;
         slash = slash > 0 ? path.lastIndexOf('/', slash - 1) : -1) {
        if (slash + 1 < path.size()) {
            if (auto hit = tryPrefix(path.first(slash + 1)))
                return hit;
        }
        if (slash > 0) {
            if (auto hit = tryPrefix(path.first(slash)))
                return hit;
        }
    }
    return std::nullopt;
}

std::optional<RouteMatch> Router::match(QByteArrayView method, QByteArrayView host,
                                        QByteArrayView normalizedPath) const
{
    Subject subject(normalizedPath);
    if (m_hasHostRoutes) {
        // Host header -> lowercase name without port or brackets, on the stack.
        QByteArrayView name = host;
        if (name.startsWith('[')) {
            const qsizetype close = name.indexOf(']');
            name = close > 0 ? name.sliced(1, close - 1) : QByteArrayView();
        } else if (const qsizetype colon = name.indexOf(':'); colon >= 0) {
            name = name.first(colon);
        }
        if (name.endsWith('.'))
            name.chop(1);
        char buffer[256];
        if (!name.isEmpty() && name.size() <= qsizetype(sizeof buffer)) {
            for (qsizetype i = 0; i < name.size(); ++i) {
                const char c = name[i];
                buffer[i] = c >= 'A' && c <= 'Z' ? char(c + ('a' - 'A')) : c;
            }
            const QByteArrayView lower(buffer, name.size());

            if (const auto it = m_exactHosts.find(keyOf(lower)); it != m_exactHosts.end()) {
                if (auto hit = matchTable(it->second, method, normalizedPath, subject))
                    return hit;
            }
            // "*.b.example.test" before "*.example.test" for "a.b.example.test".
            if (!m_wildcardHosts.empty()) {
                for (qsizetype dot = lower.indexOf('.', 1); dot > 0;
                     dot = lower.indexOf('.', dot + 1)) {
                    const auto it = m_wildcardHosts.find(keyOf(lower.sliced(dot)));
                    if (it == m_wildcardHosts.end())
                        continue;
                    if (auto hit = matchTable(it->second, method, normalizedPath, subject))
                        return hit;
                }
            }
        }
    }
    return matchTable(m_anyHost, method, normalizedPath, subject);
}

} // namespace portico
