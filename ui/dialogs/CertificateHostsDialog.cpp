#include "CertificateHostsDialog.h"

#include "pages/CertificateEdits.h"
#include "views/FieldErrorLabel.h"

#include "certs/CertificateInfo.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace portico {

CertificateHostsDialog::CertificateHostsDialog(const Config &config,
                                               const CertificateConfig &certificate,
                                               QWidget *parent)
    : QDialog(parent)
    , m_config(config)
    , m_certificate(certificate)
    , m_hosts(new QLineEdit(certificate.hosts.join(QStringLiteral(", "))))
    , m_message(new FieldErrorLabel(QStringLiteral("certificateHostsDialogMessage")))
    , m_errors(m_message)
{
    setObjectName(QStringLiteral("certificateHostsDialog"));
    setWindowTitle(tr("Hosts of certificate %1").arg(certificate.name));
    setMinimumWidth(520);

    QString unreadable;
    const std::optional<CertificateInfo> info =
        inspectCertificate(certificate.certificate.toUtf8(), &unreadable);
    const QString own = info ? servedNames(*info).join(QStringLiteral(", ")) : QString();
    m_hosts->setObjectName(QStringLiteral("certificateHosts"));
    m_hosts->setPlaceholderText(own.isEmpty() ? tr("the names the certificate carries")
                                              : tr("empty: %1").arg(own));
    auto *hint = new QLabel(tr("The server names (SNI) clients reach this certificate by: host "
                               "names or *.example.test wildcards, separated by commas. Empty: "
                               "the DNS names the certificate carries."));
    auto *hostsMessage = new FieldErrorLabel(QStringLiteral("certificateHostsMessage"));
    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    form->addRow(tr("&Hosts:"), withErrorLabel(m_hosts, hostsMessage, hint));
    m_errors.addField(QStringLiteral("hosts"), hostsMessage,
                      [this](int index, const QString &, const QString &message) {
                          const QStringList list = hosts();
                          return index >= 0 && index < list.size()
                              ? tr("\"%1\": %2").arg(list[index], message)
                              : message;
                      });

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    m_save = buttons->addButton(tr("Save"), QDialogButtonBox::AcceptRole);
    m_save->setObjectName(QStringLiteral("saveCertificateHosts"));
    m_save->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (isValid())
            Q_EMIT applyRequested();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_message);
    layout->addStretch(1);
    layout->addWidget(buttons);
    connect(m_hosts, &QLineEdit::textChanged, this, &CertificateHostsDialog::validate);
    validate();
}

QStringList CertificateHostsDialog::hosts() const
{
    return splitNames(m_hosts->text());
}

bool CertificateHostsDialog::isValid() const
{
    return m_save->isEnabled();
}

void CertificateHostsDialog::validate()
{
    // Only the hosts are this dialog's: other problems of the configuration are not shown here.
    CertificateConfig candidate = m_certificate;
    candidate.hosts = hosts();
    ConfigErrors mine;
    QString prefix;
    const ConfigErrors errors = candidate.hosts.isEmpty()
        ? ConfigErrors() // its own names: nothing to check
        : certificateErrors(m_config, candidate, &prefix);
    for (const ConfigError &e : errors) {
        if (e.path.startsWith(prefix + QStringLiteral(".hosts")))
            mine.push_back(e);
    }
    m_errors.show(mine, prefix);
    m_save->setEnabled(mine.empty());
}

void CertificateHostsDialog::showResult(const StoreResult &result)
{
    if (result.status == StoreResult::Status::Conflict) {
        m_message->setMessage(tr("The configuration was changed elsewhere meanwhile (now r%1): "
                                 "nothing was saved. Save again to apply the hosts over it.")
                                  .arg(result.revision));
        return;
    }
    m_errors.show(result.errors, certificatePath(m_config, m_certificate.name));
    if (result.errors.empty())
        m_message->setMessage(tr("The hosts were not saved."));
}

} // namespace portico
