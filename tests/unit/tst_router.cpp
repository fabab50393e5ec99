#include "routing/Router.h"

#include <QTest>

using namespace portico;

namespace {

RouteConfig route(const QString &name, const QStringList &paths, const QStringList &hosts = {},
                  const QStringList &methods = {}, bool strip = false)
{
    RouteConfig r;
    r.name = name;
    r.paths = paths;
    r.hosts = hosts;
    r.methods = methods;
    r.stripPath = strip;
    r.service = QStringLiteral("svc");
    return r;
}

// The matched route's name, or "" when nothing matches.
QString matchName(const Router &router, const std::vector<RouteConfig> &routes,
                  const QByteArray &path, const QByteArray &host = "example.test",
                  const QByteArray &method = "GET")
{
    const auto found = router.match(method, host, path);
    if (!found)
        return QString();
    return routes.at(size_t(found->routeIndex)).name;
}

qsizetype stripOf(const Router &router, const QByteArray &path, const QByteArray &method = "GET")
{
    const auto found = router.match(method, "example.test", path);
    return found ? found->stripLength : -1;
}

} // namespace

class TestRouter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyTable();
    void prefixOnSegmentBoundary();
    void prefixWithTrailingSlash();
    void rootMatchesEverything();
    void longestPrefixWins();
    void exactBeatsRegexBeatsPrefix();
    void exactIsExact();
    void regexFirstInConfigOrder();
    void regexIsUnanchored();
    void methodSpecificBeatsAny();
    void excludedMethodFallsThrough();
    void sameKeyFirstInConfigOrder();
    void hostGroups();
    void hostCaseAndPort();
    void wildcardLongestSuffixFirst();
    void hostGroupFallthrough();
    void hostBeatsPath();
    void ipv6Host();
    void disabledRoutesSkipped();
    void multiplePathsAndHosts();
    void encodedPaths();
    void stripLengths_data();
    void stripLengths();
    void largeTable();
};

void TestRouter::emptyTable()
{
    const Router router({});
    QCOMPARE(router.routeCount(), 0);
    QVERIFY(!router.match("GET", "example.test", "/").has_value());
}

void TestRouter::prefixOnSegmentBoundary()
{
    const std::vector<RouteConfig> routes{route("users", {"/users"})};
    const Router router(routes);
    QCOMPARE(matchName(router, routes, "/users"), QString("users"));
    QCOMPARE(matchName(router, routes, "/users/"), QString("users"));
    QCOMPARE(matchName(router, routes, "/users/42"), QString("users"));
    QCOMPARE(matchName(router, routes, "/users/42/orders/"), QString("users"));
    QCOMPARE(matchName(router, routes, "/usersx"), QString());
    QCOMPARE(matchName(router, routes, "/user"), QString());
    QCOMPARE(matchName(router, routes, "/"), QString());
    QCOMPARE(matchName(router, routes, "/api/users"), QString());
}

void TestRouter::prefixWithTrailingSlash()
{
    const std::vector<RouteConfig> routes{route("dir", {"/users/"})};
    const Router router(routes);
    QCOMPARE(matchName(router, routes, "/users/"), QString("dir"));
    QCOMPARE(matchName(router, routes, "/users/42"), QString("dir"));
    QCOMPARE(matchName(router, routes, "/users"), QString());
    QCOMPARE(matchName(router, routes, "/usersx/"), QString());
}

void TestRouter::rootMatchesEverything()
{
    const std::vector<RouteConfig> routes{route("root", {"/"})};
    const Router router(routes);
    for (const char *path : {"/", "/a", "/a/b/c", "/a/"})
        QCOMPARE(matchName(router, routes, path), QString("root"));
}

void TestRouter::longestPrefixWins()
{
    const std::vector<RouteConfig> routes{route("root", {"/"}), route("a", {"/a"}),
                                          route("ab", {"/a/b"}), route("abdir", {"/a/b/c/"})};
    const Router router(routes);
    QCOMPARE(matchName(router, routes, "/a/b/c"), QString("ab"));
    QCOMPARE(matchName(router, routes, "/a/b/c/"), QString("abdir"));
    QCOMPARE(matchName(router, routes, "/a/b/c/d"), QString("abdir"));
    QCOMPARE(matchName(router, routes, "/a/b"), QString("ab"));
    QCOMPARE(matchName(router, routes, "/a/bc"), QString("a"));
    QCOMPARE(matchName(router, routes, "/a"), QString("a"));
    QCOMPARE(matchName(router, routes, "/ab"), QString("root"));
    QCOMPARE(matchName(router, routes, "/x/y"), QString("root"));
}

