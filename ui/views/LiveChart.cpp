#include "LiveChart.h"

#include <QChart>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QEvent>
#include <QLegend>
#include <QLineSeries>
#include <QValueAxis>

#include <cmath>

namespace portico {

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

LiveChart::LiveChart(const QString &title, const QString &unit, QWidget *parent)
    : QChartView(new QChart, parent)
    , m_axisX(new QDateTimeAxis)
    , m_axisY(new QValueAxis)
{
    QChart *c = chart();
    c->setTitle(title);
    c->setMargins(QMargins(2, 2, 2, 2));
    c->setBackgroundRoundness(4);
    c->legend()->setAlignment(Qt::AlignTop);
    c->setAnimationOptions(QChart::NoAnimation); // redrawn every second: animation only blurs

    m_axisX->setFormat(QStringLiteral("HH:mm:ss"));
    m_axisX->setTickCount(4);
    m_axisY->setTitleText(unit);
    m_axisY->setTickCount(6);
    m_axisY->setLabelFormat(QStringLiteral("%.0f"));
    c->addAxis(m_axisX, Qt::AlignBottom);
    c->addAxis(m_axisY, Qt::AlignLeft);

    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(170);
    applyTheme();
}

int LiveChart::addSeries(const QString &name, const QColor &color)
{
    auto *series = new QLineSeries;
    series->setName(name);
    QPen pen(color);
    pen.setWidthF(1.8);
    series->setPen(pen);
    chart()->addSeries(series);
    series->attachAxis(m_axisX);
    series->attachAxis(m_axisY);
    m_series.append(series);
    return int(m_series.size()) - 1;
}

void LiveChart::setPoints(int series, const QList<QPointF> &points)
{
    m_series[series]->replace(points); // one change signal for the whole list
}

void LiveChart::setWindow(qint64 endMs, qint64 spanMs)
{
    m_axisX->setRange(QDateTime::fromMSecsSinceEpoch(endMs - spanMs),
                      QDateTime::fromMSecsSinceEpoch(endMs));
    double top = 0;
    for (const QLineSeries *s : m_series) {
        for (const QPointF &p : s->points()) {
            if (p.x() >= double(endMs - spanMs))
                top = std::max(top, p.y());
        }
    }
    m_axisY->setRange(0, niceCeiling(std::max(5.0, top * 1.1)));
}

int LiveChart::pointCount(int series) const
{
    return int(m_series[series]->count());
}

double LiveChart::axisMaximum() const
{
    return m_axisY->max();
}

void LiveChart::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        applyTheme();
    QChartView::changeEvent(event);
}

void LiveChart::applyTheme()
{
    // The chart follows the window's palette: a dark system theme gets a dark chart.
    const QPalette p = palette();
    const bool dark = p.color(QPalette::Window).lightness() < 128;
    QChart *c = chart();
    QList<QPen> pens;
    for (const QLineSeries *s : m_series)
        pens.append(s->pen());
    c->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    for (qsizetype i = 0; i < m_series.size(); ++i)
        m_series[i]->setPen(pens[i]); // a theme resets series colours; ours carry meaning
    c->setBackgroundBrush(p.color(QPalette::Base));
    c->setTitleBrush(p.color(QPalette::WindowText));
    QFont titleFont = c->titleFont();
    titleFont.setBold(true);
    c->setTitleFont(titleFont);
    c->legend()->setLabelColor(p.color(QPalette::WindowText));
    for (QAbstractAxis *axis : {static_cast<QAbstractAxis *>(m_axisX),
                                static_cast<QAbstractAxis *>(m_axisY)}) {
        axis->setLabelsColor(p.color(QPalette::WindowText));
        axis->setTitleBrush(p.color(QPalette::WindowText));
        QColor grid = p.color(QPalette::WindowText);
        grid.setAlpha(40);
        axis->setGridLineColor(grid);
    }
    setBackgroundBrush(p.color(QPalette::Window));
}

} // namespace portico
