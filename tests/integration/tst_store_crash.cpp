// Kills a process writing to a store at random moments (SIGKILL: no cleanup, no flush) and
// checks that every edit it acknowledged survived and that the file is sound.
//
// The test binary is its own writer: run with --store-writer FILE RUN it opens FILE and edits
// it in a loop, printing "ack <revision> <route>" (flushed) after each edit is committed. Each
// edit adds a route and sets settings.upstream_pool_size to the number of routes, so a torn
// transaction would show as a count that does not match.

#include "config/ConfigStore.h"

#include <QCoreApplication>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <map>

using namespace portico;

namespace {

constexpr int kRuns = 50;

Config writerInitialConfig()
{
    Config config;
    ServiceConfig service;
    service.name = QStringLiteral("svc");
    service.targets = {{QStringLiteral("http://127.0.0.1:9000"), 100}};
    config.services.push_back(service);
    config.settings.upstreamPoolSize = 1;
    return config;
}

int runWriter(const QString &path, const QString &run)
{
    ConfigStore::OpenResult opened = ConfigStore::open(path, writerInitialConfig());
    if (!opened.store) {
        std::fprintf(stderr, "writer cannot open: %s\n", qPrintable(opened.error));
        return 2;
    }
    ConfigStore &store = *opened.store;
    for (int n = 0;; ++n) {
        const QString name = QStringLiteral("w%1-%2").arg(run).arg(n);
        const StoreResult result = store.edit(ConfigSource::Admin, name, 0, [&](Config &c) {
            RouteConfig route;
            route.name = name;
            route.paths = {QLatin1Char('/') + name};
            route.service = QStringLiteral("svc");
            c.routes.push_back(route);
            c.settings.upstreamPoolSize = int(c.routes.size());
            return EditOutcome();
        });
        if (result.status != StoreResult::Status::Ok) {
            std::fprintf(stderr, "edit failed: %d\n", int(result.status));
            return 3;
        }
        std::printf("ack %lld %s\n", result.revision, qPrintable(name));
        std::fflush(stdout);
    }
}

QString integrityCheck(const QString &path)
{
    const QString name = QStringLiteral("crash-check");
    QString verdict;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery query(db);
            verdict = query.exec(QStringLiteral("PRAGMA integrity_check")) && query.next()
                ? query.value(0).toString()
                : QStringLiteral("integrity_check failed to run");
        } else {
            verdict = QStringLiteral("cannot open");
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return verdict;
}

} // namespace

class TestStoreCrash : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void acknowledgedEditsSurviveSigkill();
};

void TestStoreCrash::acknowledgedEditsSurviveSigkill()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portico.db"));
    const quint32 seed = QRandomGenerator::global()->generate();
    qInfo("seed %u", seed);
    QRandomGenerator rng(seed);

    std::map<QString, qint64> acknowledged; // route -> the revision that added it
    qint64 lastAcknowledged = 0;
    int killedMidRun = 0;
    for (int run = 0; run < kRuns; ++run) {
        QProcess writer;
        writer.setProcessChannelMode(QProcess::SeparateChannels);
        writer.start(QCoreApplication::applicationFilePath(),
                     {QStringLiteral("--store-writer"), path, QString::number(run)});
        QVERIFY2(writer.waitForStarted(), qPrintable(writer.errorString()));
        QThread::msleep(20 + rng.bounded(181));
        killedMidRun += writer.state() == QProcess::Running;
        writer.kill(); // SIGKILL
        QVERIFY(writer.waitForFinished(5000));
        const QByteArray errors = writer.readAllStandardError();
        QVERIFY2(writer.exitStatus() == QProcess::CrashExit, errors.constData());

        const QList<QByteArray> lines = writer.readAllStandardOutput().split('\n');
        for (const QByteArray &line : lines) {
            const QList<QByteArray> fields = line.split(' ');
            if (fields.size() != 3 || fields[0] != "ack")
                continue; // the last line may be cut short by the kill
            const qint64 revision = fields[1].toLongLong();
            QVERIFY(revision > lastAcknowledged);
            lastAcknowledged = revision;
            acknowledged[QString::fromUtf8(fields[2])] = revision;
        }

        QCOMPARE(integrityCheck(path), QStringLiteral("ok"));
        // A writer killed before its first commit (a loaded machine starts it slowly) leaves no
        // store, or one without its initial configuration: opened here as it would have been.
        ConfigStore::OpenResult opened = ConfigStore::open(path, writerInitialConfig());
        QVERIFY2(opened.store, qPrintable(opened.error));
        const Config &config = opened.store->config();
        QVERIFY(opened.store->revision() >= lastAcknowledged);
        // All or nothing: the initial configuration (pool 1, no route) or N routes and pool N.
        QCOMPARE(config.settings.upstreamPoolSize, std::max(1, int(config.routes.size())));
        std::map<QString, bool> present;
        for (const RouteConfig &route : config.routes)
            present[route.name] = true;
        for (const auto &[route, revision] : acknowledged)
            QVERIFY2(present.count(route), qPrintable(route + QStringLiteral(" lost")));
        // The history agrees, for the revisions it still keeps.
        for (const ConfigVersion &version : opened.store->history()) {
            const auto it = acknowledged.find(version.summary);
            if (it != acknowledged.end())
                QCOMPARE(version.revision, it->second);
        }
    }
    qInfo("%zu edits acknowledged over %d runs (%d killed while running)", acknowledged.size(),
          kRuns, killedMidRun);
    QVERIFY(acknowledged.size() > size_t(kRuns)); // the kills did land between edits
}

int main(int argc, char **argv)
{
    if (argc == 4 && qstrcmp(argv[1], "--store-writer") == 0) {
        QCoreApplication app(argc, argv);
        return runWriter(QString::fromLocal8Bit(argv[2]), QString::fromLocal8Bit(argv[3]));
    }
    QCoreApplication app(argc, argv);
    TestStoreCrash test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_store_crash.moc"