void TestRouter::exactBeatsRegexBeatsPrefix()
{
    // Config order is deliberately the reverse of precedence.
    const std::vector<RouteConfig> routes{route("prefix", {"/users"}),
                                          route("regex", {"~^/users/[0-9]+$"}),
                                          route("exact", {"=/users/42"})};
    const Router router(routes);
    QCOMPARE(matchName(router, routes, "/users/42"), QString("exact"));
    QCOMPARE(matchName(router, routes, "/users/7"), QString("regex"));
    QCOMPARE(matchName(router, routes, "/users/x"), QString("prefix"));
    QCOMPARE(matchName(router, routes, "/users"), QString("prefix"));
    QCOMPARE(matchName(router, routes, "/users/42/"), QString("prefix"));
}

void TestRouter::exactIsExact()
{
    const std::vector<RouteConfig> routes{route("exact", {"=/a"}), route("dir", {"=/b/"})};
    const Router router(routes);
    QCOMPARE(matchName(router, routes, "/a"), QString("exact"));
    QCOMPARE(matchName(router, routes, "/a/"), QString());
    QCOMPARE(matchName(router, routes, "/a/b"), QString());
    QCOMPARE(matchName(router, routes, "/b/"), QString("dir"));
    QCOMPARE(matchName(router, routes, "/b"), QString());
}

void TestRouter::regexFirstInConfigOrder()
{
    const std::vector<RouteConfig> routes{route("broad", {"~^/v[0-9]/"}),
                                          route("narrow", {"~^/v1/items$"})};
    const Router router(routes);
    QCOMPARE(matchName(router, routes, "/v1/items"), QString("broad"));
    QCOMPARE(matchName(router, routes, "/v1"), QString());
}

void TestRouter::regexIsUnanchored()
{
    const std::vector<RouteConfig> routes{route("ver", {"~/v[0-9]+/"}, {}, {}, true)};
    const Router router(routes);
    QCOMPARE(matchName(router, routes, "/api/v2/x"), QString("ver"));
    QCOMPARE(stripOf(router, "/api/v2/x"), 0); // match not at position 0: nothing stripped
    QCOMPARE(stripOf(router, "/v2/x"), 3);
}

void TestRouter::methodSpecificBeatsAny()
{
    const std::vector<RouteConfig> routes{route("any", {"/x"}), route("get", {"/x"}, {}, {"GET"}),
                                          route("write", {"/x"}, {}, {"POST", "PUT"})};
    const Router router(routes);
    QCOMPARE(matchName(router, routes, "/x", "example.test", "GET"), QString("get"));
    QCOMPARE(matchName(router, routes, "/x", "example.test", "POST"), QString("write"));
    QCOMPARE(matchName(router, routes, "/x", "example.test", "PUT"), QString("write"));
    QCOMPARE(matchName(router, routes, "/x", "example.test", "DELETE"), QString("any"));
    QCOMPARE(matchName(router, routes, "/x", "example.test", "get"), QString("any"));

    // Same rule for exact and regex keys.
    const std::vector<RouteConfig> more{route("any", {"=/e", "~^/r$"}),
                                        route("get", {"=/e", "~^/r$"}, {}, {"GET"})};
    const Router router2(more);
    QCOMPARE(matchName(router2, more, "/e"), QString("get"));
    QCOMPARE(matchName(router2, more, "/r"), QString("get"));
    QCOMPARE(matchName(router2, more, "/e", "example.test", "HEAD"), QString("any"));
    QCOMPARE(matchName(router2, more, "/r", "example.test", "HEAD"), QString("any"));
}

