#pragma once

#include "ControlRoom.h"

#include <QWidget>

class QLabel;

namespace portico {

class TrafficChartView;

// The dashboard: the engine's state and where it listens, and live traffic charts.
class DashboardPage : public QWidget
{
    Q_OBJECT
public:
    explicit DashboardPage(ControlRoom room, QWidget *parent = nullptr);

    void setStartError(const QString &message);
    void setStoreDescription(const QString &description);

    TrafficChartView *trafficView() const { return m_traffic; }
    // The state line as plain text, for tests: "Running · Listening on http://...".
    QString stateText() const;

private:
    void refreshState();

    ControlRoom m_room;
    QString m_startError;
    QString m_storeDescription;
    QLabel *m_state;
    QLabel *m_listeners;
    TrafficChartView *m_traffic;
};

} // namespace portico
