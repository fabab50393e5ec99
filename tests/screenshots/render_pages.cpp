// Renders every page of the desktop window (and the route tester) with realistic data and writes
// them as PNGs:
//   render_pages OUTPUT_DIR [--dark]
// --dark renders them in a dark palette, as on a desktop with a dark theme.
// The demo services and configuration, more consumers, keys and plans, certificates from a local
// CA in a temporary directory (one expiring soon), and about twenty seconds
// of traffic of every kind (answers, 401s, 404s, 429s) through the real engine, so the charts,
// tables and quota bars show what a user sees after a while. scripts/screenshots runs it under
// Xvfb and writes docs/screenshots/.

#include "ControlRoom.h"
#include "MainWindow.h"
#include "dialogs/RouteTesterDialog.h"
#include "models/TrafficTableModel.h"
#include "pages/RoutesPage.h"
#include "pages/TrafficPage.h"

#include "certs/LocalCa.h"
#include "config/ApiKeys.h"
#include "config/ConfigService.h"
#include "config/ConfigStore.h"
#include "demo/DemoConfig.h"
#include "demo/MockServices.h"
#include "net/GatewayEngine.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QSettings>
#include <QStandardPaths>
#include <QStyleFactory>
#include <QTemporaryDir>
#include <QTableView>
#include <QPalette>
#include <QTimer>

using namespace portico;

