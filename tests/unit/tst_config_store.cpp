#include "TestCertificate.h"
#include "config/ApiKeys.h"
#include "config/ConfigStore.h"
#include "config/DeclarativeFormat.h"
#include "config/StoreSchema.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

using namespace portico;
using Status = StoreResult::Status;

namespace {

QString describe(const ConfigErrors &errors)
{
    QStringList lines;
    for (const ConfigError &e : errors)
        lines.append(e.toString());
    return lines.isEmpty() ? QStringLiteral("(no errors)") : lines.join(QStringLiteral("; "));
}

ApiKeyConfig makeKey(const QString &plaintext, qint64 createdSecs)
{
    ApiKeyConfig key;
    key.hash = hashApiKey(plaintext);
    key.id = apiKeyIdFromHash(key.hash);
    key.prefix = apiKeyDisplayPrefix(plaintext);
    key.created = QDateTime::fromSecsSinceEpoch(createdSecs, Qt::UTC);
    return key;
}

RouteConfig makeRoute(const QString &name, const QString &service)
{
    RouteConfig route;
    route.name = name;
    route.paths = {QLatin1Char('/') + name};
    route.service = service;
    return route;
}

// Every field away from its default, so that a field the store forgets shows.
// One certificate for the whole run: richConfig() must equal itself.
QString testCaBundle()
{
    static const QString pem =
        QString::fromLatin1(test::TestCertificate::selfSigned().certificatePem);
    return pem;
}

Config richConfig()
{
    Config c;
    SettingsConfig &s = c.settings;
    s.listen = QStringLiteral("0.0.0.0:9080");
    s.adminListen = QStringLiteral("127.0.0.1:9081");
    s.adminToken = QStringLiteral("t0ken-with-\"quotes\"");
    s.workers = 3;
    s.rateLimitStore = QStringLiteral("redis://127.0.0.1:6379/2");
    s.rateLimitHeaders = QStringLiteral("both");
    s.rateLimitRedisDown = QStringLiteral("closed");
    s.rateLimitRedisTimeoutMs = 350;
    s.quotaTimezone = QStringLiteral("Asia/Tokyo");
    s.limits = {1000, 4096, 5'000'000, 7000, 8000};
    s.upstreamIdleTimeoutMs = 1234;
    s.upstreamPoolSize = 7;
    s.ejectAfterFailures = 5;
    s.ejectDurationMs = 2222;
    s.shutdownTimeoutMs = 3333;

    ServiceConfig users;
    users.name = QStringLiteral("users");
    users.targets = {{QStringLiteral("http://127.0.0.1:9001"), 90},
                     {QStringLiteral("http://127.0.0.1:9002/base"), 10}};
    users.connectTimeoutMs = 1500;
    users.readTimeoutMs = 25'000;
    users.preserveHost = false;
    users.retries = 2;
    ServiceConfig orders;
    orders.name = QStringLiteral("orders");
    orders.targets = {{QStringLiteral("https://orders.internal"), 100}};
    orders.tlsVerify = false;
    orders.caBundle = testCaBundle();
    orders.tlsServerName = QStringLiteral("orders.example.test");
    c.services = {users, orders};

    RouteConfig r1 = makeRoute(QStringLiteral("users"), QStringLiteral("users"));
    r1.paths = {QStringLiteral("/users"), QStringLiteral("=/me"), QStringLiteral("~^/u/[0-9]+$")};
    r1.hosts = {QStringLiteral("api.example.test"), QStringLiteral("*.example.test")};
    r1.methods = {QStringLiteral("GET"), QStringLiteral("POST")};
    r1.stripPath = true;
    r1.auth = {QStringLiteral("key"), QStringLiteral("jwt")};
    r1.maxBodyBytes = 4096;
    r1.rateLimit = {1, 2, 3, 4, 5};
    r1.keyHeader = QStringLiteral("X-Users-Key");
    r1.keyInQuery = true;
    r1.jwtProviders = {QStringLiteral("remote"), QStringLiteral("local-idp")};
    r1.jwtAnonymous = true;
    r1.allowGroups = {QStringLiteral("staff"), QStringLiteral("partners")};
    r1.denyGroups = {QStringLiteral("suspended")};
    r1.allowIps = {QStringLiteral("10.0.0.0/8"), QStringLiteral("2001:db8::/32")};
    r1.denyIps = {QStringLiteral("10.9.9.9")};
    RouteConfig r2 = makeRoute(QStringLiteral("orders"), QStringLiteral("orders"));
    r2.enabled = false;
    RouteConfig r3 = makeRoute(QStringLiteral("more-users"), QStringLiteral("users"));
    c.routes = {r1, r2, r3};

    PlanConfig free;
    free.name = QStringLiteral("free");
    free.limits = {5, 100, 0, 10'000, 100'000};
    PlanConfig gold;
    gold.name = QStringLiteral("gold");
    gold.limits.hour = 1'000'000;
    c.plans = {free, gold};

    ConsumerConfig mobile;
    mobile.name = QStringLiteral("mobile-app");
    mobile.plan = QStringLiteral("free");
    ApiKeyConfig k1 = makeKey(QStringLiteral("pk_mobile_one"), 1'790'000'000);
    k1.expires = QDateTime::fromSecsSinceEpoch(1'890'000'000, Qt::UTC);
    ApiKeyConfig k2 = makeKey(QStringLiteral("pk_mobile_two"), 1'790'000'100);
    k2.revoked = QDateTime::fromMSecsSinceEpoch(1'795'000'000'123, Qt::UTC);
    mobile.keys = {k1, k2};
    mobile.customId = QStringLiteral("mobile-7");
    mobile.groups = {QStringLiteral("staff"), QStringLiteral("beta")};
    ConsumerConfig partner;
    partner.name = QStringLiteral("partner");
    partner.keys = {makeKey(QStringLiteral("pk_partner"), 1'790'000'200)};
    partner.customId = QStringLiteral("partner \"42\"");
    partner.groups = {QStringLiteral("partners")};
    ConsumerConfig keyless;
    keyless.name = QStringLiteral("keyless");
    keyless.plan = QStringLiteral("gold");
    c.consumers = {mobile, partner, keyless};

    JwtProviderConfig idp;
    idp.name = QStringLiteral("local-idp");
    idp.issuer = QStringLiteral("https://idp.example.test");
    idp.audiences = {QStringLiteral("orders-api"), QStringLiteral("users-api")};
    idp.algorithms = {QStringLiteral("HS256"), QStringLiteral("HS512")};
    idp.secret = QStringLiteral("s3cret");
    idp.consumerClaim = QStringLiteral("client_id");
    idp.clockSkewS = 30;
    JwtProviderConfig jwks;
    jwks.name = QStringLiteral("remote");
    jwks.issuer = QStringLiteral("https://login.example.test");
    jwks.algorithms = {QStringLiteral("RS256")};
    jwks.jwksUrl = QStringLiteral("https://login.example.test/jwks.json");
    jwks.jwksCacheMinS = 30;
    jwks.jwksCacheMaxS = 600;
    c.jwtProviders = {idp, jwks};
    return c;
}

// The bytes of a store as they are on disk: the file and its WAL.
QByteArray fileBytes(const QString &path)
{
    QByteArray bytes;
    for (const QString &name : {path, path + QStringLiteral("-wal")}) {
        QFile file(name);
        if (file.open(QIODevice::ReadOnly))
            bytes += name.toUtf8() + ':' + file.readAll();
    }
    return bytes;
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(bytes), bytes.size());
}

// A plain connection for looking at (or tampering with) a store behind its back.
class RawDb
{
public:
    explicit RawDb(const QString &path)
        : m_name(QStringLiteral("raw-%1").arg(QRandomGenerator::global()->generate64()))
    {
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        m_db.setDatabaseName(path);
        m_db.open();
    }
    ~RawDb()
    {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_name);
    }
    bool exec(const QString &sql)
    {
        QSqlQuery query(m_db);
        if (query.exec(sql))
            return true;
        qWarning("%s: %s", qPrintable(sql), qPrintable(query.lastError().text()));
        return false;
    }
    QVariant value(const QString &sql)
    {
        QSqlQuery query(m_db);
        return query.exec(sql) && query.next() ? query.value(0) : QVariant();
    }

private:
    QString m_name;
    QSqlDatabase m_db;
};

std::unique_ptr<ConfigStore> openStore(const QString &path, const Config &initial = Config())
{
    ConfigStore::OpenResult opened = ConfigStore::open(path, initial);
    if (!opened.store)
        qWarning("open failed: %s %s", qPrintable(opened.error),
                 qPrintable(describe(opened.errors)));
    return std::move(opened.store);
}

EditOutcome ok()
{
    return EditOutcome();
}

} // namespace

class TestConfigStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void createsWithInitialConfig();
    void invalidInitialCreatesNothing();
    void reopenEqualsStored();
    void exportImportExportIsByteIdentical();
    void editsWriteAndSurviveReopen();
    void keysMoveBetweenConsumers();
    void invalidChangesNothing();
    void unchangedWritesNothing();
    void changeFunctionOutcomes();
    void conflictBetweenInstances();
    void noLostEditWithoutExpectedRevision();
    void concurrentWritersQueue();
    void changedElsewhereAndReload();
    void historyOrderAndSummaries();
    void historyLimitAndPruning();
    void configAtAndRollback();
    void rollbackOfRollback();
    void reorderingAndRandomEditsRebuildExactly();
    void damagedFileIsKeptAside_data();
    void damagedFileIsKeptAside();
    void otherFileIsRefused();
    void tooNewIsLeftUntouched();
    void openingWritesNothing();
    void emptyFileIsInitialised();
    void migratesOlderSchemaWithData();
    void migratesVersion2Store();
    void migratesVersion3Store();
    void authenticationFieldsInHistory();
    void historyDocumentsWithoutNewFields();
    void invalidStoredConfigIsReported();
    void recordsKeyUse();
    void quotaUsage();
    void quotaUsageIsNotConfiguration();
};

void TestConfigStore::createsWithInitialConfig()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("a/b/portico.db"));
    ConfigStore::OpenResult opened = ConfigStore::open(path, richConfig());
    QVERIFY2(opened.store, qPrintable(opened.error));
    QCOMPARE(opened.status, ConfigStore::OpenResult::Status::Ok);
    QVERIFY(opened.created);
    QVERIFY(QFileInfo::exists(path));
    QCOMPARE(opened.store->revision(), 1);
    QVERIFY(opened.store->config() == richConfig());
    const std::vector<ConfigVersion> history = opened.store->history();
    QCOMPARE(history.size(), size_t(1));
    QCOMPARE(history[0].revision, 1);
    QCOMPARE(history[0].source, ConfigSource::Init);
    QVERIFY(history[0].appliedAt.isValid());
    QVERIFY(qAbs(history[0].appliedAt.secsTo(QDateTime::currentDateTimeUtc())) < 60);
    QCOMPARE(opened.store->historyLimit() >= 100, true);

