#pragma once

#include "ControlRoom.h"

#include <QWidget>

class QAction;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QStackedWidget;
class QTableView;

namespace portico {

class EmptyState;
class FieldErrorLabel;
class RouteTableModel;
class RouteTesterDialog;
struct RouteConfig;
struct StoreResult;

// The routes page of the control room: the stored route table with each route's live figures,
// a filter box, and the actions that change it (add, edit, duplicate, enable/disable, delete),
// each one atomic edit of the store.
class RoutesPage : public QWidget
{
    Q_OBJECT
public:
    explicit RoutesPage(ControlRoom room, QWidget *parent = nullptr);

    RouteTableModel *model() const { return m_model; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    // Names of the selected routes, in table order.
    QStringList selectedRoutes() const;
    void selectRoute(const QString &name);
    // What the last action reported when it could not be applied (empty otherwise).
    QString messageText() const;

    // The actions, also reachable through the header, the context menu and shortcuts.
    void addRoute();
    void editRoute();
    void duplicateRoute();
    void toggleRoutes();
    void deleteRoutes(); // asks first
    void loadDemo();
    // The route tester on the stored configuration, set for the selected route (if one).
    RouteTesterDialog *testRequest();

private:
    void reload();
    void updateActions();
    void updateEmptyState();
    void showContextMenu(const QPoint &pos);
    void openEditor(const RouteConfig *route);
    // Reports a failed edit on the page; returns whether it was applied.
    bool report(const StoreResult &result);
    void removeRoutes(const QStringList &names);
    QAction *makeAction(const char *icon, const QString &text, const QString &objectName,
                        const QKeySequence &shortcut, void (RoutesPage::*slot)(),
                        QWidget *scope);

    ControlRoom m_room;
    qint64 m_revision = 0; // the one the table shows; edits are made against it
    RouteTableModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_view;
    QLineEdit *m_filter;
    QStackedWidget *m_stack;
    EmptyState *m_empty;
    FieldErrorLabel *m_message;
    QAction *m_add = nullptr;
    QAction *m_edit = nullptr;
    QAction *m_duplicate = nullptr;
    QAction *m_toggle = nullptr;
    QAction *m_delete = nullptr;
    QAction *m_test = nullptr;
    QWidget *m_loadDemo = nullptr;
    QWidget *m_clearFilter = nullptr;
};

} // namespace portico
