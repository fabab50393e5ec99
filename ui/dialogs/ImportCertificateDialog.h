#pragma once

#include "views/FieldErrors.h"

#include "config/ConfigStore.h"

#include <QDialog>

#include <optional>

class QLabel;
class QLineEdit;
class QPushButton;

namespace portico {

// Imports a certificate from PEM files: a name, the certificate (chain) file, the key file (or
// none when the certificate's file holds the key too) and the names to serve it for. Import
// reads the files and checks them (the chain parses, the key belongs to it, the name and hosts
// are valid among the other certificates) and shows what is wrong under the field concerned;
// only then does it emit applyRequested(), and the page stores the certificate. A name already
// in use renews that certificate. The key is read, never shown.
class ImportCertificateDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ImportCertificateDialog(const Config &config, QWidget *parent = nullptr);

    // The certificate the files and fields make, or nullopt with the problems shown.
    std::optional<CertificateConfig> checkedCertificate();
    // Puts a refused edit's errors next to their fields; others above the buttons.
    void showResult(const StoreResult &result);
    void importNow(); // what the Import button does

Q_SIGNALS:
    void applyRequested(const portico::CertificateConfig &certificate);

private:
    QLineEdit *fileField(const QString &objectName, const QString &placeholder);
    QWidget *withBrowse(QLineEdit *field, const QString &title);
    void updatePreview();
    void fieldsEdited();

    Config m_config;
    QLineEdit *m_name;
    QLineEdit *m_certificateFile;
    QLineEdit *m_keyFile;
    QLineEdit *m_hosts;
    QLabel *m_preview;
    QLabel *m_renews;
    FieldErrorLabel *m_nameMessage;
    FieldErrorLabel *m_certificateMessage;
    FieldErrorLabel *m_keyMessage;
    FieldErrorLabel *m_hostsMessage;
    FieldErrorLabel *m_message;
    FieldErrors m_errors;
    QPushButton *m_import;
};

} // namespace portico
