#pragma once

#include "ControlRoom.h"
#include "views/FieldErrors.h"

#include "config/Config.h"

#include <QDialog>
#include <QMap>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;
class QTimer;

namespace portico {

class RouteTesterDialog;

// Adds or edits one route. The fields are checked as the user types (debounced): the route is
// put into a copy of the stored configuration and the validator's errors appear under the
// fields they name; OK stays disabled while any remains. OK applies the change as one edit
// against the revision the dialog was opened on, so a change made elsewhere meanwhile is
// reported as a conflict instead of being overwritten.
class RouteEditorDialog : public QDialog
{
    Q_OBJECT
public:
    // `original` null: a new route.
    RouteEditorDialog(ControlRoom room, const RouteConfig *original, QWidget *parent = nullptr);

    // The route as the fields describe it now (fields the editor does not show are kept).
    RouteConfig route() const;
    // The stored configuration with route() where applying would put it: unsaved, for a test.
    Config editedConfig() const;
    // Opens the route tester on editedConfig(), its URL set for the edited route ("Test…").
    RouteTesterDialog *openTester();
    // The name the route was stored under, once OK applied it.
    QString appliedName() const { return m_appliedName; }
    // Runs the pending check at once (tests; OK does it too).
    void validateNow();
    int errorCount() const { return m_errorCount; }
    QString notice() const;

    void accept() override;

private:
    QWidget *buildMatching();
    QWidget *buildForwarding();
    void load(const RouteConfig &route);
    void scheduleValidation();
    FieldErrorLabel *errorLabel(const QString &field, const QString &objectName);
    void setUpErrors();
    void showErrors(const ConfigErrors &errors, const QString &prefix);

    ControlRoom m_room;
    RouteConfig m_base;     // the original route, or a new one's defaults
    QString m_originalName; // empty when adding
    qint64 m_revision = 0;  // what the edit is made against
    QString m_appliedName;
    int m_errorCount = 0;
    RouteConfig m_checked; // the route of the last check, for the error texts

    QLineEdit *m_name;
    QPlainTextEdit *m_paths;
    QLineEdit *m_hosts;
    QMap<QString, QCheckBox *> m_methods; // the common ones, by name
    QLineEdit *m_otherMethods;
    QComboBox *m_service;
    QCheckBox *m_stripPath;
    QCheckBox *m_enabled;
    QCheckBox *m_authKey;
    QCheckBox *m_authJwt;
    QLineEdit *m_keyHeader;
    QMap<QString, QSpinBox *> m_limits; // "second" .. "month"
    QSpinBox *m_maxBodyKiB;
    FieldErrorLabel *m_general;
    FieldErrorLabel *m_notice; // why the last OK did not apply (a conflict); kept while typing
    QDialogButtonBox *m_buttons;
    QTimer *m_validateTimer;
    FieldErrors m_errors;
    QMap<QString, FieldErrorLabel *> m_errorLabels; // by the validator's field name
};

} // namespace portico
