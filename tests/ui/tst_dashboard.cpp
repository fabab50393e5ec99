// The dashboard's parts: chart points from the engine's counters, the busiest routes and
// consumers, the range selector, and what the page shows when there is nothing to show.

#include "ControlRoomFixture.h"
#include "models/TopTrafficModel.h"
#include "models/TrafficHistory.h"
#include "pages/DashboardPage.h"
#include "views/LiveChart.h"
#include "views/TrafficChartView.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLabel>
#include <QLocale>
#include <QStandardPaths>
#include <QTest>

using namespace portico;

namespace {

constexpr qint64 kT0 = 1'800'000'000'000; // any fixed moment

TrafficSample sampleAt(qint64 offsetMs, quint64 ok, quint64 clientErrors = 0,
                       quint64 rateLimited = 0)
{
    TrafficSample s;
    s.msecsSinceEpoch = kT0 + offsetMs;
    s.byStatusClass[2] = ok;
    s.byStatusClass[4] = clientErrors;
    s.rateLimited = rateLimited;
    s.requests = ok + clientErrors;
    return s;
}

RouteTraffic route(const char *name, double rate, quint64 total, double errorRate = 0)
{
    RouteTraffic r;
    r.route = QString::fromLatin1(name);
    r.requestsPerSecond = rate;
    r.requests = total;
    r.errorRate = errorRate;
    r.latency.count = 10;
    r.latency.p95Ms = 4.25;
    return r;
}

} // namespace

