#include "LocalCaCertificateDialog.h"

#include "pages/CertificateEdits.h"
#include "views/FieldErrorLabel.h"

#include "certs/LocalCa.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace portico {

LocalCaCertificateDialog::LocalCaCertificateDialog(const Config &config, QWidget *parent)
    : QDialog(parent)
    , m_config(config)
    , m_names(new QLineEdit(QStringLiteral("localhost, 127.0.0.1, ::1")))
    , m_name(new QLineEdit)
    , m_renews(new QLabel)
    , m_authority(new QLabel)
    , m_namesMessage(new FieldErrorLabel(QStringLiteral("caNamesMessage")))
    , m_nameMessage(new FieldErrorLabel(QStringLiteral("caCertificateNameMessage")))
    , m_message(new FieldErrorLabel(QStringLiteral("localCaMessage")))
    , m_errors(m_message)
{
    setObjectName(QStringLiteral("localCaCertificateDialog"));
    setWindowTitle(tr("Create a certificate from the local CA"));
    setMinimumWidth(560);

    m_names->setObjectName(QStringLiteral("caNames"));
    m_names->setPlaceholderText(tr("localhost, 127.0.0.1, ::1, *.app.test"));
    m_name->setObjectName(QStringLiteral("caCertificateName"));
    m_renews->setObjectName(QStringLiteral("caCertificateRenews"));
    m_renews->setWordWrap(true);
    auto *namesHint = new QLabel(tr("Host names, *. wildcards and IP addresses, separated by "
                                    "commas; the first is the certificate's common name."));
    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    form->addRow(tr("&For:"), withErrorLabel(m_names, m_namesMessage, namesHint));
    form->addRow(tr("&Name:"), withErrorLabel(m_name, m_nameMessage, m_renews));
    m_errors.addField(QStringLiteral("name"), m_nameMessage, describeNameError);

    // Where the CA lives, and that it is made now when it is not there yet.
    const QString directory = LocalCa::defaultDirectory();
    const bool exists = QFile::exists(QDir(directory).filePath(LocalCa::kCertificateFile));
    m_authority->setObjectName(QStringLiteral("localCaLocation"));
    m_authority->setWordWrap(true);
    m_authority->setTextFormat(Qt::PlainText);
    m_authority->setForegroundRole(QPalette::PlaceholderText);
    m_authority->setText(
        exists ? tr("Issued by Portico's local CA in %1, valid for 825 days. Browsers and tools "
                    "trust it once its certificate is installed (Export CA certificate…).")
                     .arg(QDir::toNativeSeparators(directory))
               : tr("Portico's local CA does not exist yet: it is created in %1 (valid for ten "
                    "years, its key readable by you alone), then issues this certificate, valid "
                    "for 825 days. Export CA certificate… tells how to trust it.")
                     .arg(QDir::toNativeSeparators(directory)));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    m_create = buttons->addButton(tr("Create"), QDialogButtonBox::AcceptRole);
    m_create->setObjectName(QStringLiteral("createCertificate"));
    m_create->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &LocalCaCertificateDialog::createNow);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_authority);
    layout->addWidget(m_message);
    layout->addStretch(1);
    layout->addWidget(buttons);

    connect(m_names, &QLineEdit::textChanged, this, &LocalCaCertificateDialog::fieldsEdited);
    connect(m_name, &QLineEdit::textChanged, this, &LocalCaCertificateDialog::fieldsEdited);
    fieldsEdited();
}

QString LocalCaCertificateDialog::certificateName() const
{
    const QString typed = m_name->text().trimmed();
    return typed.isEmpty() ? splitNames(m_names->text()).value(0) : typed;
}

void LocalCaCertificateDialog::fieldsEdited()
{
    m_errors.clear();
    m_namesMessage->setMessage(QString());
    const QStringList names = splitNames(m_names->text());
    m_name->setPlaceholderText(names.isEmpty() ? tr("e.g. local-dev")
                                               : tr("%1 (the first name)").arg(names.front()));
    const QString name = certificateName();
    const bool renews = std::any_of(m_config.certificates.begin(), m_config.certificates.end(),
                                    [&](const CertificateConfig &c) { return c.name == name; });
    m_renews->setText(renews ? tr("Replaces the certificate and key of \"%1\" (a renewal); its "
                                  "hosts stay.")
                                   .arg(name)
                             : QString());
    m_renews->setVisible(renews);
    m_create->setEnabled(!names.isEmpty());
}

std::optional<CertificateConfig> LocalCaCertificateDialog::issue()
{
    m_errors.clear();
    const QStringList names = splitNames(m_names->text());
    CertificateConfig candidate;
    candidate.name = certificateName();
    // The name first: a refused name should not cost a CA or a key.
    QString prefix;
    candidate.certificate = QStringLiteral("-");
    const ConfigErrors nameErrors = certificateErrors(m_config, candidate, &prefix);
    for (const ConfigError &e : nameErrors) {
        if (e.path == prefix + QStringLiteral(".name")) {
            m_nameMessage->setMessage(describeNameError(-1, QString(), e.message));
            return std::nullopt;
        }
    }
    QString error;
    const std::optional<LocalCa> ca = LocalCa::loadOrCreate(LocalCa::defaultDirectory(), &error);
    if (!ca) {
        m_message->setMessage(error);
        return std::nullopt;
    }
    const std::optional<IssuedCertificate> issued = ca->issue(names, &error);
    if (!issued) {
        m_namesMessage->setMessage(error);
        return std::nullopt;
    }
    candidate.certificate = QString::fromLatin1(issued->certificatePem);
    candidate.key = QString::fromLatin1(issued->keyPem);
    if (!m_errors.show(certificateErrors(m_config, candidate, &prefix), prefix).empty()
        || m_errors.hasMessages())
        return std::nullopt;
    return candidate;
}

void LocalCaCertificateDialog::createNow()
{
    if (const std::optional<CertificateConfig> certificate = issue())
        Q_EMIT applyRequested(*certificate);
}

void LocalCaCertificateDialog::showResult(const StoreResult &result)
{
    if (result.status == StoreResult::Status::Conflict) {
        m_message->setMessage(tr("The configuration was changed elsewhere meanwhile (now r%1): "
                                 "nothing was stored. Create again to store it over the new "
                                 "version.")
                                  .arg(result.revision));
        return;
    }
    m_errors.show(result.errors, certificatePath(m_config, certificateName()));
    if (result.errors.empty())
        m_message->setMessage(tr("The certificate was not stored."));
}

} // namespace portico
