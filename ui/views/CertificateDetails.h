#pragma once

#include <QGroupBox>

class QFormLayout;
class QLabel;

namespace portico {

struct CertificateConfig;
struct CertificateStatus;

// What the selected certificate says about itself: subject, issuer, the names it carries, its
// validity, fingerprint and chain; of its key only that there is one (never the key).
class CertificateDetails : public QGroupBox
{
    Q_OBJECT
public:
    explicit CertificateDetails(QWidget *parent = nullptr);

    // Null: nothing selected.
    void setCertificate(const CertificateConfig *certificate, const CertificateStatus *status);
    QString text() const; // every field as "Label: value" lines, for tests

private:
    QLabel *addField(const QString &label, const QString &objectName);

    QFormLayout *m_form;
    QLabel *m_subject;
    QLabel *m_issuer;
    QLabel *m_names;
    QLabel *m_validity;
    QLabel *m_fingerprint;
    QLabel *m_chain;
    QLabel *m_key;
};

} // namespace portico
