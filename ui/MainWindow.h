#pragma once

#include "ControlRoom.h"

#include <QMainWindow>

class QLabel;
class QListWidget;
class QStackedWidget;

namespace portico {

class DashboardPage;
class HistoryNavigator;
class RouteTesterDialog;
class TrafficPage;
class TransferActions;

// The desktop control room: a navigation list of pages (dashboard, traffic, routes, services,
// consumers, plans, certificates, settings), the File menu's import and export, undo and redo
// over the store's history, and a status bar with the engine's state, its requests/s and the
// configuration's revision.
// It only reads from the engine (cheap, non-blocking calls) and reacts to its signals; starting
// and stopping the engine is the caller's business.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    enum class Page {
        Dashboard, Traffic, Routes, Services, Consumers, Plans, Certificates, Settings
    };

    explicit MainWindow(ControlRoom room, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Why the engine is not running (e.g. "cannot listen on 127.0.0.1:8080: address in use").
    void setStartError(const QString &message);
    // Which store the configuration lives in, for the dashboard ("/home/me/.../portico.db").
    void setStoreDescription(const QString &description);

    void showPage(Page page);
    Page currentPage() const;
    QWidget *page(Page page) const;
    HistoryNavigator *history() const { return m_history; }
    TrafficPage *trafficPage() const { return m_traffic; }
    // The route tester on the stored configuration, with the selected captured request in it
    // (method, URL, headers) when there is one.
    RouteTesterDialog *testTrafficRequest();
    // What the status bar says, for tests: "Running · 1,234 req/s · config r12".
    QString statusText() const;

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void addPage(Page page, const char *icon, const QString &title, QWidget *widget);
    void createMenus();
    void refreshStatus();
    void restoreLayout();
    void saveLayout() const;

    ControlRoom m_room;
    QString m_startError;
    QListWidget *m_navigation = nullptr;
    QStackedWidget *m_pages = nullptr;
    DashboardPage *m_dashboard = nullptr;
    TrafficPage *m_traffic = nullptr;
    HistoryNavigator *m_history = nullptr;
    TransferActions *m_transfer = nullptr;
    QLabel *m_stateLabel = nullptr;
    QLabel *m_rateLabel = nullptr;
    QLabel *m_revisionLabel = nullptr;
    double m_requestsPerSecond = 0.0;
};

} // namespace portico
