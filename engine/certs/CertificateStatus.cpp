#include "CertificateStatus.h"

#include "config/DeclarativeReader.h"
#include "config/TreeValue.h"

namespace portico {

QString CertificateStatus::stateName(State state)
{
    switch (state) {
    case State::Valid: return QStringLiteral("valid");
    case State::Expiring: return QStringLiteral("expiring");
    case State::Expired: return QStringLiteral("expired");
    case State::NotYetValid: return QStringLiteral("not_yet_valid");
    case State::Unreadable: return QStringLiteral("unreadable");
    }
    return QString();
}

QString CertificateStatus::warning() const
{
    const QString subject = QStringLiteral("certificate \"%1\"").arg(name);
    const QString day = info ? info->notAfter.date().toString(Qt::ISODate) : QString();
    switch (state) {
    case State::Valid: return QString();
    case State::Expiring:
        return daysLeft == 0 ? QStringLiteral("%1 expires today (%2)").arg(subject, day)
                             : QStringLiteral("%1 expires in %2 day%3 (%4)")
                                   .arg(subject)
                                   .arg(daysLeft)
                                   .arg(daysLeft == 1 ? QString() : QStringLiteral("s"), day);
    case State::Expired: return QStringLiteral("%1 expired on %2").arg(subject, day);
    case State::NotYetValid:
        return QStringLiteral("%1 is not valid before %2")
            .arg(subject, formatTimestamp(info->notBefore));
    case State::Unreadable: return QStringLiteral("%1 cannot be read").arg(subject);
    }
    return QString();
}

CertificateStatus certificateStatus(const CertificateConfig &certificate, int warningDays,
                                    const QDateTime &now)
{
    CertificateStatus status;
    status.name = certificate.name;
    QString unreadable;
    status.info = inspectCertificate(certificate.certificate.toUtf8(), &unreadable);
    if (!status.info)
        return status;
    status.daysLeft = daysUntilExpiry(*status.info, now);
    using State = CertificateStatus::State;
    if (now >= status.info->notAfter)
        status.state = State::Expired;
    else if (now < status.info->notBefore)
        status.state = State::NotYetValid;
    else if (status.daysLeft < warningDays)
        status.state = State::Expiring;
    else
        status.state = State::Valid;
    return status;
}

std::vector<CertificateStatus> certificateStatuses(const Config &config, const QDateTime &now)
{
    std::vector<CertificateStatus> statuses;
    statuses.reserve(config.certificates.size());
    for (const CertificateConfig &certificate : config.certificates)
        statuses.push_back(
            certificateStatus(certificate, config.settings.certificateWarningDays, now));
    return statuses;
}

QStringList certificateWarnings(const Config &config, const QDateTime &now)
{
    QStringList warnings;
    for (const CertificateStatus &status : certificateStatuses(config, now)) {
        const QString warning = status.warning();
        if (!warning.isEmpty())
            warnings.append(warning);
    }
    return warnings;
}

TreeValue certificateDetailsTree(const CertificateStatus &status)
{
    TreeValue tree = TreeValue::map();
    tree.insert("status", CertificateStatus::stateName(status.state));
    if (!status.info)
        return tree;
    const CertificateInfo &info = *status.info;
    tree.insert("subject", info.subject)
        .insert("issuer", info.issuer)
        .insert("names", TreeValue::flowList(servedNames(info)))
        .insert("not_before", formatTimestamp(info.notBefore))
        .insert("not_after", formatTimestamp(info.notAfter))
        .insert("days_left", status.daysLeft)
        .insert("self_signed", info.selfSigned)
        .insert("fingerprint_sha256", info.sha256Fingerprint);
    const QString warning = status.warning();
    if (!warning.isEmpty())
        tree.insert("warning", warning);
    return tree;
}

} // namespace portico
