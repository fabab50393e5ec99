#include "TrafficChartView.h"

#include "LiveChart.h"

#include <QDateTime>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QTimer>
#include <QVBoxLayout>

namespace portico {

namespace {

// Status colours: the same in light and dark themes, and the same as the rest of the app.
const QColor kOk(0x2e, 0x9d, 0x4f);
const QColor kRedirect(0x4a, 0x7f, 0xb5);
const QColor kClientError(0xe6, 0x7e, 0x22);
const QColor kServerError(0xc0, 0x39, 0x2b);
const QColor kMedian(0x4a, 0x7f, 0xb5);
const QColor kP95(0x8e, 0x44, 0xad);

enum RequestSeries { Ok2xx, Redirect3xx, Client4xx, Server5xx };
enum LatencySeries { P50, P95, P99 };
enum ErrorSeries { RateLimited, UpstreamErrors };

QString milliseconds(double ms)
{
    const QLocale locale;
    return ms < 10 ? locale.toString(ms, 'f', 2) + QStringLiteral(" ms")
                   : locale.toString(ms, 'f', ms < 100 ? 1 : 0) + QStringLiteral(" ms");
}

} // namespace

TrafficChartView::TrafficChartView(QWidget *parent)
    : QWidget(parent)
    , m_requests(new LiveChart(tr("Requests/s by status"), tr("requests/s")))
    , m_latency(new LiveChart(tr("Latency"), tr("ms")))
    , m_errors(new LiveChart(tr("Refused and failed"), tr("per second")))
    , m_redrawTimer(new QTimer(this))
{
    auto *figures = new QGridLayout;
    figures->setHorizontalSpacing(28);
    figures->setVerticalSpacing(0);
    m_requests->setObjectName(QStringLiteral("requests"));
    m_latency->setObjectName(QStringLiteral("latency"));
    m_errors->setObjectName(QStringLiteral("errors"));
    int column = 0;
    addFigure(figures, column++, QStringLiteral("total"), tr("requests"));
    addFigure(figures, column++, QStringLiteral("rate"), tr("requests/s"));
    addFigure(figures, column++, QStringLiteral("p95"), tr("p95 latency"));
    addFigure(figures, column++, QStringLiteral("4xx"), tr("4xx responses"));
    addFigure(figures, column++, QStringLiteral("5xx"), tr("5xx responses"));
    addFigure(figures, column++, QStringLiteral("429"), tr("rate limited (429)"));
    addFigure(figures, column++, QStringLiteral("active"), tr("active connections"));
    figures->setColumnStretch(column, 1);

    m_requests->addSeries(tr("2xx"), kOk);
    m_requests->addSeries(tr("3xx"), kRedirect);
    m_requests->addSeries(tr("4xx"), kClientError);
    m_requests->addSeries(tr("5xx"), kServerError);
    m_latency->addSeries(tr("p50"), kMedian);
    m_latency->addSeries(tr("p95"), kP95);
    m_latency->addSeries(tr("p99"), kServerError);
    m_errors->addSeries(tr("429 rate limited"), kClientError);
    m_errors->addSeries(tr("upstream errors (502/504)"), kServerError);

    auto *lower = new QHBoxLayout;
    lower->addWidget(m_latency);
    lower->addWidget(m_errors);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(figures);
    layout->addWidget(m_requests, 1);
    layout->addLayout(lower, 1);

    m_redrawTimer->setInterval(1000);
    connect(m_redrawTimer, &QTimer::timeout, this, &TrafficChartView::redraw);
    m_redrawTimer->start();
    clear();
}

TrafficChartView::~TrafficChartView() = default;

QLabel *TrafficChartView::addFigure(QGridLayout *grid, int column, const QString &name,
                                    const QString &caption)
{
    auto *value = new QLabel(QStringLiteral("–"));
    value->setObjectName(name);
    QFont big = value->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    value->setFont(big);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *label = new QLabel(caption);
    label->setForegroundRole(QPalette::PlaceholderText);
    grid->addWidget(value, 0, column);
    grid->addWidget(label, 1, column);
    return value;
}

void TrafficChartView::addSample(const TrafficSample &sample)
{
    TrafficSample s = sample;
    if (!s.msecsSinceEpoch)
        s.msecsSinceEpoch = QDateTime::currentMSecsSinceEpoch();
    m_history.add(s);
    m_dirty = true;
}

void TrafficChartView::clear()
{
    m_history.clear();
    m_dirty = true;
    redraw();
}

void TrafficChartView::setSpanMs(qint64 spanMs)
{
    m_spanMs = qBound<qint64>(60'000, spanMs, TrafficHistory::kKeepMs);
    m_dirty = true;
    redraw();
}

int TrafficChartView::pointCount() const
{
    return m_requests->pointCount(Ok2xx);
}

LiveChart *TrafficChartView::chart(const QString &name) const
{
    return findChild<LiveChart *>(name);
}

QString TrafficChartView::figureText(const QString &figure) const
{
    const auto *label = findChild<QLabel *>(figure);
    return label ? label->text() : QString();
}

void TrafficChartView::redraw()
{
    if (!m_dirty)
        return;
    m_dirty = false;

    const QLocale locale;
    const bool have = !m_history.isEmpty();
    auto set = [this](const char *name, const QString &text) {
        findChild<QLabel *>(QLatin1String(name))->setText(text);
    };
    auto count = [&](quint64 v) {
        return have ? locale.toString(qulonglong(v)) : QStringLiteral("–");
    };
    const TrafficSample latest = have ? m_history.latest() : TrafficSample{};
    set("total", count(latest.requests));
    set("rate", have ? locale.toString(latest.requestsPerSecond, 'f', 1) : QStringLiteral("–"));
    set("p95", have && latest.latency.count ? milliseconds(latest.latency.p95Ms)
                                            : QStringLiteral("–"));
    set("4xx", count(latest.byStatusClass[4]));
    set("5xx", count(latest.byStatusClass[5]));
    set("429", count(latest.rateLimited));
    set("active", count(latest.activeConnections));

    // Only the points in the window are handed to the charts: 15 minutes of samples are kept.
    const qint64 end = have ? m_history.points().back().msecsSinceEpoch
                            : QDateTime::currentMSecsSinceEpoch();
    QList<QPointF> status[4], latency[3], errors[2];
    for (const TrafficPoint &p : m_history.points()) {
        if (p.msecsSinceEpoch < end - m_spanMs)
            continue;
        const double x = double(p.msecsSinceEpoch);
        for (int c = 0; c < 4; ++c)
            status[c].append(QPointF(x, p.statusPerSecond[size_t(c) + 2]));
        if (p.latency.count) { // no requests, no latency: a gap, not a zero
            latency[P50].append(QPointF(x, p.latency.p50Ms));
            latency[P95].append(QPointF(x, p.latency.p95Ms));
            latency[P99].append(QPointF(x, p.latency.p99Ms));
        }
        errors[RateLimited].append(QPointF(x, p.rateLimitedPerSecond));
        errors[UpstreamErrors].append(QPointF(x, p.upstreamErrorsPerSecond));
    }
    for (int c = 0; c < 4; ++c)
        m_requests->setPoints(c, status[c]);
    for (int c = 0; c < 3; ++c)
        m_latency->setPoints(c, latency[c]);
    for (int c = 0; c < 2; ++c)
        m_errors->setPoints(c, errors[c]);
    for (LiveChart *chart : {m_requests, m_latency, m_errors})
        chart->setWindow(end, m_spanMs);
}

} // namespace portico
