#include "CertificateDetails.h"

#include "certs/CertificateStatus.h"

#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>

namespace portico {

CertificateDetails::CertificateDetails(QWidget *parent)
    : QGroupBox(tr("Details"), parent)
    , m_form(new QFormLayout(this))
{
    setObjectName(QStringLiteral("certificateDetails"));
    m_form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    m_subject = addField(tr("Subject:"), QStringLiteral("detailSubject"));
    m_issuer = addField(tr("Issuer:"), QStringLiteral("detailIssuer"));
    m_names = addField(tr("Names:"), QStringLiteral("detailNames"));
    m_validity = addField(tr("Valid:"), QStringLiteral("detailValidity"));
    m_fingerprint = addField(tr("SHA-256:"), QStringLiteral("detailFingerprint"));
    m_fingerprint->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_chain = addField(tr("Chain:"), QStringLiteral("detailChain"));
    m_key = addField(tr("Private key:"), QStringLiteral("detailKey"));
    setCertificate(nullptr, nullptr);
}

QLabel *CertificateDetails::addField(const QString &label, const QString &objectName)
{
    auto *value = new QLabel;
    value->setObjectName(objectName);
    // One line each (wrapped labels in a form can get one line's height), clipped rather than
    // widening the page; the tooltip has all of it.
    value->setMinimumWidth(1);
    value->setTextFormat(Qt::PlainText);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_form->addRow(label, value);
    return value;
}

void CertificateDetails::setCertificate(const CertificateConfig *certificate,
                                        const CertificateStatus *status)
{
    const CertificateInfo *info = status && status->info ? &*status->info : nullptr;
    setTitle(certificate ? tr("Details of %1").arg(certificate->name) : tr("Details"));
    setEnabled(certificate != nullptr);
    const auto time = [](const QDateTime &t) {
        return QLocale().toString(t.toLocalTime(), QLocale::ShortFormat);
    };
    m_subject->setText(info              ? info->subject
                           : certificate ? tr("the certificate cannot be read")
                                         : QString());
    m_issuer->setText(info ? (info->selfSigned ? tr("%1 (itself)").arg(info->issuer) : info->issuer)
                           : QString());
    m_names->setText(info ? servedNames(*info).join(QStringLiteral(", ")) : QString());
    m_validity->setText(info ? tr("%1 to %2").arg(time(info->notBefore), time(info->notAfter))
                             : QString());
    // 16 bytes a line: the whole fingerprint without a very wide panel.
    QString fingerprint = info ? info->sha256Fingerprint : QString();
    for (qsizetype at = 16 * 3 - 1; at < fingerprint.size(); at += 16 * 3)
        fingerprint[at] = u'\n';
    m_fingerprint->setText(fingerprint);
    m_chain->setText(!info ? QString()
                         : info->chainLength <= 1
                         ? tr("the certificate alone")
                         : tr("the certificate and %n more", "", info->chainLength - 1));
    m_key->setText(!certificate ? QString()
                       : certificate->key.isEmpty()
                       ? tr("missing: import it again with its key")
                       : tr("stored (never shown; exports leave it out unless asked)"));
    for (QLabel *value : {m_subject, m_issuer, m_names, m_validity, m_chain, m_key})
        value->setToolTip(value->text());
}

QString CertificateDetails::text() const
{
    QStringList lines;
    for (int row = 0; row < m_form->rowCount(); ++row) {
        auto *label = m_form->itemAt(row, QFormLayout::LabelRole);
        auto *field = m_form->itemAt(row, QFormLayout::FieldRole);
        if (!label || !field)
            continue;
        lines.append(qobject_cast<QLabel *>(label->widget())->text() + u' '
                     + qobject_cast<QLabel *>(field->widget())->text());
    }
    return lines.join(u'\n');
}

} // namespace portico