namespace {

struct Caller
{
    const char *path;
    const char *key; // nullptr: anonymous
    int weight;
};

// Who calls what, and how often (weights): the users route is busiest, mobile-app goes past
// its plan's 5 requests a second now and then, some callers forget their key or the path.
const Caller kCallers[] = {
    {"/users/1", nullptr, 30},           {"/api/v1/users/2", nullptr, 12},
    {"/orders/1", "web-key-4f2a", 14},   {"/orders/2", "partner-key-77c1", 8},
    {"/orders/3", "demo-key-123", 10},   {"/payments/pay_1", "web-key-4f2a", 10},
    {"/orders/1", nullptr, 3},           {"/reports", nullptr, 2},
    {"/users/99", nullptr, 2},           {"/payments/pay_2", "ci-key-0b9e", 6},
};

// Certificates from a local CA of its own (PORTICO_CA_DIR is a temporary directory): one for
// localhost, one with hosts of its own, and one that expires in twelve days.
void addCertificates(Config &c)
{
    QString error;
    const std::optional<LocalCa> ca = LocalCa::loadOrCreate(LocalCa::defaultDirectory(), &error);
    if (!ca)
        qFatal("cannot create the local CA: %s", qPrintable(error));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    auto add = [&](const char *name, QStringList names, QStringList hosts, QDateTime notBefore,
                   QDateTime notAfter) {
        const std::optional<IssuedCertificate> issued =
            ca->issue(names, &error, notBefore, notAfter);
        if (!issued)
            qFatal("cannot issue: %s", qPrintable(error));
        c.certificates.push_back({QString::fromLatin1(name), std::move(hosts),
                                  QString::fromLatin1(issued->certificatePem),
                                  QString::fromLatin1(issued->keyPem)});
    };
    add("localhost", {"localhost", "127.0.0.1", "::1"}, {}, {}, {});
    add("api", {"api.example.test", "*.api.example.test"},
        {"api.example.test", "*.api.example.test"}, now.addDays(-30), now.addDays(365));
    add("staging", {"staging.app.test"}, {}, now.addDays(-813), now.addDays(12).addSecs(3600));
    c.settings.listenTls = QStringLiteral("127.0.0.1:0");
    c.settings.hstsMaxAgeS = 31'536'000;
}

Config screenshotConfig(const MockServices &mocks)
{
    Config c = makeDemoConfig(mocks);
    c.settings.listen = QStringLiteral("127.0.0.1:0");
    c.settings.adminListen = QString();
    c.settings.workers = 2;
    c.settings.observe.captureBodyKib = 4; // the Traffic page's details show bodies
    const QDateTime created = QDateTime::currentDateTimeUtc().addDays(-12);
    c.plans.push_back({QStringLiteral("pro"), {20, 1000, 0, 200'000, 0}});
    c.plans.push_back({QStringLiteral("partner"), {0, 600, 20'000, 0, 1'000'000}});
    auto addConsumer = [&](const char *name, const char *plan, const char *key,
                           QStringList groups) {
        ConsumerConfig consumer;
        consumer.name = QString::fromLatin1(name);
        consumer.plan = QString::fromLatin1(plan);
        consumer.groups = std::move(groups);
        consumer.keys.push_back(storedApiKey(QString::fromLatin1(key), created));
        c.consumers.append(consumer);
    };
    addConsumer("web-app", "pro", "web-key-4f2a", {QStringLiteral("internal")});
    addConsumer("partner-acme", "partner", "partner-key-77c1", {QStringLiteral("partners")});
    addConsumer("ci-bot", "free", "ci-key-0b9e", {QStringLiteral("internal")});
    // A revoked and an expired key, as lists show them.
    ApiKeyConfig old = storedApiKey(QStringLiteral("web-key-old-91d0"), created.addDays(-90));
    old.revoked = created.addDays(-1);
    c.consumers[1].keys.push_back(old);
    for (RouteConfig &route : c.routes) {
        if (route.name == QLatin1String("payments")) {
            route.auth = {QStringLiteral("key")};
            route.rateLimit.minute = 300;
        }
    }
    addCertificates(c);
    return c;
}

// Sends requests at about `perSecond`, picked by weight, until stopped.
class Traffic : public QObject
{
public:
    Traffic(QString base, int perSecond)
        : m_base(std::move(base))
    {
        for (const Caller &c : kCallers)
            m_total += c.weight;
        connect(&m_timer, &QTimer::timeout, this, [this] { send(); });
        m_timer.start(1000 / perSecond);
    }

private:
    void send()
    {
        int pick = int(QRandomGenerator::global()->bounded(m_total));
        const Caller *caller = kCallers;
        while (pick >= caller->weight)
            pick -= (caller++)->weight;
        QNetworkRequest request(QUrl(m_base + QLatin1String(caller->path)));
        if (caller->key)
            request.setRawHeader("X-API-Key", caller->key);
        QNetworkReply *reply = m_network.get(request);
        connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
        // mobile-app in a hurry: bursts past its plan's 5 requests a second.
        if (QRandomGenerator::global()->bounded(40) == 0) {
            for (int i = 0; i < 8; ++i) {
                QNetworkRequest burst(QUrl(m_base + QStringLiteral("/orders/%1").arg(i % 3 + 1)));
                burst.setRawHeader("X-API-Key", "demo-key-123");
                QNetworkReply *r = m_network.get(burst);
                connect(r, &QNetworkReply::finished, r, &QObject::deleteLater);
            }
        }
    }

    QString m_base;
    QNetworkAccessManager m_network;
    QTimer m_timer;
    int m_total = 0;
};

// What a dark desktop theme gives Qt applications: Fusion's dark palette.
void useDarkPalette()
{
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x30), base(0x1e, 0x1f, 0x22), text(0xdf, 0xe1, 0xe5);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x8c, 0x90, 0x96));
    p.setColor(QPalette::Highlight, QColor(0x35, 0x74, 0xf0));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x58, 0x9d, 0xf6));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x6c, 0x70, 0x76));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x6c, 0x70, 0x76));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x6c, 0x70, 0x76));
    QApplication::setPalette(p);
}