    // Opening again finds it; `initial` is only for a new file.
    opened.store.reset();
    ConfigStore::OpenResult again = ConfigStore::open(path, Config());
    QVERIFY(again.store);
    QVERIFY(!again.created);
    QVERIFY(again.store->config() == richConfig());
}

void TestConfigStore::invalidInitialCreatesNothing()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("sub/portico.db"));
    Config bad = richConfig();
    bad.routes[0].service = QStringLiteral("nope");
    ConfigStore::OpenResult opened = ConfigStore::open(path, bad);
    QCOMPARE(opened.status, ConfigStore::OpenResult::Status::Invalid);
    QVERIFY(!opened.store);
    QCOMPARE(describe(opened.errors),
             QStringLiteral("routes[0].service: unknown service \"nope\""));
    QVERIFY(!QFileInfo::exists(path));
}

void TestConfigStore::reopenEqualsStored()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    openStore(path, richConfig()).reset();
    const std::unique_ptr<ConfigStore> store = openStore(path);
    QVERIFY(store);
    const Config &c = store->config();
    // operator== covers every field; spot checks make a failure readable.
    QCOMPARE(c.settings.adminToken, richConfig().settings.adminToken);
    QCOMPARE(c.routes[0].paths, richConfig().routes[0].paths);
    QCOMPARE(c.consumers[0].keys[1].revoked, richConfig().consumers[0].keys[1].revoked);
    QCOMPARE(c.consumers[0].keys[1].revoked.toMSecsSinceEpoch(), 1'795'000'000'123);
    QCOMPARE(c.consumers[2].keys.size(), size_t(0));
    QCOMPARE(c.jwtProviders[1].jwksUrl, richConfig().jwtProviders[1].jwksUrl);
    const RouteConfig &r = c.routes[0];
    QCOMPARE(r.keyHeader, QStringLiteral("X-Users-Key"));
    QCOMPARE(r.keyInQuery, true);
    QCOMPARE(r.jwtProviders, (QStringList{"remote", "local-idp"}));
    QCOMPARE(r.jwtAnonymous, true);
    QCOMPARE(r.allowGroups, (QStringList{"staff", "partners"}));
    QCOMPARE(r.denyGroups, QStringList{"suspended"});
    QCOMPARE(r.allowIps, (QStringList{"10.0.0.0/8", "2001:db8::/32"}));
    QCOMPARE(r.denyIps, QStringList{"10.9.9.9"});
    QCOMPARE(c.routes[1].keyHeader, QStringLiteral("X-API-Key"));
    QCOMPARE(c.consumers[0].customId, QStringLiteral("mobile-7"));
    QCOMPARE(c.consumers[1].customId, QStringLiteral("partner \"42\""));
    QCOMPARE(c.consumers[0].groups, (QStringList{"staff", "beta"}));
    QVERIFY(c.consumers[2].customId.isEmpty() && c.consumers[2].groups.isEmpty());
    QCOMPARE(c.jwtProviders[1].jwksCacheMinS, 30);
    QCOMPARE(c.jwtProviders[1].jwksCacheMaxS, 600);
    QCOMPARE(c.jwtProviders[0].jwksCacheMaxS, 86400);
    QVERIFY(c == richConfig());
}

void TestConfigStore::exportImportExportIsByteIdentical()
{
    QTemporaryDir dir;
    const QByteArray exported = toDeclarativeJson(richConfig());
    const ConfigLoadResult imported = parseDeclarative(exported);
    QVERIFY2(imported.ok(), qPrintable(describe(imported.errors)));
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    {
        const std::unique_ptr<ConfigStore> store = openStore(path);
        QVERIFY(store);
        QCOMPARE(store->replace(imported.config, ConfigSource::Import, QString()).status,
                 Status::Ok);
    }
    const std::unique_ptr<ConfigStore> store = openStore(path);
    QCOMPARE(toDeclarativeJson(store->config()), exported);
    QCOMPARE(toDeclarativeYaml(store->config()), toDeclarativeYaml(imported.config));
}

void TestConfigStore::editsWriteAndSurviveReopen()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    Config expected = richConfig();
    {
        const std::unique_ptr<ConfigStore> store = openStore(path, expected);
        QVERIFY(store);
        const auto apply = [&](const std::function<void(Config &)> &change) {
            const qint64 before = store->revision();
            const StoreResult r = store->edit(ConfigSource::Gui, QString(), before, [&](Config &c) {
                change(c);
                return ok();
            });
            QVERIFY2(r.status == Status::Ok, qPrintable(describe(r.errors)));
            QCOMPARE(r.revision, before + 1);
            QCOMPARE(store->revision(), before + 1);
            change(expected);
            QVERIFY(store->config() == expected);
        };
        apply([](Config &c) { c.settings.workers = 8; });
        apply([](Config &c) { // the services' TLS columns are updated in place
            c.services[1].tlsVerify = true;
            c.services[1].tlsServerName.clear();
            c.services[0].caBundle = testCaBundle();
        });
        apply([](Config &c) {
            c.services[0].targets.push_back({QStringLiteral("http://127.0.0.1:9003"), 5});
        });
        apply([](Config &c) {
            c.routes.insert(c.routes.begin() + 1, makeRoute(QStringLiteral("new"), "orders"));
        });
        apply([](Config &c) { std::swap(c.routes.front(), c.routes.back()); });
        apply([](Config &c) { c.consumers.erase(c.consumers.begin()); });
        apply([](Config &c) {
            c.consumers.back().keys.push_back(makeKey(QStringLiteral("pk_new"), 1'790'000'500));
            c.consumers.back().plan.clear();
        });
        apply([](Config &c) {
            c.plans.erase(c.plans.begin()); // its consumer went above
            c.jwtProviders[0].audiences = {QStringLiteral("only")};
        });
        apply([](Config &c) {
            ServiceConfig extra;
            extra.name = QStringLiteral("extra");
            extra.targets = {{QStringLiteral("http://127.0.0.1:9100"), 1}};
            c.services.insert(c.services.begin(), extra);
            c.routes.push_back(makeRoute(QStringLiteral("to-extra"), QStringLiteral("extra")));
        });
        apply([](Config &c) { // a service and the route using it go together
            c.routes.pop_back();
            c.services.erase(c.services.begin());
        });
    }
    const std::unique_ptr<ConfigStore> store = openStore(path);
    QVERIFY(store->config() == expected);
    QCOMPARE(store->revision(), 11);
}

void TestConfigStore::keysMoveBetweenConsumers()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    const std::unique_ptr<ConfigStore> store = openStore(path, richConfig());
    // Key ids and hashes are unique in the table: moving one must free it first.
    const StoreResult r = store->edit(ConfigSource::Admin, QString(), 0, [](Config &c) {
        std::swap(c.consumers[0].keys, c.consumers[1].keys);
        return ok();
    });
    QVERIFY2(r.ok(), qPrintable(describe(r.errors)));
    const Config expected = store->config();
    QCOMPARE(expected.consumers[1].keys.size(), size_t(2));
    QVERIFY(openStore(path)->config() == expected);
}

