#include "CertificateEdits.h"

#include "config/ConfigService.h"
#include "config/ConfigValidator.h"

#include <QObject>
#include <QRegularExpression>

#include <algorithm>

namespace portico {

namespace {

using Certificates = std::vector<CertificateConfig>;

Certificates::iterator findByName(Certificates &list, const QString &name)
{
    return std::find_if(list.begin(), list.end(),
                        [&](const CertificateConfig &c) { return c.name == name; });
}

EditOutcome gone(const QString &name)
{
    return EditOutcome{
        StoreResult::Status::NotFound,
        {{QString(),
          QObject::tr("Certificate \"%1\" no longer exists (deleted elsewhere).").arg(name)}},
        {}};
}

} // namespace

StoreResult putCertificate(ConfigService &config, qint64 revision,
                           const CertificateConfig &certificate, const QString &how)
{
    return config.edit(ConfigSource::Gui, QString(), revision, [&](Config &c) {
        const bool replaced = placeCertificate(c.certificates, certificate).replaces;
        const QString summary = replaced ? QStringLiteral("certificate %1 renewed (%2)")
                                         : QStringLiteral("certificate %1 %2");
        return EditOutcome{{}, {}, summary.arg(certificate.name, how)};
    });
}

ConfigErrors certificateErrors(const Config &config, const CertificateConfig &certificate,
                               QString *prefix)
{
    // The certificates alone (the rest is not a certificate dialog's business), the edited one
    // last: validation names a host served twice on the later certificate, so on this one.
    Config probe;
    probe.certificates = config.certificates;
    const CertificatePlace place = placeCertificate(probe.certificates, certificate);
    std::rotate(probe.certificates.begin() + qsizetype(place.index),
                probe.certificates.begin() + qsizetype(place.index) + 1, probe.certificates.end());
    *prefix = QStringLiteral("certificates[%1]").arg(probe.certificates.size() - 1);
    ConfigErrors errors = validateConfig(probe);
    // "also served by certificates[1]": the probe's order is not the table's; say the name.
    static const QRegularExpression other(QStringLiteral("certificates\\[(\\d+)\\]$"));
    for (ConfigError &e : errors) {
        const QRegularExpressionMatch m = other.match(e.message);
        const size_t index = m.hasMatch() ? m.captured(1).toULongLong() : probe.certificates.size();
        if (index < probe.certificates.size())
            e.message.replace(m.capturedStart(), m.capturedLength(),
                              QStringLiteral("certificate %1").arg(probe.certificates[index].name));
    }
    return errors;
}

StoreResult setCertificateHosts(ConfigService &config, qint64 revision, const QString &name,
                                const QStringList &hosts)
{
    return config.edit(ConfigSource::Gui, QStringLiteral("certificate %1 hosts set").arg(name),
                       revision, [&](Config &c) {
                           const auto it = findByName(c.certificates, name);
                           if (it == c.certificates.end())
                               return gone(name);
                           it->hosts = hosts;
                           return EditOutcome{};
                       });
}

StoreResult makeDefaultCertificate(ConfigService &config, qint64 revision, const QString &name)
{
    return config.edit(ConfigSource::Gui, QStringLiteral("certificate %1 made default").arg(name),
                       revision, [&](Config &c) {
                           const auto it = findByName(c.certificates, name);
                           if (it == c.certificates.end())
                               return gone(name);
                           // The others keep their order behind it.
                           std::rotate(c.certificates.begin(), it, it + 1);
                           return EditOutcome{};
                       });
}

StoreResult removeCertificate(ConfigService &config, qint64 revision, const QString &name)
{
    return config.edit(ConfigSource::Gui, QStringLiteral("certificate %1 deleted").arg(name),
                       revision, [&](Config &c) {
                           const auto it = findByName(c.certificates, name);
                           if (it == c.certificates.end())
                               return gone(name);
                           c.certificates.erase(it);
                           return EditOutcome{};
                       });
}

QString certificatePath(const Config &config, const QString &name)
{
    const std::vector<CertificateConfig> &list = config.certificates;
    const auto it = std::find_if(list.begin(), list.end(),
                                 [&](const CertificateConfig &c) { return c.name == name; });
    return QStringLiteral("certificates[%1]").arg(it - list.begin());
}

QStringList splitNames(const QString &text)
{
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    return text.split(separators, Qt::SkipEmptyParts);
}

} // namespace portico
