#include "TrafficChartView.h"

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QGridLayout>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QTimer>
#include <QValueAxis>
#include <QVBoxLayout>

#include <cmath>

namespace portico {

namespace {

// The smallest tidy axis maximum at or above v (at least 5): 5, 10, 15, 20, 25, 30, 40, 50, 60,
// 75 times a power of ten, all of which split into five whole-number steps.
double niceCeiling(double v)
{
    static constexpr double kSteps[] = {5, 10, 15, 20, 25, 30, 40, 50, 60, 75};
    if (!std::isfinite(v) || v > 1e12)
        return 5;
    for (double scale = 1;; scale *= 10) {
        for (double step : kSteps) {
            if (step * scale >= v)
                return step * scale;
        }
    }
}

} // namespace

TrafficChartView::TrafficChartView(QWidget *parent)
    : QWidget(parent)
{
    auto *figures = new QGridLayout;
    figures->setHorizontalSpacing(24);
    figures->setVerticalSpacing(0);
    m_total = addFigure(figures, 0, QStringLiteral("total"), tr("requests"));
    m_rate = addFigure(figures, 1, QStringLiteral("rate"), tr("requests/s"));
    m_clientErrors = addFigure(figures, 2, QStringLiteral("4xx"), tr("4xx responses"));
    m_serverErrors = addFigure(figures, 3, QStringLiteral("5xx"), tr("5xx responses"));
    m_active = addFigure(figures, 4, QStringLiteral("active"), tr("active connections"));
    figures->setColumnStretch(5, 1);

    m_series = new QLineSeries;
    m_series->setName(tr("requests/s"));
    QPen pen(QColor(0x1f, 0x6f, 0x8b));
    pen.setWidthF(2.0);
    m_series->setPen(pen);

    m_chart = new QChart;
    m_chart->addSeries(m_series);
    m_chart->legend()->hide();
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart->setBackgroundRoundness(0);

    m_axisX = new QDateTimeAxis;
    m_axisX->setFormat(QStringLiteral("HH:mm:ss"));
    m_axisX->setTickCount(6); // one a minute over five minutes
    m_axisX->setTitleText(tr("last 5 minutes"));
    m_axisY = new QValueAxis;
    m_axisY->setTitleText(tr("requests/s"));
    m_axisY->setTickCount(6);
    m_axisY->setLabelFormat(QStringLiteral("%.0f"));
    m_chart->addAxis(m_axisX, Qt::AlignBottom);
    m_chart->addAxis(m_axisY, Qt::AlignLeft);
    m_series->attachAxis(m_axisX);
    m_series->attachAxis(m_axisY);

    m_chartView = new QChartView(m_chart);
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumHeight(180);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(figures);
    layout->addWidget(m_chartView, 1);

    m_redrawTimer = new QTimer(this);
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
    const qint64 t =
        sample.msecsSinceEpoch ? sample.msecsSinceEpoch : QDateTime::currentMSecsSinceEpoch();
    m_points.emplace_back(double(t), sample.requestsPerSecond);
    while (!m_points.empty() && m_points.front().x() < double(t - kWindowMs))
        m_points.pop_front();
    m_latest = sample;
    m_haveSample = true;
    m_dirty = true;
}

void TrafficChartView::clear()
{
    m_points.clear();
    m_latest = TrafficSample{};
    m_haveSample = false;
    m_dirty = true;
    redraw();
}

int TrafficChartView::pointCount() const
{
    return m_series->count();
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
    auto count = [&](quint64 v) {
        return m_haveSample ? locale.toString(qulonglong(v)) : QStringLiteral("–");
    };
    m_total->setText(count(m_latest.requests));
    m_rate->setText(m_haveSample ? locale.toString(m_latest.requestsPerSecond, 'f', 1)
                                 : QStringLiteral("–"));
    m_clientErrors->setText(count(m_latest.byStatusClass[4]));
    m_serverErrors->setText(count(m_latest.byStatusClass[5]));
    m_active->setText(count(m_latest.activeConnections));

    double maxRate = 0;
    for (const QPointF &p : m_points)
        maxRate = qMax(maxRate, p.y());
    m_series->replace(QList<QPointF>(m_points.begin(), m_points.end()));

    const qint64 end =
        m_points.empty() ? QDateTime::currentMSecsSinceEpoch() : qint64(m_points.back().x());
    m_axisX->setRange(QDateTime::fromMSecsSinceEpoch(end - kWindowMs),
                      QDateTime::fromMSecsSinceEpoch(end));
    const double top = niceCeiling(qMax(5.0, maxRate * 1.1));
    m_axisY->setRange(0, top); // six ticks: whole-number labels
}

} // namespace portico