void TestRouter::excludedMethodFallsThrough()
{
    const std::vector<RouteConfig> routes{route("post-exact", {"=/a/b"}, {}, {"POST"}),
                                          route("post-regex", {"~^/a/b"}, {}, {"POST"}),
                                          route("post-prefix", {"/a/b"}, {}, {"POST"}),
                                          route("a", {"/a"})};
    const Router router(routes);
    QCOMPARE(matchName(router, routes, "/a/b", "example.test", "POST"), QString("post-exact"));
    QCOMPARE(matchName(router, routes, "/a/b/c", "example.test", "POST"), QString("post-regex"));
    QCOMPARE(matchName(router, routes, "/a/b", "example.test", "GET"), QString("a"));
    QCOMPARE(matchName(router, routes, "/a/b/c", "example.test", "GET"), QString("a"));

    const std::vector<RouteConfig> only{route("post", {"/"}, {}, {"POST"})};
    const Router router2(only);
    QCOMPARE(matchName(router2, only, "/x", "example.test", "GET"), QString());
    QCOMPARE(matchName(router2, only, "/x", "example.test", "POST"), QString("post"));
}

void TestRouter::sameKeyFirstInConfigOrder()
{
    const std::vector<RouteConfig> routes{route("first", {"/a"}), route("second", {"/a"}),
                                          route("g1", {"/b"}, {}, {"GET"}),
                                          route("g2", {"/b"}, {}, {"GET"})};
    const Router router(routes);
    QCOMPARE(matchName(router, routes, "/a/x"), QString("first"));
    QCOMPARE(matchName(router, routes, "/b"), QString("g1"));
}

void TestRouter::hostGroups()
{
    const std::vector<RouteConfig> routes{route("none", {"/"}),
                                          route("wild", {"/"}, {"*.example.test"}),
                                          route("exact", {"/"}, {"api.example.test"})};
    const Router router(routes);
    QCOMPARE(matchName(router, routes, "/x", "api.example.test"), QString("exact"));
    QCOMPARE(matchName(router, routes, "/x", "www.example.test"), QString("wild"));
    QCOMPARE(matchName(router, routes, "/x", "a.b.example.test"), QString("wild"));
    QCOMPARE(matchName(router, routes, "/x", "example.test"), QString("none"));
    QCOMPARE(matchName(router, routes, "/x", "other.org"), QString("none"));
    QCOMPARE(matchName(router, routes, "/x", ""), QString("none"));
    QCOMPARE(matchName(router, routes, "/x", ".example.test"), QString("none"));
}

void TestRouter::hostCaseAndPort()
{
    const std::vector<RouteConfig> routes{route("exact", {"/"}, {"API.Example.Test"}),
                                          route("wild", {"/"}, {"*.Wild.Test"})};
    const Router router(routes);
    QCOMPARE(matchName(router, routes, "/", "api.example.test"), QString("exact"));
    QCOMPARE(matchName(router, routes, "/", "Api.EXAMPLE.test:8080"), QString("exact"));
    QCOMPARE(matchName(router, routes, "/", "api.example.test."), QString("exact"));
    QCOMPARE(matchName(router, routes, "/", "X.wild.TEST:1"), QString("wild"));
    QCOMPARE(matchName(router, routes, "/", "api.example.testx"), QString());
}

void TestRouter::wildcardLongestSuffixFirst()
{
    const std::vector<RouteConfig> routes{route("short", {"/"}, {"*.test"}),
                                          route("long", {"/"}, {"*.b.test"})};
    const Router router(routes);
    QCOMPARE(matchName(router, routes, "/", "a.b.test"), QString("long"));
    QCOMPARE(matchName(router, routes, "/", "x.a.b.test"), QString("long"));
    QCOMPARE(matchName(router, routes, "/", "a.c.test"), QString("short"));
    QCOMPARE(matchName(router, routes, "/", "b.test"), QString("short"));
}