void TestConfigStore::invalidChangesNothing()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    const std::unique_ptr<ConfigStore> store = openStore(path, richConfig());
    const QByteArray bytes = fileBytes(path);
    const StoreResult r = store->edit(ConfigSource::Admin, QString(), 0, [](Config &c) {
        c.routes[1].paths = {QStringLiteral("no-slash")};
        c.consumers[1].plan = QStringLiteral("platinum");
        return ok();
    });
    QCOMPARE(r.status, Status::Invalid);
    QCOMPARE(describe(r.errors),
             QStringLiteral("routes[1].paths[0]: must start with \"/\" (prefix), \"=/\" (exact) "
                            "or \"~\" (regex); consumers[1].plan: unknown plan \"platinum\""));
    QCOMPARE(r.revision, 1);
    QCOMPARE(store->revision(), 1);
    QVERIFY(store->config() == richConfig());
    QCOMPARE(store->history().size(), size_t(1));
    QCOMPARE(fileBytes(path), bytes);
}

void TestConfigStore::unchangedWritesNothing()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    const std::unique_ptr<ConfigStore> store = openStore(path, richConfig());
    const QByteArray bytes = fileBytes(path);
    StoreResult r = store->edit(ConfigSource::Gui, QStringLiteral("nothing"), 1, [](Config &c) {
        c.routes[0].paths.append(QStringLiteral("/x"));
        c.routes[0].paths.removeLast(); // back as it was
        return ok();
    });
    QCOMPARE(r.status, Status::Unchanged);
    QVERIFY(r.ok());
    QCOMPARE(r.revision, 1);
    r = store->replace(richConfig(), ConfigSource::Import, QString());
    QCOMPARE(r.status, Status::Unchanged);
    QCOMPARE(store->history().size(), size_t(1));
    QCOMPARE(fileBytes(path), bytes);
}

void TestConfigStore::changeFunctionOutcomes()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    const std::unique_ptr<ConfigStore> store = openStore(path, richConfig());
    const QByteArray bytes = fileBytes(path);
    for (const Status status : {Status::NotFound, Status::Invalid}) {
        const StoreResult r = store->edit(ConfigSource::Admin, QString(), 0, [&](Config &c) {
            c.routes.clear(); // abandoned: never written
            EditOutcome outcome;
            outcome.status = status;
            outcome.errors.push_back(
                {QStringLiteral("routes"), QStringLiteral("no route named x")});
            return outcome;
        });
        QCOMPARE(r.status, status);
        QVERIFY(!r.ok());
        QCOMPARE(describe(r.errors), QStringLiteral("routes: no route named x"));
        QCOMPARE(r.revision, 1);
    }
    QVERIFY(store->config() == richConfig());
    QCOMPARE(fileBytes(path), bytes);

    // The outcome's summary wins over the one given to edit().
    const StoreResult r =
        store->edit(ConfigSource::Admin, QStringLiteral("given"), 0, [](Config &c) {
            c.settings.workers = 2;
            EditOutcome outcome;
            outcome.summary = QStringLiteral("from the change");
            return outcome;
        });
    QCOMPARE(r.status, Status::Ok);
    QCOMPARE(store->history(1).front().summary, QStringLiteral("from the change"));
}

void TestConfigStore::conflictBetweenInstances()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    const std::unique_ptr<ConfigStore> a = openStore(path, richConfig());
    const std::unique_ptr<ConfigStore> b = openStore(path);
    QVERIFY(a && b);
    QCOMPARE(a->edit(ConfigSource::Gui, QString(), 1,
                     [](Config &c) {
                         c.settings.workers = 5;
                         return ok();
                     })
                 .status,
             Status::Ok);
    const QByteArray bytes = fileBytes(path);
    const StoreResult r = b->edit(ConfigSource::Admin, QString(), 1, [](Config &c) {
        c.settings.workers = 6;
        return ok();
    });
    QCOMPARE(r.status, Status::Conflict);
    QCOMPARE(r.revision, 2);
    QCOMPARE(r.errors.size(), size_t(1));
    QVERIFY2(r.errors[0].message.contains(QStringLiteral("revision 2"))
                 && r.errors[0].message.contains(QStringLiteral("revision 1")),
             qPrintable(r.errors[0].message));
    QCOMPARE(fileBytes(path), bytes);
    // The refused instance has caught up: it can retry against what it now sees.
    QCOMPARE(b->revision(), 2);
    QCOMPARE(b->config().settings.workers, 5);
    QCOMPARE(b->edit(ConfigSource::Admin, QString(), b->revision(),
                     [](Config &c) {
                         c.settings.workers = 6;
                         return ok();
                     })
                 .status,
             Status::Ok);
    QCOMPARE(a->rollback(1, 2).status, Status::Conflict); // rollback checks it too
}

void TestConfigStore::noLostEditWithoutExpectedRevision()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    const std::unique_ptr<ConfigStore> a = openStore(path, richConfig());
    const std::unique_ptr<ConfigStore> b = openStore(path);
    for (int i = 0; i < 10; ++i) {
        ConfigStore &writer = i % 2 ? *a : *b;
        const QString name = QStringLiteral("r%1").arg(i);
        const StoreResult r = writer.edit(ConfigSource::Admin, QString(), 0, [&](Config &c) {
            c.routes.push_back(makeRoute(name, QStringLiteral("users")));
            return ok();
        });
        QVERIFY2(r.status == Status::Ok, qPrintable(describe(r.errors)));
        QCOMPARE(r.revision, i + 2);
    }
    const std::unique_ptr<ConfigStore> fresh = openStore(path);
    QCOMPARE(fresh->config().routes.size(), richConfig().routes.size() + 10);
    for (int i = 0; i < 10; ++i)
        QCOMPARE(fresh->config().routes[richConfig().routes.size() + size_t(i)].name,
                 QStringLiteral("r%1").arg(i));
    QVERIFY(a->reload() || a->config() == fresh->config());
    QVERIFY(a->config() == fresh->config());
}

void TestConfigStore::concurrentWritersQueue()
{
    // Two instances writing at the same time (each on its own thread, as a connection must
    // be): BEGIN IMMEDIATE and the busy timeout make them take turns, and no edit is lost.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    openStore(path, richConfig()).reset();
    constexpr int kEdits = 25;
    std::atomic<int> failures{0};
    const auto writer = [&](const QString &prefix) {
        const std::unique_ptr<ConfigStore> store = openStore(path);
        for (int i = 0; store && i < kEdits; ++i) {
            const StoreResult r = store->edit(ConfigSource::Admin, QString(), 0, [&](Config &c) {
                c.routes.push_back(makeRoute(prefix + QString::number(i), QStringLiteral("users")));
                return ok();
            });
            failures += r.status != Status::Ok;
        }
        failures += !store;
    };
    std::thread first(writer, QStringLiteral("a"));
    std::thread second(writer, QStringLiteral("b"));
    first.join();
    second.join();
    QCOMPARE(failures.load(), 0);
    const std::unique_ptr<ConfigStore> store = openStore(path);
    QCOMPARE(store->revision(), 1 + 2 * kEdits);
    QCOMPARE(store->config().routes.size(), richConfig().routes.size() + 2 * kEdits);
}

void TestConfigStore::changedElsewhereAndReload()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    const std::unique_ptr<ConfigStore> a = openStore(path, richConfig());
    const std::unique_ptr<ConfigStore> b = openStore(path);
    QVERIFY(!a->changedElsewhere());
    QVERIFY(!a->reload());
    QCOMPARE(b->edit(ConfigSource::Gui, QString(), 0,
                     [](Config &c) {
                         c.routes.pop_back();
                         return ok();
                     })
                 .status,
             Status::Ok);
    QVERIFY(!b->changedElsewhere()); // its own write
    QVERIFY(a->changedElsewhere());
    QVERIFY(a->reload());
    QVERIFY(!a->changedElsewhere());
    QCOMPARE(a->revision(), 2);
    QVERIFY(a->config() == b->config());
    // Operational data (key use) changes the file but not the configuration.
    QVERIFY(
        b->recordKeyUse({{richConfig().consumers[0].keys[0].id, QDateTime::currentDateTimeUtc()}}));
    QVERIFY(a->changedElsewhere());
    QVERIFY(!a->reload());
    QVERIFY(!a->changedElsewhere());
}

