#pragma once

#include "ControlRoom.h"

#include <QWidget>

#include <vector>

class QAction;
class QGroupBox;
class QLabel;
class QStackedWidget;
class QTableView;
class QTimer;

namespace portico {

class CanarySplit;
class EmptyState;
class FieldErrorLabel;
class ServiceTableModel;
class TargetTableModel;
struct ServiceConfig;
struct StoreResult;

// The services page of the control room: the services and their targets with each target's live
// health, an editor, add and delete, and a canary slider for services with several targets.
class ServicesPage : public QWidget
{
    Q_OBJECT
public:
    explicit ServicesPage(ControlRoom room, QWidget *parent = nullptr);

    ServiceTableModel *model() const { return m_model; }
    TargetTableModel *targetModel() const { return m_targets; }
    CanarySplit *canarySplit() const { return m_canary; }
    QString selectedService() const;
    void selectService(const QString &name);
    QString messageText() const;

    void addService();
    void editService();
    void deleteService(); // asks first
    void loadDemo();
    // Stores new weights for a service's targets (the canary slider's), as one edit.
    bool setWeights(const QString &service, const std::vector<int> &weights);
    // Reads the targets' health from the running engine now (a timer does it twice a second
    // while the page is visible).
    void refreshHealth();

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void reload();
    void selectionChanged();
    void updateEmptyState();
    bool report(const StoreResult &result);
    void removeService(const QString &name);
    void openEditor(const ServiceConfig *service);
    QAction *makeAction(const char *icon, const QString &text, const QString &objectName,
                        const QKeySequence &shortcut, void (ServicesPage::*slot)(),
                        QWidget *scope);

    ControlRoom m_room;
    qint64 m_revision = 0;
    ServiceTableModel *m_model;
    TargetTableModel *m_targets;
    QTableView *m_view;
    QTableView *m_targetView;
    QGroupBox *m_details;
    CanarySplit *m_canary;
    QStackedWidget *m_stack;
    EmptyState *m_empty;
    FieldErrorLabel *m_message;
    QTimer *m_healthTimer;
    QAction *m_add = nullptr;
    QAction *m_edit = nullptr;
    QAction *m_delete = nullptr;
};

} // namespace portico
