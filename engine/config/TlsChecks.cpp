#include "TlsChecks.h"

#include "Addresses.h"
#include "ConfigValidator.h"
#include "NameIndex.h"
#include "certs/CertificateInfo.h"

#include <QHash>

namespace portico::validation {

namespace {

constexpr qint64 kTwoYearsS = 2 * 366 * 24 * 3600;

// An SNI name: a host name or "*.example.test", never an address (clients send no SNI for one).
QString checkServedName(const QString &name)
{
    if (name.startsWith(QStringLiteral("*.")))
        return isValidHostName(QStringView(name).sliced(2))
            ? QString()
            : QStringLiteral("invalid wildcard name (expected \"*.example.test\")");
    if (isIpAddress(name))
        return QStringLiteral("an address is not a server name: clients send none for it (the "
                              "first certificate is served to them)");
    if (!isValidHostName(name))
        return QStringLiteral("invalid host name");
    return {};
}

} // namespace

void checkTlsSettings(Checker &check, const SettingsConfig &s,
                      const std::vector<CertificateConfig> &certificates)
{
    const QString path = QStringLiteral("settings.listen_tls");
    if (!s.listenTls.isEmpty()) {
        QString message;
        const auto tls = parseHostPort(s.listenTls, &message);
        const auto plain = parseHostPort(s.listen);
        const auto admin = parseHostPort(s.adminListen);
        if (!tls)
            check.add(path, message);
        else if (tls->port != 0 && plain && plain->port == tls->port && plain->host == tls->host)
            check.add(path, QStringLiteral("same address as settings.listen"));
        else if (tls->port != 0 && admin && admin->port == tls->port && admin->host == tls->host)
            check.add(path, QStringLiteral("same address as settings.admin_listen"));
        if (certificates.empty())
            check.add(path, QStringLiteral("no certificate to serve: add one under certificates"));
    }
    if (s.redirectHttp && s.listenTls.isEmpty())
        check.add(QStringLiteral("settings.redirect_http"),
                  QStringLiteral("needs settings.listen_tls: there is no https:// to redirect to"));
    check.range(QStringLiteral("settings.hsts_max_age_s"), s.hstsMaxAgeS, 0, kTwoYearsS);
    check.range(QStringLiteral("settings.certificate_warning_days"), s.certificateWarningDays, 0,
                3650);
}

void checkCertificates(Checker &check, const std::vector<CertificateConfig> &certificates)
{
    const FieldPath list("certificates");
    RepeatFinder repeats = nameRepeats(certificates);
    QHash<QString, qsizetype> servedBy; // SNI name (lower case) -> certificate index
    for (qsizetype i = 0; i < qsizetype(certificates.size()); ++i) {
        const CertificateConfig &c = certificates[size_t(i)];
        check.name(list[i].field("name"), c.name);
        const qint64 first = repeats.firstOf(i);
        if (first >= 0)
            check.add(list[i].field("name"),
                      QStringLiteral("duplicate name \"%1\" (also %2)")
                          .arg(c.name, list[first].toString()));
        for (qsizetype h = 0; h < c.hosts.size(); ++h) {
            const QString message = checkServedName(c.hosts[h]);
            if (!message.isEmpty()) {
                check.add(list[i].field("hosts")[h], message);
                continue;
            }
            const QString name = c.hosts[h].toLower();
            const auto earlier = servedBy.constFind(name);
            if (earlier != servedBy.cend() && *earlier != i)
                check.add(list[i].field("hosts")[h],
                          QStringLiteral("\"%1\" is also served by %2")
                              .arg(c.hosts[h], list[*earlier].toString()));
            else
                servedBy.insert(name, i);
        }
        QString why;
        if (c.certificate.trimmed().isEmpty()) {
            check.add(list[i].field("certificate"), QStringLiteral("missing"));
            continue;
        }
        if (!inspectCertificate(c.certificate.toUtf8(), &why)) {
            check.add(list[i].field("certificate"), why);
            continue;
        }
        if (c.key.trimmed().isEmpty())
            check.add(list[i].field("key"),
                      QStringLiteral("missing (exports leave private keys out unless asked for "
                                     "them: import the key too, or into the store it came from)"));
        else if (!keyMatchesCertificate(c.certificate.toUtf8(), c.key.toUtf8(), &why))
            check.add(list[i].field("key"), why);
    }
}

} // namespace portico::validation
