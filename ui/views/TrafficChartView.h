#pragma once

#include "models/TrafficHistory.h"

#include <QWidget>

class QGridLayout;
class QLabel;
class QTimer;

namespace portico {

class LiveChart;

// Live traffic: the headline figures (requests, requests/s, p95 latency, 4xx, 5xx, 429s, active
// connections) and three charts over the last 1, 5 or 15 minutes: requests/s by status class,
// latency p50/p95/p99, and 429s and upstream errors per second. Samples are only stored when
// they arrive; figures and charts are redrawn on a one-second timer, and only when something
// new came in, so a busy gateway costs the GUI one repaint a second at most.
class TrafficChartView : public QWidget
{
    Q_OBJECT
public:
    explicit TrafficChartView(QWidget *parent = nullptr);
    ~TrafficChartView() override;

    // Connect GatewayEngine::trafficUpdated here.
    void addSample(const portico::TrafficSample &sample);
    // Forgets the history (e.g. when the engine restarts and its counters begin again).
    void clear();
    // How much of the history the charts show: 1, 5 or 15 minutes.
    void setSpanMs(qint64 spanMs);
    qint64 spanMs() const { return m_spanMs; }

    // For tests: what the charts and labels currently show.
    int pointCount() const; // points of the requests/s chart's 2xx line
    LiveChart *chart(const QString &name) const; // "requests", "latency", "errors"
    // "total", "rate", "p95", "4xx", "5xx", "429", "active"
    QString figureText(const QString &figure) const;

private:
    void redraw();
    QLabel *addFigure(QGridLayout *grid, int column, const QString &name, const QString &caption);

    TrafficHistory m_history;
    qint64 m_spanMs = 5 * 60 * 1000;
    LiveChart *m_requests;
    LiveChart *m_latency;
    LiveChart *m_errors;
    QTimer *m_redrawTimer;
    bool m_dirty = false;
};

} // namespace portico
