#pragma once

#include "config/Config.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QRegularExpression>

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace portico {

struct RouteMatch
{
    int routeIndex = -1;
    // Leading bytes of the normalized path to remove when the route has strip_path (else 0).
    // The rest is empty (the caller sends "/") or starts with '/', except after a regex match
    // that ends inside a segment.
    qsizetype stripLength = 0;
};

// The compiled route table of one snapshot: immutable after construction, so match() may run on
// every worker at once. Precedence and costs are described in docs/routing.md.
class Router
{
public:
    // routes must have been validated; disabled routes are left out. routeIndex in a match is
    // the index in this vector.
    explicit Router(const std::vector<RouteConfig> &routes);

    // host is the Host header as received (any case, optional port, IPv6 in brackets);
    // normalizedPath comes from normalizePath().
    std::optional<RouteMatch> match(QByteArrayView method, QByteArrayView host,
                                    QByteArrayView normalizedPath) const;

    // Number of enabled routes in the table.
    int routeCount() const { return m_routeCount; }

private:
    struct Candidate
    {
        int routeIndex = -1;
        bool stripPath = false;
        std::vector<QByteArray> methods; // empty = any
    };
    // Routes sharing one path key, in config order.
    using Candidates = std::vector<Candidate>;

    struct KeyHash
    {
        using is_transparent = void;
        size_t operator()(std::string_view key) const noexcept
        {
            return std::hash<std::string_view>{}(key);
        }
    };
    // Transparent lookup: a request's QByteArrayView is looked up without building a key.
    template<typename Value>
    using Map = std::unordered_map<std::string, Value, KeyHash, std::equal_to<>>;

    struct RegexRoute
    {
        QRegularExpression regex;
        Candidates candidates;
    };

    // The routes of one host group.
    struct PathTable
    {
        Map<Candidates> exact;    // "=/x" keyed by "/x"
        Map<Candidates> prefixes; // "/x" keyed by "/x"
        std::vector<RegexRoute> regexes; // config order, one entry per distinct pattern
        qsizetype longestPrefix = 0;
    };

    class Subject;

    static void addPath(PathTable &table, const QString &path, const Candidate &candidate);
    std::optional<RouteMatch> matchTable(const PathTable &table, QByteArrayView method,
                                         QByteArrayView path, Subject &subject) const;

    Map<PathTable> m_exactHosts;    // lowercase, no brackets, no trailing dot
    Map<PathTable> m_wildcardHosts; // "*.example.test" keyed by ".example.test"
    PathTable m_anyHost;            // routes without hosts
    bool m_hasHostRoutes = false;
    int m_routeCount = 0;
};

} // namespace portico