void TestConfigStore::historyOrderAndSummaries()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    const std::unique_ptr<ConfigStore> store = openStore(path, richConfig());
    store->edit(ConfigSource::Gui, QString(), 0, [](Config &c) {
        c.routes[0].methods = {QStringLiteral("PUT")};
        ServiceConfig b;
        b.name = QStringLiteral("b");
        b.targets = {{QStringLiteral("http://127.0.0.1:1"), 1}};
        c.services.push_back(b);
        return ok();
    });
    store->edit(ConfigSource::Admin, QStringLiteral("given summary"), 0, [](Config &c) {
        c.settings.workers = 1;
        return ok();
    });
    store->edit(ConfigSource::Import, QString(), 0, [](Config &c) {
        for (int i = 0; i < 5; ++i)
            c.routes.push_back(makeRoute(QStringLiteral("bulk%1").arg(i), QStringLiteral("users")));
        c.consumers.erase(c.consumers.begin() + 1);
        c.consumers.erase(c.consumers.begin() + 1);
        std::swap(c.plans[0], c.plans[1]);
        return ok();
    });
    const std::vector<ConfigVersion> history = store->history();
    QCOMPARE(history.size(), size_t(4));
    QCOMPARE(history[0].revision, 4);
    QCOMPARE(history[0].source, ConfigSource::Import);
    QCOMPARE(history[0].summary,
             QStringLiteral("5 routes added; consumers partner, keyless removed; plan gold moved"));
    QCOMPARE(history[1].source, ConfigSource::Admin);
    QCOMPARE(history[1].summary, QStringLiteral("given summary"));
    QCOMPARE(history[2].source, ConfigSource::Gui);
    QCOMPARE(history[2].summary, QStringLiteral("service b added; route users updated"));
    QCOMPARE(history[3].source, ConfigSource::Init);
    for (size_t i = 1; i < history.size(); ++i)
        QVERIFY(history[i - 1].appliedAt >= history[i].appliedAt);
    QCOMPARE(store->history(2).size(), size_t(2));
    QCOMPARE(configSourceName(ConfigSource::Rollback), QStringLiteral("rollback"));
}

void TestConfigStore::historyLimitAndPruning()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    const std::unique_ptr<ConfigStore> store = openStore(path, richConfig());
    const int limit = store->historyLimit();
    std::map<qint64, Config> seen;
    for (int i = 0; i < limit + 10; ++i) {
        QCOMPARE(store
                     ->edit(ConfigSource::Gui, QString(), 0,
                            [&](Config &c) {
                                c.routes[0].paths = {QStringLiteral("/v%1").arg(i)};
                                return ok();
                            })
                     .status,
                 Status::Ok);
        seen[store->revision()] = store->config();
    }
    const qint64 newest = store->revision();
    QCOMPARE(newest, limit + 11);
    const std::vector<ConfigVersion> history = store->history(1000);
    QCOMPARE(history.size(), size_t(limit));
    QCOMPARE(history.front().revision, newest);
    QCOMPARE(history.back().revision, newest - limit + 1);
    QVERIFY(!store->configAt(newest - limit));
    QVERIFY(!store->configAt(1));
    QVERIFY(!store->configAt(newest + 1));
    const std::optional<Config> oldest = store->configAt(newest - limit + 1);
    QVERIFY(oldest);
    QVERIFY(*oldest == seen[newest - limit + 1]);
    QCOMPARE(store->rollback(newest - limit).status, Status::NotFound);
    // Per-version changes, not copies: one route row per version, and none for the oldest
    // kept version (nothing older is ever rebuilt from it).
    RawDb raw(path);
    QCOMPARE(raw.value(QStringLiteral("SELECT count(*) FROM history_changes")).toInt(), limit - 1);
    QCOMPARE(raw.value(QStringLiteral("SELECT min(revision) FROM history_changes")).toLongLong(),
             newest - limit + 2);
}

void TestConfigStore::configAtAndRollback()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    const std::unique_ptr<ConfigStore> store = openStore(path, richConfig());
    std::map<qint64, Config> seen{{1, richConfig()}};
    const auto edit = [&](const std::function<void(Config &)> &change) {
        QCOMPARE(store
                     ->edit(ConfigSource::Gui, QString(), 0,
                            [&](Config &c) {
                                change(c);
                                return ok();
                            })
                     .status,
                 Status::Ok);
        seen[store->revision()] = store->config();
    };
    edit([](Config &c) { c.routes.erase(c.routes.begin()); });
    edit([](Config &c) { c.consumers[0].keys.clear(); });
    edit([](Config &c) { c.settings.listen = QStringLiteral("127.0.0.1:7000"); });
    edit([](Config &c) { std::reverse(c.routes.begin(), c.routes.end()); });
    for (const auto &[revision, config] : seen) {
        const std::optional<Config> at = store->configAt(revision);
        QVERIFY2(at, qPrintable(QString::number(revision)));
        QVERIFY2(*at == config, qPrintable(QString::number(revision)));
    }
    const StoreResult r = store->rollback(2);
    QCOMPARE(r.status, Status::Ok);
    QCOMPARE(r.revision, 6);
    QVERIFY(store->config() == seen[2]);
    const ConfigVersion latest = store->history(1).front();
    QCOMPARE(latest.source, ConfigSource::Rollback);
    QVERIFY2(latest.summary.startsWith(QStringLiteral("rollback to revision 2: ")),
             qPrintable(latest.summary));
    QVERIFY(openStore(path)->config() == seen[2]);
    QCOMPARE(store->rollback(6).status, Status::Unchanged);
    QCOMPARE(store->rollback(99).status, Status::NotFound);
    QVERIFY(store->configAt(5) && *store->configAt(5) == seen[5]);
}

void TestConfigStore::rollbackOfRollback()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    const std::unique_ptr<ConfigStore> store = openStore(path, richConfig());
    store->edit(ConfigSource::Gui, QString(), 0, [](Config &c) {
        c.services[0].retries = 4;
        c.routes.pop_back();
        return ok();
    });
    const Config edited = store->config();
    QCOMPARE(store->rollback(1).status, Status::Ok);
    QVERIFY(store->config() == richConfig());
    QCOMPARE(store->rollback(2).status, Status::Ok); // undo the rollback
    QVERIFY(store->config() == edited);
    QCOMPARE(store->revision(), 4);
    QVERIFY(*store->configAt(3) == richConfig());
    QVERIFY(openStore(path)->config() == edited);
}

