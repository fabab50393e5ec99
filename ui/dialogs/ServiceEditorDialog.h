#pragma once

#include "ControlRoom.h"
#include "views/FieldErrors.h"

#include "config/Config.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTableWidget;
class QTimer;

namespace portico {

// Adds or edits one service: its targets (URL and weight), timeouts, retries, Host header and
// how https:// targets are verified (CA bundle, server name, client certificate).
// Checked as the user types, like the route editor: errors under their fields, OK disabled
// while any remains, one edit on OK against the revision the dialog was opened on. Renaming a
// service takes the routes that send to it along, in the same edit.
class ServiceEditorDialog : public QDialog
{
    Q_OBJECT
public:
    ServiceEditorDialog(ControlRoom room, const ServiceConfig *original, QWidget *parent = nullptr);

    ServiceConfig service() const;
    QString appliedName() const { return m_appliedName; }
    void validateNow();
    int errorCount() const { return m_errorCount; }
    QString notice() const;

    void addTarget(const QString &url = QString(), int weight = 100);
    void removeSelectedTarget();
    // The CA certificates https:// targets are verified against (PEM); empty: the system's.
    void setCaBundle(const QString &pem);
    void loadCaBundleFile(); // asks for a PEM file

    void accept() override;

private:
    void load(const ServiceConfig &service);
    QWidget *tlsBox();
    void fillClientCertificates(const QString &selected);
    void showErrors(const ConfigErrors &errors, const QString &prefix);
    // The edit itself: `service` in place of the original, routes following a rename.
    void applyTo(Config &config, const ServiceConfig &service) const;

    ControlRoom m_room;
    ServiceConfig m_base;
    QString m_originalName;
    qint64 m_revision = 0;
    QString m_appliedName;
    int m_errorCount = 0;
    ServiceConfig m_checked;

    QLineEdit *m_name;
    QTableWidget *m_targets;
    QSpinBox *m_connectTimeout;
    QSpinBox *m_readTimeout;
    QSpinBox *m_retries;
    QCheckBox *m_preserveHost;
    QCheckBox *m_tlsVerify;
    QLineEdit *m_tlsServerName;
    QString m_caBundle;
    QLabel *m_caBundleSummary;
    QComboBox *m_clientCertificate;
    FieldErrorLabel *m_general;
    FieldErrorLabel *m_notice;
    QDialogButtonBox *m_buttons;
    QTimer *m_validateTimer;
    FieldErrors m_errors;
};

} // namespace portico
