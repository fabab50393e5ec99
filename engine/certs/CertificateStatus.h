#pragma once

#include "CertificateInfo.h"
#include "config/Config.h"

#include <QDateTime>
#include <QString>

#include <optional>
#include <vector>

namespace portico {

class TreeValue;

// How a stored certificate stands on a given day: what the Admin API, the log and the app's
// Certificates page flag before it expires.
struct CertificateStatus
{
    enum class State { Valid, Expiring, Expired, NotYetValid, Unreadable };

    QString name;
    std::optional<CertificateInfo> info; // empty when the PEM does not parse
    State state = State::Unreadable;
    int daysLeft = 0;

    // "certificate "web" expires in 5 days (2026-12-04)"; empty while it is simply valid.
    QString warning() const;
    static QString stateName(State state); // "valid", "expiring", "expired", ...
};

// Certificates expiring within `warningDays` of `now` are Expiring.
CertificateStatus certificateStatus(const CertificateConfig &certificate, int warningDays,
                                    const QDateTime &now);
std::vector<CertificateStatus> certificateStatuses(const Config &config, const QDateTime &now);
// The warnings of every certificate that is not simply valid, in list order.
QStringList certificateWarnings(const Config &config, const QDateTime &now);

// {subject, issuer, names, not_before, not_after, days_left, status, fingerprint}: what the
// Admin API adds to a certificate as its read-only "details".
TreeValue certificateDetailsTree(const CertificateStatus &status);

} // namespace portico
