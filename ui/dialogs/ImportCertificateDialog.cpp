#include "ImportCertificateDialog.h"

#include "PemFiles.h"
#include "pages/CertificateEdits.h"
#include "views/FieldErrorLabel.h"

#include "certs/CertificateInfo.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace portico {

namespace {

QString summaryOf(const CertificateInfo &info)
{
    return QObject::tr("For %1 · issued by %2 · valid until %3")
        .arg(servedNames(info).join(QStringLiteral(", ")), info.issuer,
             QLocale().toString(info.notAfter.toLocalTime().date(), QLocale::ShortFormat));
}

} // namespace

ImportCertificateDialog::ImportCertificateDialog(const Config &config, QWidget *parent)
    : QDialog(parent)
    , m_config(config)
    , m_name(new QLineEdit)
    , m_certificateFile(fileField(QStringLiteral("certificateFile"), tr("fullchain.pem")))
    , m_keyFile(fileField(QStringLiteral("keyFile"),
                          tr("none: the certificate's file holds the key too")))
    , m_hosts(new QLineEdit)
    , m_preview(new QLabel)
    , m_renews(new QLabel)
    , m_nameMessage(new FieldErrorLabel(QStringLiteral("certificateNameMessage")))
    , m_certificateMessage(new FieldErrorLabel(QStringLiteral("certificateFileMessage")))
    , m_keyMessage(new FieldErrorLabel(QStringLiteral("keyFileMessage")))
    , m_hostsMessage(new FieldErrorLabel(QStringLiteral("certificateHostsMessage")))
    , m_message(new FieldErrorLabel(QStringLiteral("importCertificateMessage")))
    , m_errors(m_message)
{
    setObjectName(QStringLiteral("importCertificateDialog"));
    setWindowTitle(tr("Import certificate"));
    setMinimumWidth(560);

    m_name->setObjectName(QStringLiteral("certificateName"));
    m_name->setPlaceholderText(tr("e.g. api-example"));
    m_hosts->setObjectName(QStringLiteral("certificateHosts"));
    m_hosts->setPlaceholderText(tr("empty: the names the certificate carries"));
    m_preview->setObjectName(QStringLiteral("certificatePreview"));
    m_preview->setWordWrap(true);
    m_renews->setObjectName(QStringLiteral("certificateRenews"));
    m_renews->setWordWrap(true);

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    form->addRow(tr("&Name:"), withErrorLabel(m_name, m_nameMessage, m_renews));
    form->addRow(tr("&Certificate:"),
                 withErrorLabel(withBrowse(m_certificateFile, tr("Certificate file")),
                                m_certificateMessage, m_preview));
    form->addRow(tr("&Key:"),
                 withErrorLabel(withBrowse(m_keyFile, tr("Private key file")), m_keyMessage));
    form->addRow(tr("&Hosts:"), withErrorLabel(m_hosts, m_hostsMessage));
    m_errors.addField(QStringLiteral("name"), m_nameMessage, describeNameError);
    m_errors.addField(QStringLiteral("certificate"), m_certificateMessage);
    m_errors.addField(QStringLiteral("key"), m_keyMessage);
    m_errors.addField(QStringLiteral("hosts"), m_hostsMessage,
                      [this](int index, const QString &, const QString &message) {
                          const QStringList hosts = splitNames(m_hosts->text());
                          return index >= 0 && index < hosts.size()
                              ? tr("\"%1\": %2").arg(hosts[index], message)
                              : message;
                      });

    auto *note = new QLabel(tr("The key stays in Portico's store: exports leave it out unless "
                               "asked for it, and the window never shows it."));
    note->setWordWrap(true);
    note->setForegroundRole(QPalette::PlaceholderText);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    m_import = buttons->addButton(tr("Import"), QDialogButtonBox::AcceptRole);
    m_import->setObjectName(QStringLiteral("importCertificate"));
    m_import->setDefault(true);
    // Import does not close the dialog: it closes once the certificate is stored.
    connect(buttons, &QDialogButtonBox::accepted, this, &ImportCertificateDialog::importNow);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(m_message);
    layout->addStretch(1);
    layout->addWidget(buttons);

    for (QLineEdit *field : {m_name, m_certificateFile, m_keyFile, m_hosts})
        connect(field, &QLineEdit::textChanged, this, &ImportCertificateDialog::fieldsEdited);
    connect(m_certificateFile, &QLineEdit::textChanged, this,
            &ImportCertificateDialog::updatePreview);
    fieldsEdited();
    updatePreview();
}

