#pragma once

#include "views/FieldErrors.h"

#include "config/ConfigStore.h"

#include <QDialog>

#include <optional>

class QLabel;
class QLineEdit;
class QPushButton;

namespace portico {

// Issues a certificate from the local development CA (LocalCa::defaultDirectory(), created on
// first use) for the names entered, such as localhost, 127.0.0.1, ::1 and *.app.test, and
// hands it to the page to store with applyRequested(). The name defaults to the first name; a
// name already in use renews that certificate and keeps its hosts, as porticod
// --issue-certificate does.
class LocalCaCertificateDialog : public QDialog
{
    Q_OBJECT
public:
    explicit LocalCaCertificateDialog(const Config &config, QWidget *parent = nullptr);

    // Issues the certificate (creating the CA when there is none), or shows why not.
    std::optional<CertificateConfig> issue();
    void showResult(const StoreResult &result);
    void createNow(); // what the Create button does

Q_SIGNALS:
    void applyRequested(const portico::CertificateConfig &certificate);

private:
    QString certificateName() const;
    void fieldsEdited();

    Config m_config;
    QLineEdit *m_names;
    QLineEdit *m_name;
    QLabel *m_renews;
    QLabel *m_authority;
    FieldErrorLabel *m_namesMessage;
    FieldErrorLabel *m_nameMessage;
    FieldErrorLabel *m_message;
    FieldErrors m_errors;
    QPushButton *m_create;
};

} // namespace portico