class TestDashboard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void historyTurnsCountersIntoRates()
    {
        TrafficHistory history;
        history.add(sampleAt(0, 0));
        history.add(sampleAt(250, 100, 10, 4));
        history.add(sampleAt(500, 200, 20, 8));
        history.add(sampleAt(1000, 400, 40, 16));
        QCOMPARE(history.points().size(), size_t(4));
        QCOMPARE(history.points()[0].statusPerSecond[2], 0.0); // nothing to compare with
        // Each point compares with the sample about a second before it.
        QCOMPARE(history.points()[1].statusPerSecond[2], 400.0);
        QCOMPARE(history.points()[3].statusPerSecond[2], 400.0);
        QCOMPARE(history.points()[3].statusPerSecond[4], 40.0);
        QCOMPARE(history.points()[3].rateLimitedPerSecond, 16.0);
        history.add(sampleAt(1250, 500, 40, 16));
        // 1250 - 250 = 1000 ms back: (500 - 100) / 1 s.
        QCOMPARE(history.points().back().statusPerSecond[2], 400.0);

        // Out of order samples are dropped; a restarted engine's counters count from zero.
        history.add(sampleAt(1100, 9999));
        QCOMPARE(history.points().size(), size_t(5));
        history.add(sampleAt(1500, 50));
        QVERIFY(history.points().back().statusPerSecond[2] >= 0);
        QCOMPARE(history.latest().byStatusClass[2], quint64(50));
    }

    void historyKeepsFifteenMinutes()
    {
        TrafficHistory history;
        for (qint64 t = 0; t <= 20 * 60'000; t += 1000)
            history.add(sampleAt(t, quint64(t / 10)));
        QCOMPARE(history.points().front().msecsSinceEpoch, kT0 + 5 * 60'000);
        QCOMPARE(history.points().size(), size_t(15 * 60 + 1));
        history.clear();
        QVERIFY(history.isEmpty());
    }

    void topModelShowsTheBusiest()
    {
        TopTrafficModel model(TopTrafficModel::Kind::Routes, 3);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        TrafficSample s;
        s.routes = {route("a", 1, 100), route("b", 50, 10, 0.25), route("c", 5, 1000),
                    route("d", 5, 2000), route("e", 0, 1)};
        model.setSample(s);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0, TopTrafficModel::Name).data().toString(), QStringLiteral("b"));
        // Equal rates: more requests since start first.
        QCOMPARE(model.index(1, TopTrafficModel::Name).data().toString(), QStringLiteral("d"));
        QCOMPARE(model.index(2, TopTrafficModel::Name).data().toString(), QStringLiteral("c"));
        const QLocale locale;
        QCOMPARE(model.index(0, TopTrafficModel::Detail).data().toString(),
                 QStringLiteral("p95 %1 ms, %2% 5xx")
                     .arg(locale.toString(4.25, 'f', 1), locale.toString(25.0, 'f', 1)));
        QVERIFY(model.index(0, TopTrafficModel::Detail).data(Qt::ForegroundRole).isValid());
        QCOMPARE(model.headerData(TopTrafficModel::Name, Qt::Horizontal).toString(),
                 QStringLiteral("Route"));

        s.routes = {route("z", 2, 2)};
        model.setSample(s);
        QCOMPARE(model.rowCount(), 1);
        model.clear();
        QCOMPARE(model.rowCount(), 0);

        TopTrafficModel consumers(TopTrafficModel::Kind::Consumers);
        QAbstractItemModelTester consumerTester(
            &consumers, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ConsumerTraffic c;
        c.consumer = QStringLiteral("mobile-app");
        c.requestsPerSecond = 12;
        c.requests = 1200;
        c.rateLimited = 7;
        s.consumers = {c};
        consumers.setSample(s);
        QCOMPARE(consumers.rowCount(), 1);
        QCOMPARE(consumers.index(0, TopTrafficModel::Detail).data().toString(),
                 QStringLiteral("7 refused (429)"));
    }

    void chartsFollowTheRange()
    {
        TrafficChartView view;
        // Ten minutes of samples, one a second.
        for (qint64 t = 0; t <= 10 * 60'000; t += 1000) {
            TrafficSample s = sampleAt(t, quint64(t / 10), 0, quint64(t / 1000));
            s.latency.count = 5;
            s.latency.p50Ms = 1;
            s.latency.p95Ms = 2.5;
            s.latency.p99Ms = 9;
            view.addSample(s);
        }
        view.setSpanMs(60'000);
        QCOMPARE(view.pointCount(), 61);
        view.setSpanMs(15 * 60'000);
        QCOMPARE(view.pointCount(), 601);
        view.setSpanMs(5 * 60'000);
        QCOMPARE(view.pointCount(), 301);
        QCOMPARE(view.chart(QStringLiteral("latency"))->pointCount(2), 301);
        // 100 requests/s: the axis ends at the next tidy value above 110.
        QCOMPARE(view.chart(QStringLiteral("requests"))->axisMaximum(), 150.0);
        QCOMPARE(view.figureText(QStringLiteral("p95")), QLocale().toString(2.5, 'f', 2)
                                                             + QStringLiteral(" ms"));
        QCOMPARE(view.figureText(QStringLiteral("429")), QStringLiteral("600"));
    }

    void dashboardHintsWhenThereAreNoRoutes()
    {
        ControlRoomFixture fixture;
        DashboardPage page(fixture.room());
        page.show();
        auto *hint = page.findChild<QLabel *>(QStringLiteral("emptyHint"));
        QVERIFY(hint && hint->isVisible());
        QVERIFY(hint->text().contains(QStringLiteral("No routes yet")));
        QVERIFY(fixture.config
                    ->edit(ConfigSource::Gui, QStringLiteral("route added"), 0,
                           [](Config &c) {
                               c.services.push_back({QStringLiteral("s"),
                                                     {{QStringLiteral("http://127.0.0.1:1"), 1}}});
                               RouteConfig r;
                               r.name = QStringLiteral("r");
                               r.paths = {QStringLiteral("/r")};
                               r.service = QStringLiteral("s");
                               c.routes.push_back(r);
                               return EditOutcome{};
                           })
                    .ok());
        QVERIFY(!hint->isVisible());

        // The range box drives the charts.
        page.rangeBox()->setCurrentIndex(2);
        QCOMPARE(page.trafficView()->spanMs(), 15 * 60'000);
    }
};

QTEST_MAIN(TestDashboard)
#include "tst_dashboard.moc"