void TestConfigStore::reorderingAndRandomEditsRebuildExactly()
{
    // Random inserts, removals, moves and updates in every list, with positions squeezed in
    // the same places until they must be renumbered: every version must come back exactly,
    // from the history and from the tables.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    QRandomGenerator rng(20261128);
    const std::unique_ptr<ConfigStore> store = openStore(path, richConfig());
    std::map<qint64, Config> seen{{1, richConfig()}};
    int serial = 0;
    for (int round = 0; round < 60; ++round) {
        const StoreResult r = store->edit(ConfigSource::Gui, QString(), 0, [&](Config &c) {
            const int actions = 1 + int(rng.bounded(4));
            for (int a = 0; a < actions; ++a) {
                std::vector<RouteConfig> &routes = c.routes;
                const auto at = [&](size_t size) {
                    return size ? size_t(rng.bounded(quint32(size))) : 0;
                };
                switch (rng.bounded(6)) {
                case 0: // insert (often at the front, to use up the gaps)
                    routes.insert(routes.begin() + qsizetype(round % 3 ? 0 : at(routes.size() + 1)),
                                  makeRoute(QStringLiteral("n%1").arg(serial++), "users"));
                    break;
                case 1:
                    if (routes.size() > 1)
                        routes.erase(routes.begin() + qsizetype(at(routes.size())));
                    break;
                case 2:
                    if (!routes.empty()) {
                        const size_t from = at(routes.size());
                        RouteConfig moved = routes[from];
                        routes.erase(routes.begin() + qsizetype(from));
                        routes.insert(routes.begin() + qsizetype(at(routes.size() + 1)), moved);
                    }
                    break;
                case 3:
                    if (!routes.empty())
                        routes[at(routes.size())].hosts = {
                            QStringLiteral("h%1.test").arg(serial++)};
                    break;
                case 4: std::shuffle(c.consumers.begin(), c.consumers.end(), rng); break;
                default: {
                    ConsumerConfig consumer;
                    consumer.name = QStringLiteral("c%1").arg(serial++);
                    consumer.keys = {makeKey(consumer.name, 1'790'000'000 + serial)};
                    c.consumers.insert(c.consumers.begin() + qsizetype(at(c.consumers.size() + 1)),
                                       consumer);
                    break;
                }
                }
            }
            return ok();
        });
        QVERIFY2(r.ok(), qPrintable(describe(r.errors)));
        seen[store->revision()] = store->config();
    }
    for (const auto &[revision, config] : seen) {
        const std::optional<Config> at = store->configAt(revision);
        QVERIFY2(at && *at == config, qPrintable(QString::number(revision)));
    }
    QVERIFY(openStore(path)->config() == store->config());
    QCOMPARE(store->rollback(1).status, Status::Ok);
    QVERIFY(openStore(path)->config() == richConfig());
}

void TestConfigStore::damagedFileIsKeptAside_data()
{
    QTest::addColumn<QString>("damage");
    QTest::newRow("garbage") << QStringLiteral("garbage");
    QTest::newRow("truncated") << QStringLiteral("truncated");
}

void TestConfigStore::damagedFileIsKeptAside()
{
    QFETCH(QString, damage);
    QTemporaryDir dir;
    const QString original = dir.filePath(QStringLiteral("good.db"));
    Config big = richConfig();
    for (int i = 0; i < 300; ++i) // some pages to damage
        big.routes.push_back(makeRoute(QStringLiteral("route%1").arg(i), QStringLiteral("users")));
    openStore(original, big).reset(); // closing checkpoints everything into the file
    QVERIFY(!QFileInfo::exists(original + QStringLiteral("-wal")));

    const QString path = dir.filePath(QStringLiteral("portico.db"));
    QByteArray bytes = readFile(original);
    QVERIFY(bytes.size() > 8 * 4096);
    if (damage == QStringLiteral("garbage")) {
        QRandomGenerator rng(7);
        for (qsizetype i = 4096; i < bytes.size() - 4096; ++i)
            bytes[i] = char(rng.bounded(256));
    } else {
        bytes.truncate(bytes.size() / 2);
    }
    writeFile(path, bytes);

    ConfigStore::OpenResult opened = ConfigStore::open(path, richConfig());
    QCOMPARE(opened.status, ConfigStore::OpenResult::Status::Damaged);
    QVERIFY(!opened.store);
    QVERIFY2(opened.error.contains(path) && opened.error.contains(QStringLiteral("damaged"))
                 && opened.error.contains(opened.damagedCopy),
             qPrintable(opened.error));
    QCOMPARE(readFile(path), bytes); // byte for byte
    QVERIFY(opened.damagedCopy.startsWith(path + QStringLiteral(".damaged-")));
    QCOMPARE(readFile(opened.damagedCopy), bytes);
    QVERIFY(!QFileInfo::exists(path + QStringLiteral("-wal")));

    // Again: never reset, and an earlier copy is never overwritten.
    ConfigStore::OpenResult again = ConfigStore::open(path, richConfig());
    QCOMPARE(again.status, ConfigStore::OpenResult::Status::Damaged);
    QVERIFY(again.damagedCopy != opened.damagedCopy);
    QCOMPARE(readFile(path), bytes);
    QCOMPARE(readFile(opened.damagedCopy), bytes);
}

void TestConfigStore::otherFileIsRefused()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portico.yaml"));
    const QByteArray yaml = "format_version: 1\nroutes: []\n";
    writeFile(path, yaml);
    ConfigStore::OpenResult opened = ConfigStore::open(path);
    QCOMPARE(opened.status, ConfigStore::OpenResult::Status::CannotOpen);
    QVERIFY2(opened.error.contains(QStringLiteral("not a SQLite database")),
             qPrintable(opened.error));
    QCOMPARE(readFile(path), yaml);
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("portico.yaml")});
}

void TestConfigStore::tooNewIsLeftUntouched()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    openStore(path, richConfig()).reset();
    {
        RawDb raw(path);
        QVERIFY(
            raw.exec(QStringLiteral("PRAGMA user_version = %1").arg(latestSchemaVersion() + 1)));
    }
    const QByteArray bytes = fileBytes(path);
    ConfigStore::OpenResult opened = ConfigStore::open(path);
    QCOMPARE(opened.status, ConfigStore::OpenResult::Status::TooNew);
    QVERIFY(!opened.store);
    QVERIFY2(opened.error.contains(QStringLiteral("newer")), qPrintable(opened.error));
    QCOMPARE(fileBytes(path), bytes);
}

void TestConfigStore::openingWritesNothing()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    openStore(path, richConfig()).reset();
    const QByteArray bytes = fileBytes(path);
    {
        const std::unique_ptr<ConfigStore> store = openStore(path);
        QVERIFY(store);
        store->history();
        store->configAt(1);
    }
    QCOMPARE(fileBytes(path), bytes); // a file at the current schema version is left alone
}