void TestRouter::hostGroupFallthrough()
{
    const std::vector<RouteConfig> routes{route("exact-admin", {"/admin"}, {"api.test"}),
                                          route("wild-v1", {"/v1"}, {"*.test"}),
                                          route("long-wild", {"=/only"}, {"*.api.test"}),
                                          route("none", {"/"})};
    const Router router(routes);
    QCOMPARE(matchName(router, routes, "/admin/x", "api.test"), QString("exact-admin"));
    QCOMPARE(matchName(router, routes, "/v1/x", "api.test"), QString("wild-v1"));
    QCOMPARE(matchName(router, routes, "/other", "api.test"), QString("none"));
    QCOMPARE(matchName(router, routes, "/only", "x.api.test"), QString("long-wild"));
    QCOMPARE(matchName(router, routes, "/v1", "x.api.test"), QString("wild-v1"));
    QCOMPARE(matchName(router, routes, "/admin", "x.api.test"), QString("none"));

    // A host route whose methods exclude the request falls through to the next group too.
    const std::vector<RouteConfig> methods{route("host-post", {"/"}, {"api.test"}, {"POST"}),
                                           route("none", {"/"})};
    const Router router2(methods);
    QCOMPARE(matchName(router2, methods, "/", "api.test", "POST"), QString("host-post"));
    QCOMPARE(matchName(router2, methods, "/", "api.test", "GET"), QString("none"));
}

void TestRouter::hostBeatsPath()
{
    const std::vector<RouteConfig> routes{route("exact-path", {"=/users/42"}),
                                          route("host-root", {"/"}, {"api.test"})};
    const Router router(routes);
    QCOMPARE(matchName(router, routes, "/users/42", "api.test"), QString("host-root"));
    QCOMPARE(matchName(router, routes, "/users/42", "other.test"), QString("exact-path"));
}

void TestRouter::ipv6Host()
{
    const std::vector<RouteConfig> routes{route("v6", {"/"}, {"[::1]"}),
                                          route("v4", {"/"}, {"127.0.0.1"})};
    const Router router(routes);
    QCOMPARE(matchName(router, routes, "/", "[::1]:8080"), QString("v6"));
    QCOMPARE(matchName(router, routes, "/", "[::1]"), QString("v6"));
    QCOMPARE(matchName(router, routes, "/", "127.0.0.1:8080"), QString("v4"));
    QCOMPARE(matchName(router, routes, "/", "[::2]"), QString());
    QCOMPARE(matchName(router, routes, "/", "[::1"), QString());
}

void TestRouter::disabledRoutesSkipped()
{
    std::vector<RouteConfig> routes{route("off", {"/a"}), route("on", {"/"}),
                                    route("off2", {"=/b"})};
    routes[0].enabled = false;
    routes[2].enabled = false;
    const Router router(routes);
    QCOMPARE(router.routeCount(), 1);
    const auto found = router.match("GET", "h", "/a");
    QVERIFY(found);
    QCOMPARE(found->routeIndex, 1);
    QCOMPARE(matchName(router, routes, "/b"), QString("on"));
}

void TestRouter::multiplePathsAndHosts()
{
    const std::vector<RouteConfig> routes{
        route("multi", {"/a", "=/b", "~^/c[0-9]$"}, {"one.test", "*.two.test"}),
        route("fallback", {"/"})};
    const Router router(routes);
    QCOMPARE(router.routeCount(), 2);
    for (const char *host : {"one.test", "x.two.test"}) {
        QCOMPARE(matchName(router, routes, "/a/1", host), QString("multi"));
        QCOMPARE(matchName(router, routes, "/b", host), QString("multi"));
        QCOMPARE(matchName(router, routes, "/c7", host), QString("multi"));
        QCOMPARE(matchName(router, routes, "/d", host), QString("fallback"));
    }
    QCOMPARE(matchName(router, routes, "/a", "three.test"), QString("fallback"));
}

void TestRouter::encodedPaths()
{
    const std::vector<RouteConfig> routes{route("enc", {"/a%2Fb"}), route("a", {"/a"})};
    const Router router(routes);
    QCOMPARE(matchName(router, routes, "/a%2Fb/c"), QString("enc"));
    QCOMPARE(matchName(router, routes, "/a/b"), QString("a"));
}

