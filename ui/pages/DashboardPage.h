#pragma once

#include "ControlRoom.h"

#include "observe/TrafficStats.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QTableView;

namespace portico {

class TopTrafficModel;
class TrafficChartView;

// The dashboard: the engine's state and where it listens, live traffic charts over 1, 5 or 15
// minutes, and the busiest routes and consumers.
class DashboardPage : public QWidget
{
    Q_OBJECT
public:
    explicit DashboardPage(ControlRoom room, QWidget *parent = nullptr);

    void setStartError(const QString &message);
    void setStoreDescription(const QString &description);

    TrafficChartView *trafficView() const { return m_traffic; }
    TopTrafficModel *topRoutes() const { return m_topRoutes; }
    TopTrafficModel *topConsumers() const { return m_topConsumers; }
    QComboBox *rangeBox() const { return m_range; }
    // The state line as plain text, for tests: "Running · Listening on http://...".
    QString stateText() const;

private:
    void refreshState();
    void onSample(const TrafficSample &sample);
    QTableView *topTable(TopTrafficModel *model, const QString &name);

    ControlRoom m_room;
    QString m_startError;
    QString m_storeDescription;
    QLabel *m_state;
    QLabel *m_listeners;
    TrafficChartView *m_traffic;
    QComboBox *m_range;
    TopTrafficModel *m_topRoutes;
    TopTrafficModel *m_topConsumers;
    QLabel *m_emptyHint;
};

} // namespace portico