QLineEdit *ImportCertificateDialog::fileField(const QString &objectName, const QString &placeholder)
{
    auto *field = new QLineEdit;
    field->setObjectName(objectName);
    field->setPlaceholderText(placeholder);
    return field;
}

QWidget *ImportCertificateDialog::withBrowse(QLineEdit *field, const QString &title)
{
    auto *browse = new QPushButton(tr("Browse…"));
    browse->setObjectName(field->objectName() + QStringLiteral("Browse"));
    connect(browse, &QPushButton::clicked, this, [this, field, title] {
        const QString path = QFileDialog::getOpenFileName(
            this, title, field->text(), tr("PEM files (*.pem *.crt *.cer *.key);;All files (*)"));
        if (!path.isEmpty())
            field->setText(path);
    });
    auto *row = new QWidget;
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(field, 1);
    layout->addWidget(browse);
    return row;
}

void ImportCertificateDialog::fieldsEdited()
{
    // Old problems go as the fields change; Import checks everything again.
    m_errors.clear();
    const QString name = m_name->text().trimmed();
    const bool renews = std::any_of(m_config.certificates.begin(), m_config.certificates.end(),
                                    [&](const CertificateConfig &c) { return c.name == name; });
    m_renews->setText(renews ? tr("Replaces the certificate and key of \"%1\" (a renewal); its "
                                  "hosts stay unless set below.")
                                   .arg(name)
                             : QString());
    m_renews->setVisible(renews);
    m_import->setEnabled(!name.isEmpty() && !m_certificateFile->text().trimmed().isEmpty());
}

void ImportCertificateDialog::updatePreview()
{
    // What the chosen file holds, as soon as it is chosen: the right file, before importing.
    QString error;
    const QString path = m_certificateFile->text().trimmed();
    const std::optional<QByteArray> pem =
        path.isEmpty() ? std::nullopt : readPemCertificates(path, &error);
    const std::optional<CertificateInfo> info =
        pem ? inspectCertificate(*pem, &error) : std::nullopt;
    m_preview->setText(info ? summaryOf(*info) : QString());
    m_preview->setVisible(info.has_value());
}

std::optional<CertificateConfig> ImportCertificateDialog::checkedCertificate()
{
    m_errors.clear();
    CertificateConfig candidate;
    candidate.name = m_name->text().trimmed();
    candidate.hosts = splitNames(m_hosts->text());
    const QString certificatePath = m_certificateFile->text().trimmed();
    const QString keyPath = m_keyFile->text().trimmed();
    QString error;
    const std::optional<QByteArray> chain = readPemCertificates(certificatePath, &error);
    if (!chain) {
        m_certificateMessage->setMessage(error);
        return std::nullopt;
    }
    const std::optional<QByteArray> key =
        readPemPrivateKey(keyPath.isEmpty() ? certificatePath : keyPath, &error);
    if (!key) {
        m_keyMessage->setMessage(keyPath.isEmpty() ? tr("%1; choose the key's file").arg(error)
                                                   : error);
        return std::nullopt;
    }
    if (!inspectCertificate(*chain, &error)) {
        m_certificateMessage->setMessage(error);
        return std::nullopt;
    }
    if (!keyMatchesCertificate(*chain, *key, &error)) {
        m_keyMessage->setMessage(error);
        return std::nullopt;
    }
    candidate.certificate = QString::fromLatin1(*chain);
    candidate.key = QString::fromLatin1(*key);
    QString prefix;
    if (!m_errors.show(certificateErrors(m_config, candidate, &prefix), prefix).empty()
        || m_errors.hasMessages())
        return std::nullopt;
    return candidate;
}

void ImportCertificateDialog::importNow()
{
    if (const std::optional<CertificateConfig> certificate = checkedCertificate())
        Q_EMIT applyRequested(*certificate);
}

void ImportCertificateDialog::showResult(const StoreResult &result)
{
    if (result.status == StoreResult::Status::Conflict) {
        m_message->setMessage(tr("The configuration was changed elsewhere meanwhile (now r%1): "
                                 "nothing was stored. Import again to store it over the new "
                                 "version.")
                                  .arg(result.revision));
        return;
    }
    m_errors.show(result.errors, certificatePath(m_config, m_name->text().trimmed()));
    if (result.errors.empty())
        m_message->setMessage(tr("The certificate was not stored."));
}

} // namespace portico