void TestConfigStore::emptyFileIsInitialised()
{
    // user_version 0 and no tables: what SQLite makes of an empty file. The migrations and
    // `initial` bring it up (a crash while creating a store leaves such a file).
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    writeFile(path, QByteArray());
    ConfigStore::OpenResult opened = ConfigStore::open(path, richConfig());
    QVERIFY2(opened.store, qPrintable(opened.error));
    QVERIFY(opened.created);
    QVERIFY(opened.store->config() == richConfig());
    RawDb raw(path);
    QCOMPARE(raw.value(QStringLiteral("PRAGMA user_version")).toInt(), latestSchemaVersion());
    QCOMPARE(raw.value(QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
}

void TestConfigStore::migratesOlderSchemaWithData()
{
    // A file as a build that knew only 0001_initial.sql left it, with data written by hand:
    // opening applies the later migrations in order and keeps every row.
    QVERIFY(latestSchemaVersion() >= 2);
    QCOMPARE(storeMigrations().front().name, QStringLiteral("0001_initial.sql"));
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    {
        RawDb raw(path);
        QVERIFY(raw.exec(QStringLiteral("PRAGMA journal_mode = WAL")));
        QVERIFY(raw.exec(QStringLiteral("BEGIN")));
        for (const QString &statement : splitSqlStatements(storeMigrations().front().sql))
            QVERIFY(raw.exec(statement));
        const char *rows[] = {
            "INSERT INTO meta VALUES ('revision', 7)",
            "INSERT INTO history VALUES (7, 1790000000000, 'admin', 'by hand')",
            "INSERT INTO settings VALUES ('listen', '\"127.0.0.1:7070\"'), ('workers', '2')",
            "INSERT INTO services VALUES (10, 'svc', 1000, 500, 30000, 1, 0)",
            "INSERT INTO targets VALUES (10, 0, 'http://127.0.0.1:9000', 100)",
            "INSERT INTO plans VALUES (3, 'free', 5, 5, 0, 0, 0, 0)",
            "INSERT INTO routes (id, name, position, service_id, paths, hosts, methods, "
            "strip_path, auth, max_body_bytes, enabled) VALUES (1, 'second', 20, 10, "
            "'[\"/b\"]', '[]', '[]', 0, '[]', -1, 1), (2, 'first', 10, 10, '[\"/a\",\"=/x\"]', "
            "'[\"a.test\"]', '[\"GET\"]', 1, '[\"key\"]', 100, 0)",
            "INSERT INTO consumers VALUES (4, 'app', 1, 3)",
        };
        for (const char *row : rows)
            QVERIFY(raw.exec(QString::fromLatin1(row)));
        const ApiKeyConfig key = makeKey(QStringLiteral("pk_by_hand"), 1'790'000'000);
        QVERIFY(raw.exec(QStringLiteral("INSERT INTO api_keys VALUES (4, 0, '%1', '%2', '%3', "
                                        "1790000000000, NULL, NULL)")
                             .arg(key.id, key.hash, key.prefix)));
        QVERIFY(raw.exec(QStringLiteral("PRAGMA user_version = 1")));
        QVERIFY(raw.exec(QStringLiteral("COMMIT")));
    }
    ConfigStore::OpenResult opened = ConfigStore::open(path, richConfig());
    QVERIFY2(opened.store, qPrintable(opened.error + describe(opened.errors)));
    QVERIFY(!opened.created);
    const Config &c = opened.store->config();
    QCOMPARE(opened.store->revision(), 7);
    QCOMPARE(c.settings.listen, QStringLiteral("127.0.0.1:7070"));
    QCOMPARE(c.settings.workers, 2);
    QCOMPARE(c.settings.adminListen, SettingsConfig().adminListen);
    QCOMPARE(c.services.size(), size_t(1));
    QCOMPARE(c.services[0].targets[0].url, QStringLiteral("http://127.0.0.1:9000"));
    QCOMPARE(c.services[0].connectTimeoutMs, 500);
    QCOMPARE(c.routes.size(), size_t(2));
    QCOMPARE(c.routes[0].name, QStringLiteral("first")); // by position, not by id
    QCOMPARE(c.routes[0].paths, (QStringList{"/a", "=/x"}));
    QCOMPARE(c.routes[0].enabled, false);
    QCOMPARE(c.routes[0].auth, QStringList{"key"});
    QCOMPARE(c.consumers[0].plan, QStringLiteral("free"));
    QCOMPARE(c.consumers[0].keys[0].id, makeKey(QStringLiteral("pk_by_hand"), 0).id);
    QCOMPARE(c.plans[0].limits.second, 5);
    {
        RawDb raw(path);
        QCOMPARE(raw.value(QStringLiteral("PRAGMA user_version")).toInt(), latestSchemaVersion());
        QCOMPARE(raw.value(QStringLiteral("SELECT count(*) FROM certificates")).toInt(), 0);
        QCOMPARE(raw.value(QStringLiteral("SELECT count(*) FROM route_policies")).toInt(), 0);
    }
    // And it is a working store.
    QCOMPARE(opened.store
                 ->edit(ConfigSource::Gui, QString(), 7,
                        [](Config &config) {
                            config.routes.pop_back();
                            return ok();
                        })
                 .status,
             Status::Ok);
    QVERIFY(openStore(path)->config() == opened.store->config());
}

void TestConfigStore::migratesVersion2Store()
{
    // A file as a build that knew migrations 0001 and 0002 left it, with a configuration and a
    // history in it: opening adds the authentication columns with their defaults, keeps every
    // row, and the history written before still rebuilds older versions.
    QVERIFY(latestSchemaVersion() >= 3);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    const ApiKeyConfig key = makeKey(QStringLiteral("pk_v2"), 1'790'000'000);
    {
        RawDb raw(path);
        QVERIFY(raw.exec(QStringLiteral("PRAGMA journal_mode = WAL")));
        QVERIFY(raw.exec(QStringLiteral("BEGIN")));
        for (const StoreMigration &migration : storeMigrations()) {
            if (migration.version > 2)
                break;
            for (const QString &statement : splitSqlStatements(migration.sql))
                QVERIFY(raw.exec(statement));
        }
        const char *rows[] = {
            "INSERT INTO meta VALUES ('revision', 3)",
            "INSERT INTO history VALUES (2, 1790000000000, 'gui', 'before')",
            "INSERT INTO history VALUES (3, 1790000001000, 'admin', 'route r updated')",
            "INSERT INTO services VALUES (1, 'svc', 10, 500, 30000, 1, 0)",
            "INSERT INTO targets VALUES (1, 0, 'http://127.0.0.1:9000', 100)",
            "INSERT INTO routes (id, name, position, service_id, paths, hosts, methods, "
            "strip_path, auth, max_body_bytes, enabled) VALUES (1, 'r', 10, 1, '[\"/b\"]', "
            "'[]', '[]', 0, '[\"key\", \"jwt\"]', -1, 1)",
            "INSERT INTO consumers VALUES (4, 'app', 1, NULL)",
            "INSERT INTO jwt_providers VALUES (1, 'idp', 1, 'https://idp.test', '[]', "
            "'[\"RS256\"]', '', '', 'https://idp.test/jwks', 'sub', 60)",
            // Revision 3 changed the route's path from /a: its documents have the v2 shape.
            "INSERT INTO history_changes VALUES (3, 0, 'route', 'r', 0, 0, "
            "'{\"name\":\"r\",\"paths\":[\"/a\"],\"hosts\":[],\"methods\":[],"
            "\"strip_path\":false,\"service\":\"svc\",\"auth\":[\"key\",\"jwt\"],"
            "\"max_body_bytes\":-1,\"enabled\":true}', "
            "'{\"name\":\"r\",\"paths\":[\"/b\"],\"hosts\":[],\"methods\":[],"
            "\"strip_path\":false,\"service\":\"svc\",\"auth\":[\"key\",\"jwt\"],"
            "\"max_body_bytes\":-1,\"enabled\":true}')",
        };
        for (const char *row : rows)
            QVERIFY(raw.exec(QString::fromLatin1(row)));
        QVERIFY(raw.exec(QStringLiteral("INSERT INTO api_keys VALUES (4, 0, '%1', '%2', '%3', "
                                        "1790000000000, NULL, NULL)")
                             .arg(key.id, key.hash, key.prefix)));
        QVERIFY(raw.exec(QStringLiteral("PRAGMA user_version = 2")));
        QVERIFY(raw.exec(QStringLiteral("COMMIT")));
    }
    ConfigStore::OpenResult opened = ConfigStore::open(path, richConfig());
    QVERIFY2(opened.store, qPrintable(opened.error + describe(opened.errors)));
    QVERIFY(!opened.created);
    ConfigStore &store = *opened.store;
    QCOMPARE(store.revision(), 3);
    RouteConfig expected; // the defaults, but for what the v2 row says
    expected.name = QStringLiteral("r");
    expected.paths = {QStringLiteral("/b")};
    expected.service = QStringLiteral("svc");
    expected.auth = {QStringLiteral("key"), QStringLiteral("jwt")};
    const RouteConfig &route = store.config().routes.at(0);
    QCOMPARE(route.paths, QStringList{"/b"});
    QCOMPARE(route.auth, (QStringList{"key", "jwt"}));
    QCOMPARE(route.keyHeader, QStringLiteral("X-API-Key"));
    QCOMPARE(route.keyInQuery, false);
    QCOMPARE(route.jwtAnonymous, false);
    QVERIFY(route.jwtProviders.isEmpty() && route.allowGroups.isEmpty()
            && route.denyGroups.isEmpty() && route.allowIps.isEmpty() && route.denyIps.isEmpty());
    QVERIFY(route == expected);
    const ConsumerConfig &consumer = store.config().consumers.at(0);
    QVERIFY(consumer.customId.isEmpty() && consumer.groups.isEmpty());
    QCOMPARE(consumer.keys.at(0).id, key.id);
    QCOMPARE(store.config().jwtProviders.at(0).jwksCacheMinS, 60);
    QCOMPARE(store.config().jwtProviders.at(0).jwksCacheMaxS, 86400);
    {
        RawDb raw(path);
        QCOMPARE(raw.value(QStringLiteral("PRAGMA user_version")).toInt(), latestSchemaVersion());
        QCOMPARE(raw.value(QStringLiteral("SELECT key_header FROM routes")).toString(),
                 QStringLiteral("X-API-Key"));
        QCOMPARE(raw.value(QStringLiteral("SELECT groups FROM consumers")).toString(),
                 QStringLiteral("[]"));
        QCOMPARE(raw.value(QStringLiteral("SELECT jwks_cache_max_s FROM jwt_providers")).toInt(),
                 86400);
    }
    // The v2 history rebuilds revision 2, with the new fields at their defaults.
    const std::optional<Config> before = store.configAt(2);
    QVERIFY(before);
    QCOMPARE(before->routes.at(0).paths, QStringList{"/a"});
    QCOMPARE(before->routes.at(0).keyHeader, QStringLiteral("X-API-Key"));

    // And it is a working store: the new fields are written and read back.
    const StoreResult edited = store.edit(ConfigSource::Gui, QString(), 3, [](Config &c) {
        RouteConfig &r = c.routes[0];
        r.keyHeader = QStringLiteral("X-Key");
        r.keyInQuery = true;
        r.jwtProviders = {QStringLiteral("idp")};
        r.jwtAnonymous = true;
        r.allowGroups = {QStringLiteral("a")};
        r.denyIps = {QStringLiteral("::1")};
        c.consumers[0].customId = QStringLiteral("ext-1");
        c.consumers[0].groups = {QStringLiteral("a")};
        c.jwtProviders[0].jwksCacheMinS = 5;
        return ok();
    });
    QVERIFY2(edited.status == Status::Ok, qPrintable(describe(edited.errors)));
    QVERIFY(openStore(path)->config() == store.config());
    QCOMPARE(store.rollback(2).status, Status::Ok);
    QCOMPARE(store.config().routes.at(0).paths, QStringList{"/a"});
    QCOMPARE(store.config().routes.at(0).keyHeader, QStringLiteral("X-API-Key"));
    QVERIFY(store.config().consumers.at(0).customId.isEmpty());
    QVERIFY(openStore(path)->config() == store.config());
}

void TestConfigStore::migratesVersion3Store()
{
    // A file as a build that knew migrations 0001 to 0003 left it: opening adds quota_usage,
    // keeps the stored settings, and the rate-limit settings read back as their defaults.
    QVERIFY(latestSchemaVersion() >= 4);
    QCOMPARE(storeMigrations()[3].name, QStringLiteral("0004_rate_limits.sql"));
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    {
        RawDb raw(path);
        QVERIFY(raw.exec(QStringLiteral("PRAGMA journal_mode = WAL")));
        QVERIFY(raw.exec(QStringLiteral("BEGIN")));
        for (const StoreMigration &migration : storeMigrations()) {
            if (migration.version > 3)
                break;
            for (const QString &statement : splitSqlStatements(migration.sql))
                QVERIFY(raw.exec(statement));
        }
        const char *rows[] = {
            "INSERT INTO meta VALUES ('revision', 5)",
            "INSERT INTO history VALUES (5, 1790000000000, 'admin', 'by hand')",
            "INSERT INTO settings VALUES ('rate_limit_store', '\"redis://127.0.0.1:6379/1\"'), "
            "('workers', '2')",
            "INSERT INTO services VALUES (1, 'svc', 10, 500, 30000, 1, 0)",
            "INSERT INTO targets VALUES (1, 0, 'http://127.0.0.1:9000', 100)",
            "INSERT INTO plans VALUES (3, 'free', 5, 5, 0, 0, 100, 0)",
            "INSERT INTO routes (id, name, position, service_id, paths, hosts, methods, "
            "strip_path, auth, max_body_bytes, enabled, rate_minute) VALUES (1, 'r', 10, 1, "
            "'[\"/b\"]', '[]', '[]', 0, '[]', -1, 1, 60)",
        };
        for (const char *row : rows)
            QVERIFY(raw.exec(QString::fromLatin1(row)));
        QVERIFY(raw.exec(QStringLiteral("PRAGMA user_version = 3")));
        QVERIFY(raw.exec(QStringLiteral("COMMIT")));
    }
    ConfigStore::OpenResult opened = ConfigStore::open(path, richConfig());
    QVERIFY2(opened.store, qPrintable(opened.error + describe(opened.errors)));
    QVERIFY(!opened.created);
    ConfigStore &store = *opened.store;
    QCOMPARE(store.revision(), 5);
    const SettingsConfig &s = store.config().settings;
    QCOMPARE(s.rateLimitStore, QStringLiteral("redis://127.0.0.1:6379/1"));
    QCOMPARE(s.workers, 2);
    QCOMPARE(s.rateLimitHeaders, QStringLiteral("ietf"));
    QCOMPARE(s.rateLimitRedisDown, QStringLiteral("local"));
    QCOMPARE(s.rateLimitRedisTimeoutMs, 200);
    QCOMPARE(s.quotaTimezone, QStringLiteral("UTC"));
    QCOMPARE(store.config().routes.at(0).rateLimit.minute, 60);
    QCOMPARE(store.config().plans.at(0).limits.day, 100);
    {
        RawDb raw(path);
        QCOMPARE(raw.value(QStringLiteral("PRAGMA user_version")).toInt(), latestSchemaVersion());
        QCOMPARE(raw.value(QStringLiteral("SELECT count(*) FROM quota_usage")).toInt(), 0);
    }

    // And it is a working store: quota rows and the new settings are written and read back.
    const std::vector<QuotaUsage> rows = {
        {QStringLiteral("consumer:app"), QStringLiteral("plan"), QStringLiteral("day"),
         QStringLiteral("2026-11-28"), 42}};
    QVERIFY(store.writeQuotaUsage(rows));
    const StoreResult edited = store.edit(ConfigSource::Gui, QString(), 5, [](Config &c) {
        c.settings.rateLimitHeaders = QStringLiteral("none");
        c.settings.rateLimitRedisDown = QStringLiteral("open");
        c.settings.rateLimitRedisTimeoutMs = 1000;
        c.settings.quotaTimezone = QStringLiteral("Europe/Berlin");
        return ok();
    });
    QVERIFY2(edited.status == Status::Ok, qPrintable(describe(edited.errors)));
    const std::unique_ptr<ConfigStore> reopened = openStore(path);
    QVERIFY(reopened->config() == store.config());
    QCOMPARE(reopened->config().settings.quotaTimezone, QStringLiteral("Europe/Berlin"));
    QCOMPARE(reopened->readQuotaUsage({QStringLiteral("2026-11-28")}), rows);
    QCOMPARE(store.rollback(5).status, Status::Ok);
    QCOMPARE(store.config().settings.rateLimitHeaders, QStringLiteral("ietf"));
    QCOMPARE(store.readQuotaUsage({QStringLiteral("2026-11-28")}), rows);
}

void TestConfigStore::authenticationFieldsInHistory()
{
    // Each new field changed by one revision: every version comes back exactly from the
    // history (documents in the declarative shape) and a rollback restores it.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    const std::unique_ptr<ConfigStore> store = openStore(path, richConfig());
    std::map<qint64, Config> seen{{1, richConfig()}};
    const std::vector<std::function<void(Config &)>> changes = {
        [](Config &c) { c.routes[0].keyHeader = QStringLiteral("X-Other-Key"); },
        [](Config &c) { c.routes[0].keyInQuery = false; },
        [](Config &c) { c.routes[0].jwtProviders = {QStringLiteral("local-idp")}; },
        [](Config &c) { c.routes[0].jwtAnonymous = false; },
        [](Config &c) { c.routes[0].allowGroups.append(QStringLiteral("beta")); },
        [](Config &c) { c.routes[0].denyGroups.clear(); },
        [](Config &c) { c.routes[0].allowIps = {QStringLiteral("192.168.0.0/16")}; },
        [](Config &c) { c.routes[0].denyIps.append(QStringLiteral("::1")); },
        [](Config &c) { c.routes[2].allowIps = {QStringLiteral("127.0.0.1")}; },
        [](Config &c) { c.consumers[0].customId = QStringLiteral("mobile-8"); },
        [](Config &c) { c.consumers[1].customId.clear(); },
        [](Config &c) { c.consumers[2].groups = {QStringLiteral("staff")}; },
        [](Config &c) { std::swap(c.consumers[0].customId, c.consumers[2].customId); },
        [](Config &c) { c.jwtProviders[1].jwksCacheMaxS = 7200; },
        [](Config &c) { c.jwtProviders[0].jwksCacheMinS = 10; },
    };
    for (const auto &change : changes) {
        const StoreResult r = store->edit(ConfigSource::Admin, QString(), 0, [&](Config &c) {
            change(c);
            return ok();
        });
        QVERIFY2(r.status == Status::Ok, qPrintable(describe(r.errors)));
        seen[store->revision()] = store->config();
    }
    QCOMPARE(store->revision(), qint64(changes.size()) + 1);
    for (const auto &[revision, config] : seen) {
        const std::optional<Config> at = store->configAt(revision);
        QVERIFY2(at && *at == config, qPrintable(QString::number(revision)));
    }
    QVERIFY(openStore(path)->config() == store->config());
    QCOMPARE(store->rollback(1).status, Status::Ok);
    QVERIFY(store->config() == richConfig());
    QVERIFY(openStore(path)->config() == richConfig());
    QCOMPARE(store->rollback(5).status, Status::Ok);
    QVERIFY(store->config() == seen[5]);
}

void TestConfigStore::historyDocumentsWithoutNewFields()
{
    // A change row written before schema 3 has documents without the new fields: undoing it
    // gives them their defaults, which is what they meant.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    const std::unique_ptr<ConfigStore> store = openStore(path, richConfig());
    QCOMPARE(store
                 ->edit(ConfigSource::Gui, QString(), 0,
                        [](Config &c) {
                            c.consumers[0].plan = QStringLiteral("gold");
                            c.routes[0].methods = {QStringLiteral("PUT")};
                            return ok();
                        })
                 .status,
             Status::Ok);
    {
        RawDb raw(path);
        for (const char *field : {"custom_id", "groups", "key_header", "key_in_query",
                                  "jwt_providers", "jwt_anonymous", "allow_groups",
                                  "deny_groups", "allow_ips", "deny_ips"})
            QVERIFY(raw.exec(QStringLiteral("UPDATE history_changes SET before = "
                                            "json_remove(before, '$.%1')")
                                 .arg(QLatin1String(field))));
        QCOMPARE(raw.value(QStringLiteral("SELECT count(*) FROM history_changes WHERE "
                                          "before LIKE '%custom_id%' OR before LIKE "
                                          "'%key_header%'"))
                     .toInt(),
                 0);
    }
    const std::optional<Config> first = store->configAt(1);
    QVERIFY(first);
    QCOMPARE(first->consumers[0].plan, QStringLiteral("free"));
    QVERIFY(first->consumers[0].customId.isEmpty() && first->consumers[0].groups.isEmpty());
    QCOMPARE(first->consumers[0].keys, richConfig().consumers[0].keys);
    QCOMPARE(first->routes[0].methods, (QStringList{"GET", "POST"}));
    QCOMPARE(first->routes[0].keyHeader, QStringLiteral("X-API-Key"));
    QVERIFY(first->routes[0].allowIps.isEmpty() && !first->routes[0].keyInQuery);
}

void TestConfigStore::invalidStoredConfigIsReported()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    openStore(path, richConfig()).reset();
    {
        RawDb raw(path);
        QVERIFY(
            raw.exec(QStringLiteral("UPDATE routes SET paths = 'not json' WHERE name = 'orders'")));
        QVERIFY(raw.exec(
            QStringLiteral("UPDATE consumers SET name = 'bad name!' WHERE name = 'partner'")));
    }
    const QByteArray bytes = fileBytes(path);
    ConfigStore::OpenResult opened = ConfigStore::open(path);
    QCOMPARE(opened.status, ConfigStore::OpenResult::Status::Invalid);
    QVERIFY(!opened.store);
    QVERIFY2(opened.error.contains(path) && opened.error.contains(QStringLiteral("invalid")),
             qPrintable(opened.error));
    QCOMPARE(describe(opened.errors),
             QStringLiteral("routes[1].paths: stored value is not a JSON list of strings; "
                            "consumers[1].name: only letters, digits, '.', '_' and '-' are "
                            "allowed"));
    QCOMPARE(fileBytes(path), bytes);
    {
        RawDb raw(path);
        QVERIFY(raw.exec(QStringLiteral("UPDATE routes SET paths = '[\"/orders\"]'")));
        QVERIFY(raw.exec(QStringLiteral("INSERT INTO settings VALUES ('colour', '\"blue\"')")));
    }
    opened = ConfigStore::open(path);
    QCOMPARE(opened.status, ConfigStore::OpenResult::Status::Invalid);
    QCOMPARE(describe(opened.errors),
             QStringLiteral("settings.colour: unknown field; consumers[1].name: only letters, "
                            "digits, '.', '_' and '-' are allowed"));
}

void TestConfigStore::recordsKeyUse()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    const std::unique_ptr<ConfigStore> store = openStore(path, richConfig());
    const QString one = richConfig().consumers[0].keys[0].id;
    const QString two = richConfig().consumers[1].keys[0].id;
    QVERIFY(!store->keyLastUsed(one).isValid());
    const QDateTime t1 = QDateTime::fromMSecsSinceEpoch(1'800'000'000'250, Qt::UTC);
    const QDateTime t2 = t1.addSecs(60);
    QVERIFY(
        store->recordKeyUse({{one, t1}, {two, t2}, {QStringLiteral("key_0000000000000000"), t2}}));
    QCOMPARE(store->keyLastUsed(one), t1);
    QCOMPARE(store->keyLastUsed(two), t2);
    QVERIFY(!store->keyLastUsed(QStringLiteral("key_0000000000000000")).isValid()); // no such key
    QVERIFY(store->recordKeyUse({{one, t2}, {two, t1}})); // a late batch never goes back
    QCOMPARE(store->keyLastUsed(one), t2);
    QCOMPARE(store->keyLastUsed(two), t2);
    QVERIFY(store->recordKeyUse({}));
    QCOMPARE(store->revision(), 1);
    QCOMPARE(store->history().size(), size_t(1));

    // Rewriting a consumer keeps its keys' use; removing a key forgets it.
    QCOMPARE(store
                 ->edit(ConfigSource::Admin, QString(), 0,
                        [](Config &c) {
                            c.consumers[0].keys.erase(c.consumers[0].keys.begin() + 1);
                            c.consumers[1].keys.erase(c.consumers[1].keys.begin());
                            return ok();
                        })
                 .status,
             Status::Ok);
    QCOMPARE(store->keyLastUsed(one), t2);
    QVERIFY(!store->keyLastUsed(two).isValid());
    QCOMPARE(openStore(path)->keyLastUsed(one), t2);
}

void TestConfigStore::quotaUsage()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    const std::unique_ptr<ConfigStore> store = openStore(path, richConfig());
    const auto row = [](const char *subject, const char *scope, const char *window,
                        const char *period, qint64 used) {
        return QuotaUsage{QLatin1String(subject), QLatin1String(scope), QLatin1String(window),
                          QLatin1String(period), used};
    };
    const QStringList current = {QStringLiteral("2026-11-28"), QStringLiteral("2026-11")};
    QVERIFY(store->readQuotaUsage(current).empty());
    QVERIFY(store->writeQuotaUsage({}));

    // Written in one batch; read back by period, in key order.
    QVERIFY(store->writeQuotaUsage({
        row("consumer:mobile-app", "plan", "day", "2026-11-28", 17),
        row("consumer:mobile-app", "plan", "month", "2026-11", 900),
        row("ip:2001:db8::1", "route:users", "day", "2026-11-28", 3),
        row("consumer:mobile-app", "plan", "day", "2026-11-27", 50),   // yesterday
        row("consumer:partner", "route:users", "month", "2026-10", 8), // last month
    }));
    QCOMPARE(store->readQuotaUsage(current),
             std::vector<QuotaUsage>({
                 row("consumer:mobile-app", "plan", "day", "2026-11-28", 17),
                 row("consumer:mobile-app", "plan", "month", "2026-11", 900),
                 row("ip:2001:db8::1", "route:users", "day", "2026-11-28", 3),
             }));
    QCOMPARE(store->readQuotaUsage({QStringLiteral("2026-10")}),
             std::vector<QuotaUsage>({row("consumer:partner", "route:users", "month", "2026-10",
                                          8)}));
    QVERIFY(store->readQuotaUsage({}).empty());

    // An upsert sets the count (it does not add to it), lower or higher.
    QVERIFY(store->writeQuotaUsage({row("consumer:mobile-app", "plan", "day", "2026-11-28", 5),
                                    row("ip:2001:db8::1", "route:users", "day", "2026-11-28", 4),
                                    row("ip:10.0.0.1", "plan", "day", "2026-11-28", 1)}));
    QCOMPARE(store->readQuotaUsage({QStringLiteral("2026-11-28")}),
             std::vector<QuotaUsage>({
                 row("consumer:mobile-app", "plan", "day", "2026-11-28", 5),
                 row("ip:10.0.0.1", "plan", "day", "2026-11-28", 1),
                 row("ip:2001:db8::1", "route:users", "day", "2026-11-28", 4),
             }));

    // Pruning keeps the given periods and says how many rows went.
    QCOMPARE(store->pruneQuotaUsage(current), 2);
    QCOMPARE(store->pruneQuotaUsage(current), 0);
    {
        RawDb raw(path);
        QCOMPARE(raw.value(QStringLiteral("SELECT count(*) FROM quota_usage")).toInt(), 4);
        QCOMPARE(raw.value(QStringLiteral("SELECT count(*) FROM quota_usage WHERE period "
                                          "IN ('2026-11-27', '2026-10')"))
                     .toInt(),
                 0);
    }
    // Runtime data: no revision, no history; another instance and a reopened file see it.
    QCOMPARE(store->revision(), 1);
    QCOMPARE(store->history().size(), size_t(1));
    QVERIFY(!store->changedElsewhere() || !store->reload());
    QCOMPARE(openStore(path)->readQuotaUsage(current).size(), size_t(4));
    QCOMPARE(store->pruneQuotaUsage({QStringLiteral("2026-12")}), 4);
    QVERIFY(openStore(path)->readQuotaUsage(current).empty());

    // A failed batch writes nothing: the whole batch is one transaction.
    {
        RawDb raw(path);
        QVERIFY(raw.exec(QStringLiteral("CREATE TRIGGER refuse BEFORE INSERT ON quota_usage "
                                        "WHEN NEW.used < 0 BEGIN SELECT RAISE(ABORT, 'no'); "
                                        "END")));
    }
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("quota use")));
    QVERIFY(!store->writeQuotaUsage({row("consumer:a", "plan", "day", "2026-11-28", 1),
                                     row("consumer:b", "plan", "day", "2026-11-28", -1)}));
    QVERIFY(store->readQuotaUsage(current).empty());
}

