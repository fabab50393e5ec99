#pragma once

#include <QChartView>
#include <QList>
#include <QPointF>

class QDateTimeAxis;
class QLineSeries;
class QValueAxis;

namespace portico {

// One small time chart of the dashboard: a title, a few named lines over the same time axis,
// and a value axis that fits what is visible with tidy whole-number steps. Its owner hands it
// the points (x = msecs since epoch) and the time window; it draws in the palette's light or
// dark theme and follows a theme change.
class LiveChart : public QChartView
{
    Q_OBJECT
public:
    LiveChart(const QString &title, const QString &unit, QWidget *parent = nullptr);

    int addSeries(const QString &name, const QColor &color);
    void setPoints(int series, const QList<QPointF> &points);
    // Shows [endMs - spanMs, endMs] and fits the value axis to the points in it.
    void setWindow(qint64 endMs, qint64 spanMs);

    int pointCount(int series) const;
    double axisMaximum() const;

protected:
    void changeEvent(QEvent *event) override;

private:
    void applyTheme();

    QList<QLineSeries *> m_series;
    QDateTimeAxis *m_axisX;
    QValueAxis *m_axisY;
};

// The smallest tidy axis maximum at or above v (at least 5): 5, 10, 15, 20, 25, 30, 40, 50, 60,
// 75 times a power of ten, all of which split into five whole-number steps.
double niceCeiling(double v);

} // namespace portico
