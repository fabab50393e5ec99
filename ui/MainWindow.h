#pragma once

#include "config/Config.h"

#include <QMainWindow>

class QLabel;
class QSplitter;
class QTableView;

namespace portico {

class GatewayEngine;
class RouteTableModel;
class TrafficChartView;

// The first desktop window: engine state and listener URLs, the routes the engine runs and a
// live traffic chart. It only reads from the engine (cheap, non-blocking calls) and reacts to
// its signals; starting and stopping the engine is the caller's business.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(GatewayEngine *engine, QWidget *parent = nullptr);
    ~MainWindow() override;

    // The configuration the engine was asked to run: shown while it is not running, so a
    // failed start still says what would have run.
    void setRequestedConfig(const Config &config);
    // Why the engine is not running (e.g. "cannot listen on 127.0.0.1:8080: address in use").
    void setStartError(const QString &message);
    // Where the Admin API answers ("http://127.0.0.1:8081") and which store the configuration
    // lives in, for the status line.
    void setAdminInfo(const QString &adminUrl, const QString &storeDescription);
    // Re-reads state, listeners and routes from the engine.
    void refresh();

    RouteTableModel *routeModel() const { return m_routeModel; }
    TrafficChartView *trafficView() const { return m_traffic; }
    QString statusText() const;

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void refreshStatus();
    void refreshRoutes();
    void restoreLayout();
    void saveLayout() const;

    GatewayEngine *m_engine;
    Config m_requested;
    bool m_haveRequested = false;
    QString m_startError;
    QString m_adminUrl;
    QString m_storeDescription;

    QLabel *m_stateLabel = nullptr;
    QLabel *m_listenersLabel = nullptr;
    QLabel *m_routesTitle = nullptr;
    QTableView *m_routeView = nullptr;
    RouteTableModel *m_routeModel = nullptr;
    TrafficChartView *m_traffic = nullptr;
    QSplitter *m_splitter = nullptr;
};

} // namespace portico
