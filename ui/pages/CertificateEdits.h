#pragma once

#include "config/CertificatePlacement.h"
#include "config/ConfigStore.h"

#include <QString>
#include <QStringList>

namespace portico {

class ConfigService;

// The Certificates page's changes, each one edit of the configuration (validated, stored as a
// step of the history, applied to the running gateway's HTTPS listener at once), made against
// the revision the page shows so a change made elsewhere meanwhile is not overwritten.

// Adds `certificate`, or renews the one of that name (placeCertificate).
StoreResult putCertificate(ConfigService &config, qint64 revision,
                           const CertificateConfig &certificate, const QString &how);
StoreResult setCertificateHosts(ConfigService &config, qint64 revision, const QString &name,
                                const QStringList &hosts);
// Moves it first: the certificate served when the client's server name matches no other.
StoreResult makeDefaultCertificate(ConfigService &config, qint64 revision, const QString &name);
StoreResult removeCertificate(ConfigService &config, qint64 revision, const QString &name);

// What validation says about `certificate` put into `config` (added, or renewing the one of its
// name), for a dialog to show before storing: its own errors are at `prefix`
// ("certificates[2]"), and other certificates are named in messages.
ConfigErrors certificateErrors(const Config &config, const CertificateConfig &certificate,
                               QString *prefix);

// Where the store's errors about the certificate named `name` point: "certificates[i]" at its
// index, or past the end for one being added.
QString certificatePath(const Config &config, const QString &name);

// "a, b c" as a list: names are separated by commas or spaces.
QStringList splitNames(const QString &text);

} // namespace portico