void wait(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

// The newest request of mobile-app or web-app that went through (its key redacted, its
// decisions and timing), as a user would click on it in the Traffic page.
void selectInterestingRequest(TrafficPage *page)
{
    const QAbstractItemModel *rows = page->view()->model();
    for (int row = rows->rowCount() - 1; row >= 0; --row) {
        const auto record = rows->index(row, 0)
                                .data(TrafficTableModel::RecordRole)
                                .value<CaptureRecordPtr>();
        if (record && record->hasHeaders && record->status == 200 && !record->consumer.isEmpty()
            && record->route == "orders") {
            page->selectRow(row);
            return;
        }
    }
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("portico-screenshots"));
    QStandardPaths::setTestModeEnabled(true); // never the user's settings or store
    QSettings().clear();
    const bool dark = argc == 3 && QByteArrayView(argv[2]) == "--dark";
    if (argc != 2 && !dark) {
        qCritical("usage: render_pages OUTPUT_DIR [--dark]");
        return 2;
    }
    if (dark)
        useDarkPalette();
    const QDir out(QString::fromLocal8Bit(argv[1]));
    QTemporaryDir caDir; // never the user's local CA
    qputenv("PORTICO_CA_DIR", caDir.path().toLocal8Bit());
    if (!QDir().mkpath(out.path()))
        qFatal("cannot create %s", argv[1]);

    MockServices mocks;
    QString why;
    if (!mocks.start(&why))
        qFatal("cannot start the demo services: %s", qPrintable(why));
    ConfigStore::OpenResult opened =
        ConfigStore::open(ConfigStore::kInMemory, screenshotConfig(mocks));
    if (!opened.store)
        qFatal("%s", qPrintable(opened.error));
    GatewayEngine engine;
    ConfigService config(std::move(opened.store), [&engine](const Config &c) {
        return engine.isRunning() ? engine.apply(c, ConfigCheck::AlreadyValidated)
                                  : ConfigErrors();
    });
    ConfigErrors errors;
    if (!engine.start(config.config(), &errors))
        qFatal("cannot start the engine: %s",
               errors.empty() ? "" : qPrintable(errors.front().toString()));

    MainWindow window(ControlRoom{&engine, &config, QStringLiteral("http://127.0.0.1:8081")});
    window.setStoreDescription(QStringLiteral("/home/dev/.local/share/Portico/portico/portico.db"));
    window.resize(1280, 800);
    window.show();

    // The last minute: what there is of history fills the charts.
    if (auto *range = window.page(MainWindow::Page::Dashboard)->findChild<QComboBox *>(
            QStringLiteral("range")))
        range->setCurrentIndex(0);
    Traffic traffic(engine.listenerUrls().value(0), 60);
    wait(25'000); // enough history for the charts, and quota use to show

    struct Shot
    {
        MainWindow::Page page;
        const char *file;
        const char *select; // the row whose details show, as after a click
    };
    const Shot shots[] = {{MainWindow::Page::Dashboard, "dashboard.png", nullptr},
                          {MainWindow::Page::Traffic, "traffic.png", nullptr},
                          {MainWindow::Page::Routes, "routes.png", "orders"},
                          {MainWindow::Page::Services, "services.png", "payments"},
                          {MainWindow::Page::Consumers, "consumers.png", "mobile-app"},
                          {MainWindow::Page::Plans, "plans.png", "free"},
                          {MainWindow::Page::Certificates, "certificates.png", "staging"},
                          {MainWindow::Page::Settings, "settings.png", nullptr}};
    for (const Shot &shot : shots) {
        window.showPage(shot.page);
        // The page's first list that has the row (a page may hold several lists).
        const auto lists = window.page(shot.page)->findChildren<QAbstractItemView *>();
        for (QAbstractItemView *list : lists) {
            if (!shot.select || !list->model() || list->model()->rowCount() == 0)
                continue;
            const QModelIndexList rows = list->model()->match(
                list->model()->index(0, 0), Qt::DisplayRole, QLatin1String(shot.select), 1,
                Qt::MatchExactly);
            if (!rows.isEmpty()) {
                list->setCurrentIndex(rows.front());
                break;
            }
        }
        wait(2'200); // live figures and quota bars refresh about once a second
        if (shot.page == MainWindow::Page::Traffic) {
            // Requests since the page opened have their headers: pick one, as after a click.
            selectInterestingRequest(window.trafficPage());
            wait(600);
        }
        const QString path = out.filePath(QLatin1String(shot.file));
        if (!window.grab().save(path))
            qFatal("cannot write %s", qPrintable(path));
        qInfo("wrote %s", qPrintable(path));
    }

    // The route tester over the routes page, as a user tries a keyed request to orders.
    window.showPage(MainWindow::Page::Routes);
    auto *routes = qobject_cast<RoutesPage *>(window.page(MainWindow::Page::Routes));
    RouteTesterDialog *tester = routes->testRequest();
    tester->setRequest(QStringLiteral("GET"),
                       engine.listenerUrls().value(0) + QStringLiteral("/orders/42?expand=items"),
                       QStringLiteral("X-API-Key: web-key-4f2a\nAccept: application/json"));
    QEventLoop tested;
    QObject::connect(tester, &RouteTesterDialog::tested, &tested, &QEventLoop::quit);
    tester->runTest();
    tested.exec();
    wait(300);
    const QString testerPath = out.filePath(QStringLiteral("route-tester.png"));
    if (!tester->grab().save(testerPath))
        qFatal("cannot write %s", qPrintable(testerPath));
    qInfo("wrote %s", qPrintable(testerPath));
    tester->close();
    engine.stop();
    mocks.stop();
    return 0;
}
