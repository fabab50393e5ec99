#pragma once

#include "views/FieldErrors.h"

#include "config/ConfigStore.h"

#include <QDialog>

class QLineEdit;
class QPushButton;

namespace portico {

// Edits the names a certificate is served for (SNI): host names and *. wildcards, or none to
// serve it for the names it carries. Checked as typed against the other certificates (a name
// served twice, an address); Save emits applyRequested() and the page stores the change.
class CertificateHostsDialog : public QDialog
{
    Q_OBJECT
public:
    CertificateHostsDialog(const Config &config, const CertificateConfig &certificate,
                           QWidget *parent = nullptr);

    QStringList hosts() const;
    QString certificateName() const { return m_certificate.name; }
    bool isValid() const;
    void showResult(const StoreResult &result);

Q_SIGNALS:
    void applyRequested();

private:
    void validate();

    Config m_config;
    CertificateConfig m_certificate;
    QLineEdit *m_hosts;
    FieldErrorLabel *m_message;
    FieldErrors m_errors;
    QPushButton *m_save;
};

} // namespace portico