void TestRouter::stripLengths_data()
{
    QTest::addColumn<QString>("configured");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<bool>("strip");
    QTest::addColumn<int>("expected");

    QTest::newRow("prefix sub-path") << "/users" << QByteArray("/users/42") << true << 6;
    QTest::newRow("prefix itself") << "/users" << QByteArray("/users") << true << 6;
    QTest::newRow("prefix dir") << "/users" << QByteArray("/users/") << true << 6;
    QTest::newRow("slash prefix") << "/users/" << QByteArray("/users/42") << true << 6;
    QTest::newRow("root prefix") << "/" << QByteArray("/x/y") << true << 0;
    QTest::newRow("deep prefix") << "/a/b" << QByteArray("/a/b/c") << true << 4;
    QTest::newRow("exact") << "=/a/b" << QByteArray("/a/b") << true << 4;
    QTest::newRow("regex at 0") << "~^/v[0-9]+" << QByteArray("/v2/x") << true << 3;
    QTest::newRow("regex slash end") << "~^/api/" << QByteArray("/api/x") << true << 4;
    QTest::newRow("regex whole") << "~^/api$" << QByteArray("/api") << true << 4;
    QTest::newRow("regex later") << "~/v[0-9]+" << QByteArray("/api/v2") << true << 0;
    QTest::newRow("no strip prefix") << "/users" << QByteArray("/users/42") << false << 0;
    QTest::newRow("no strip exact") << "=/a" << QByteArray("/a") << false << 0;
    QTest::newRow("no strip regex") << "~^/a" << QByteArray("/a/b") << false << 0;
}

void TestRouter::stripLengths()
{
    QFETCH(QString, configured);
    QFETCH(QByteArray, path);
    QFETCH(bool, strip);
    QFETCH(int, expected);
    const Router router({route("r", {configured}, {}, {}, strip)});
    QCOMPARE(stripOf(router, path), qsizetype(expected));
}

void TestRouter::largeTable()
{
    constexpr int kRoutes = 10'000;
    std::vector<RouteConfig> routes;
    routes.reserve(kRoutes + 2);
    for (int i = 0; i < kRoutes; ++i) {
        const QString n = QString::number(i);
        if (i % 2 == 0)
            routes.push_back(route("p" + n, {"/svc" + n + "/items"}, {}, {}, true));
        else
            routes.push_back(route("e" + n, {"=/exact/" + n}));
        if (i % 1000 == 7 || i % 1000 == 8)
            routes.back().hosts = {QStringLiteral("h%1.test").arg(i)};
    }
    routes.push_back(route("svc-root", {"/svc0"}));
    routes.push_back(route("method-only", {"/svc2/items/special"}, {}, {"DELETE"}));
    const Router router(routes);
    QCOMPARE(router.routeCount(), kRoutes + 2);

    for (int i = 0; i < kRoutes; i += 37) {
        const QByteArray n = QByteArray::number(i);
        if (i % 1000 == 7 || i % 1000 == 8)
            continue;
        if (i % 2 == 0) {
            const QByteArray path = "/svc" + n + "/items/" + n + "/detail";
            const auto found = router.match("GET", "example.test", path);
            QVERIFY2(found, path.constData());
            QCOMPARE(found->routeIndex, i);
            QCOMPARE(found->stripLength, qsizetype(("/svc" + n + "/items").size()));
            QCOMPARE(matchName(router, routes, "/svc" + n + "/itemsx"),
                     i == 0 ? QString("svc-root") : QString());
        } else {
            QCOMPARE(matchName(router, routes, "/exact/" + n), "e" + QString::number(i));
            QCOMPARE(matchName(router, routes, "/exact/" + n + "/x"), QString());
        }
    }
    QCOMPARE(matchName(router, routes, "/svc0/other"), QString("svc-root"));
    QCOMPARE(matchName(router, routes, "/svc2/items/special", "x", "DELETE"),
             QString("method-only"));
    QCOMPARE(matchName(router, routes, "/svc2/items/special", "x", "GET"), QString("p2"));
    QCOMPARE(matchName(router, routes, "/exact/1007"), QString());
    QCOMPARE(matchName(router, routes, "/exact/1007", "h1007.test"), QString("e1007"));
    QCOMPARE(matchName(router, routes, "/svc7008/items/1", "H7008.TEST:80"), QString("p7008"));
    QCOMPARE(matchName(router, routes, "/svc7008/items/1"), QString());
    QCOMPARE(matchName(router, routes, "/nothing/here"), QString());
}

QTEST_GUILESS_MAIN(TestRouter)
#include "tst_router.moc"
