#pragma once

#include "ControlRoom.h"

#include "config/Config.h"

#include <QPointer>
#include <QWidget>

class QAction;
class QLabel;
class QMessageBox;
class QTableView;

namespace portico {

class ApiKeyTableModel;
class FieldErrorLabel;
class NewKeyDialog;
class RotateKeyDialog;
struct StoreResult;

// The API keys of the selected consumer and what can be done with them: issue a key (shown
// once, in NewKeyDialog), rotate one (with a grace period for the old key) and revoke one
// (after a confirmation). Each is one edit of the store (config/KeyEdits.h, as the Admin API
// does it), made against the revision the panel shows.
class ConsumerKeysPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ConsumerKeysPanel(ControlRoom room, QWidget *parent = nullptr);

    // Null: no consumer selected. `revision`: the configuration's revision the keys come from.
    void setConsumer(const ConsumerConfig *consumer, qint64 revision);
    // States (a key may have expired meanwhile) and last use.
    void refreshKeys();

    QAction *issueAction() const { return m_issue; }
    QAction *rotateAction() const { return m_rotate; }
    QAction *revokeAction() const { return m_revoke; }
    ApiKeyTableModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    // The dialogs currently open, for tests; null when none.
    NewKeyDialog *newKeyDialog() const;
    RotateKeyDialog *rotateDialog() const;
    QMessageBox *confirmation() const;
    QString errorText() const;

    // What the actions do, once confirmed.
    bool issueKey();
    bool rotateKey(const QString &keyId, qint64 graceS);
    bool revokeKey(const QString &keyId);

private:
    const ApiKeyConfig *selectedKey() const;
    void updateActions();
    void selectKey(const QString &keyId);
    void askRotate();
    void askRevoke();
    void showNewKey(const QString &plaintext, const QString &note);
    bool report(const StoreResult &result);

    ControlRoom m_room;
    QString m_consumer;
    qint64 m_revision = 0;
    ApiKeyTableModel *m_model;
    QTableView *m_view;
    QLabel *m_title;
    FieldErrorLabel *m_error;
    QAction *m_issue;
    QAction *m_rotate;
    QAction *m_revoke;
    QPointer<NewKeyDialog> m_newKey;
    QPointer<RotateKeyDialog> m_rotateDialog;
    QPointer<QMessageBox> m_confirm;
};

} // namespace portico
