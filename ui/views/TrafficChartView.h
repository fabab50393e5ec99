#pragma once

#include "observe/TrafficStats.h"

#include <QWidget>

#include <deque>

class QChart;
class QChartView;
class QDateTimeAxis;
class QGridLayout;
class QLabel;
class QLineSeries;
class QTimer;
class QValueAxis;

namespace portico {

// Live traffic: a line chart of requests/s over the last five minutes and the headline figures
// (total requests, requests/s, 4xx, 5xx, active connections). Samples are only stored when they
// arrive; the chart and labels are redrawn on a one-second timer, and only when something new
// came in, so a busy gateway costs the GUI one repaint a second at most.
class TrafficChartView : public QWidget
{
    Q_OBJECT
public:
    static constexpr qint64 kWindowMs = 5 * 60 * 1000;

    explicit TrafficChartView(QWidget *parent = nullptr);
    ~TrafficChartView() override;

    // Connect GatewayEngine::trafficUpdated here.
    void addSample(const portico::TrafficSample &sample);
    // Forgets the history (e.g. when the engine restarts and its counters begin again).
    void clear();

    // For tests: what the chart and labels currently show.
    int pointCount() const;
    QString figureText(const QString &figure) const; // "total", "rate", "4xx", "5xx", "active"

private:
    void redraw();
    QLabel *addFigure(QGridLayout *grid, int column, const QString &name, const QString &caption);

    QChart *m_chart = nullptr;
    QChartView *m_chartView = nullptr;
    QLineSeries *m_series = nullptr;
    QDateTimeAxis *m_axisX = nullptr;
    QValueAxis *m_axisY = nullptr;
    QTimer *m_redrawTimer = nullptr;
    QLabel *m_total = nullptr;
    QLabel *m_rate = nullptr;
    QLabel *m_clientErrors = nullptr;
    QLabel *m_serverErrors = nullptr;
    QLabel *m_active = nullptr;

    std::deque<QPointF> m_points; // (msecs since epoch, requests/s), oldest first
    TrafficSample m_latest;
    bool m_haveSample = false;
    bool m_dirty = false;
};

} // namespace portico