void TestConfigStore::quotaUsageIsNotConfiguration()
{
    // Replacing the configuration (PUT /config, import), editing and rolling back leave the
    // counts alone, and neither export nor the history mention them.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    const std::unique_ptr<ConfigStore> store = openStore(path, richConfig());
    const std::vector<QuotaUsage> rows = {
        {QStringLiteral("consumer:mobile-app"), QStringLiteral("plan"), QStringLiteral("day"),
         QStringLiteral("2026-11-28"), 9},
        {QStringLiteral("ip:127.0.0.1"), QStringLiteral("route:users"), QStringLiteral("month"),
         QStringLiteral("2026-11"), 70}};
    const QStringList current = {QStringLiteral("2026-11-28"), QStringLiteral("2026-11")};
    QVERIFY(store->writeQuotaUsage(rows));

    Config other;
    other.services = {richConfig().services[0]};
    other.routes = {makeRoute(QStringLiteral("only"), QStringLiteral("users"))};
    const StoreResult replaced = store->replace(other, ConfigSource::Import, QString());
    QVERIFY2(replaced.status == Status::Ok, qPrintable(describe(replaced.errors)));
    QCOMPARE(store->readQuotaUsage(current), rows);
    QCOMPARE(store->rollback(1).status, Status::Ok);
    QCOMPARE(store->readQuotaUsage(current), rows);
    QVERIFY(store->config() == richConfig());

    const QByteArray exported = toDeclarativeYaml(store->config());
    QVERIFY(!exported.contains("quota_usage"));
    QVERIFY(!exported.contains("consumer:mobile-app"));
    RawDb raw(path);
    QCOMPARE(raw.value(QStringLiteral("SELECT count(*) FROM history_changes WHERE "
                                      "before LIKE '%consumer:%' OR after LIKE '%consumer:%'"))
                 .toInt(),
             0);
    QCOMPARE(raw.value(QStringLiteral("SELECT count(*) FROM quota_usage")).toInt(), 2);
}

QTEST_GUILESS_MAIN(TestConfigStore)
#include "tst_config_store.moc"
