#pragma once

#include "ControlRoom.h"

#include <QPointer>
#include <QWidget>

class QAction;
class QLabel;
class QLineEdit;
class QMessageBox;
class QSortFilterProxyModel;
class QStackedWidget;
class QTableView;
class QTimer;

namespace portico {

class ConsumerDialog;
class ConsumerKeysPanel;
class ConsumerTableModel;
class FieldErrorLabel;
class QuotaPanel;
struct ConsumerConfig;

// The consumers page of the control room: every consumer with its plan, groups, active keys
// and live request rate and 429s, filterable; create, edit and delete consumers; and for the
// selected one its API keys (issue, rotate, revoke) and live quota bars.
class ConsumersPage : public QWidget
{
    Q_OBJECT
public:
    explicit ConsumersPage(ControlRoom room, QWidget *parent = nullptr);

    ConsumerTableModel *model() const { return m_model; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    QTableView *view() const { return m_view; }
    ConsumerKeysPanel *keys() const { return m_keys; }
    QuotaPanel *quotas() const { return m_quotas; }
    // The dialogs open now, for tests; null when none.
    ConsumerDialog *consumerDialog() const;
    QMessageBox *confirmation() const;
    QString messageText() const;

    // Selects the consumer of that name (clearing the filter if it hides it); false if none.
    bool selectConsumer(const QString &name);
    QString selectedName() const;
    void setFilterText(const QString &text);

    // The actions' steps, for tests and shortcuts: open the editor, delete after confirming.
    void addConsumer();
    void editConsumer();
    void deleteConsumer();
    bool removeConsumer(const QString &name); // no confirmation

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void reload();
    void applyFilter();
    void selectionChanged();
    void updateEmptyState();
    void applyDialog();
    const ConsumerConfig *selectedConsumer() const;

    ControlRoom m_room;
    qint64 m_revision = 0;
    ConsumerTableModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_view;
    QLineEdit *m_filter;
    QTimer *m_filterDelay;
    QStackedWidget *m_tableStack;
    QLabel *m_noMatch;
    QStackedWidget *m_detailStack;
    QLabel *m_detailTitle;
    ConsumerKeysPanel *m_keys;
    QuotaPanel *m_quotas;
    FieldErrorLabel *m_message;
    QAction *m_add;
    QAction *m_edit;
    QAction *m_delete;
    QTimer *m_tick;
    QPointer<ConsumerDialog> m_dialog;
    qint64 m_dialogRevision = 0;
    QPointer<QMessageBox> m_confirm;
};

} // namespace portico
