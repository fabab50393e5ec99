#pragma once

#include "ControlRoom.h"

#include <QPointer>
#include <QWidget>

class QAction;
class QLabel;
class QListView;
class QMessageBox;
class QStackedWidget;
class QStringListModel;
class QTableView;

namespace portico {

class FieldErrorLabel;
class PlanEditor;
class PlanTableModel;

// The plans page of the control room: every plan's limits and how many consumers it covers,
// an editor for the selected plan's limits, add and delete, and the consumers on the plan.
class PlansPage : public QWidget
{
    Q_OBJECT
public:
    explicit PlansPage(ControlRoom room, QWidget *parent = nullptr);

    PlanTableModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    PlanEditor *editor() const { return m_editor; }
    QStringListModel *consumersModel() const { return m_consumers; }
    QMessageBox *confirmation() const; // open now, for tests; null when none
    QString messageText() const;

    bool selectPlan(const QString &name);
    QString selectedName() const;

    void addPlan();
    void deletePlan();                    // asks first
    bool removePlan(const QString &name); // no confirmation

private:
    void reload();
    void selectionChanged();
    void applyEditor();
    void showConsumers(const QString &plan);
    QStringList planNamesExcept(const QString &name) const;

    ControlRoom m_room;
    qint64 m_revision = 0;
    qint64 m_editorRevision = 0;
    PlanTableModel *m_model;
    QTableView *m_view;
    QStackedWidget *m_tableStack;
    PlanEditor *m_editor;
    QStringListModel *m_consumers;
    QListView *m_consumerList;
    QLabel *m_consumersTitle;
    FieldErrorLabel *m_message;
    QAction *m_add;
    QAction *m_delete;
    QPointer<QMessageBox> m_confirm;
};

} // namespace portico
