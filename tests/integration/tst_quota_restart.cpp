// Day and month quotas outlive the process: porticod writes their counts to its store every
// few seconds and when it stops, and reads them back at start. A graceful stop keeps every
// count; a kill loses at most what was counted since the last write (QuotaFlusher).

#include "IntegrationFixtures.h"
#include "PorticodProcess.h"
#include "config/ApiKeys.h"
#include "config/ConfigStore.h"
#include "config/QuotaFlusher.h"

#include <QJsonArray>
#include <QTest>

using namespace portico;
using namespace portico::test;

namespace {

const QByteArray kKey = "pk_quota0000000000000000000000000000000000000";

Config quotaConfig(const QString &backendUrl)
{
    Config c = baseConfig();
    c.services.push_back(makeService(QStringLiteral("svc"), {backendUrl}));
    RouteConfig route =
        makeRoute(QStringLiteral("q"), {QStringLiteral("/q")}, QStringLiteral("svc"));
    route.auth = {QStringLiteral("key")};
    route.stripPath = true;
    c.routes.push_back(route);
    c.plans.push_back({QStringLiteral("metered"), {.day = 60, .month = 1000}});
    ConsumerConfig consumer;
    consumer.name = QStringLiteral("meter");
    consumer.plan = QStringLiteral("metered");
    consumer.keys = {storedApiKey(QString::fromLatin1(kKey),
                                  QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC))};
    c.consumers.append(consumer);
    return c;
}

} // namespace

class TestQuotaRestart : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void countsSurviveAStopAndAKill();

private:
    bool startGateway();
    int send(int count); // how many passed
    QJsonArray usage();

    QTemporaryDir m_dir;
    QString m_store;
    std::unique_ptr<TestBackend> m_backend;
    std::unique_ptr<PorticodProcess> m_gateway;
};

void TestQuotaRestart::initTestCase()
{
    QVERIFY2(!PorticodProcess::binaryPath().isEmpty(), "PORTICOD_BINARY is not set");
    m_backend = std::make_unique<TestBackend>(QStringLiteral("svc"));
    m_store = m_dir.filePath(QStringLiteral("portico.db"));
    ConfigStore::OpenResult opened = ConfigStore::open(m_store, quotaConfig(m_backend->url()));
    QVERIFY2(opened.store, qPrintable(opened.error));
}

bool TestQuotaRestart::startGateway()
{
    m_gateway = std::make_unique<PorticodProcess>();
    const bool started = m_gateway->start({QStringLiteral("--db"), m_store,
                                           QStringLiteral("--listen"),
                                           QStringLiteral("127.0.0.1:0")});
    if (!started)
        qWarning("%s", qPrintable(m_gateway->errorString()));
    return started;
}

int TestQuotaRestart::send(int count)
{
    RawHttpClient client(m_gateway->port());
    int passed = 0;
    for (int i = 0; i < count; ++i) {
        const RawResponse r = client.get("/q/ok", {{"X-API-Key", kKey}});
        passed += r.status == 200 ? 1 : 0;
    }
    return passed;
}

QJsonArray TestQuotaRestart::usage()
{
    RawHttpClient admin(m_gateway->adminPort());
    return admin.get("/consumers/meter/usage").json().value("limits").toArray();
}

void TestQuotaRestart::countsSurviveAStopAndAKill()
{
    QVERIFY(startGateway());
    QCOMPARE(send(30), 30);
    QCOMPARE(m_gateway->terminate(), 0);

    // A graceful stop wrote every count.
    QVERIFY(startGateway());
    QJsonArray limits = usage();
    QCOMPARE(limits.size(), 2);
    QCOMPARE(limits[0][QLatin1String("window")].toString(), QStringLiteral("day"));
    QCOMPARE(limits[0][QLatin1String("used")].toInteger(), 30);
    QCOMPARE(limits[1][QLatin1String("window")].toString(), QStringLiteral("month"));
    QCOMPARE(limits[1][QLatin1String("used")].toInteger(), 30);

    // Counted, then written by the timer; then 7 more and a kill before the next write.
    QCOMPARE(send(10), 10);
    QTest::qWait(QuotaFlusher::kIntervalMs + 1500);
    QCOMPARE(send(7), 7);
    m_gateway->kill();
    QVERIFY(m_gateway->waitForExit() != 0);

    QVERIFY(startGateway());
    limits = usage();
    const qint64 used = limits[0][QLatin1String("used")].toInteger();
    QVERIFY2(used >= 40 && used <= 47, qPrintable(QString::number(used)));
    // The quota holds from where the store left it: 60 a day in all.
    QCOMPARE(send(30), int(60 - used));
    QCOMPARE(usage()[0][QLatin1String("remaining")].toInteger(), 0);
    QCOMPARE(m_gateway->terminate(), 0);
}

QTEST_MAIN(TestQuotaRestart)
#include "tst_quota_restart.moc"
