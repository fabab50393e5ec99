#include "KongCertificates.h"

#include "ForeignNames.h"

#include <yaml-cpp/yaml.h>

namespace portico {

TreeValue kongCertificates(const Config &config, PrivateKeys keys, ForeignReport &report)
{
    TreeValue list = TreeValue::list();
    for (qsizetype i = 0; i < qsizetype(config.certificates.size()); ++i) {
        const CertificateConfig &c = config.certificates[size_t(i)];
        const QString where = entityLabel(indexed(QStringLiteral("certificates"), i), c.name);
        if (keys == PrivateKeys::Omit) {
            report.notCarried.append(where
                                     + QStringLiteral(": not carried: decK needs the "
                                                      "private key (export with keys "
                                                      "to carry it)"));
            continue;
        }
        TreeValue snis = TreeValue::list();
        for (const QString &host : c.hosts)
            snis.append(TreeValue::string(host));
        TreeValue certificate = TreeValue::map();
        certificate.insert("cert", c.certificate).insert("key", c.key);
        if (!snis.isEmpty())
            certificate.insert("snis", std::move(snis));
        else
            report.notes.append(where
                                + QStringLiteral(": no hosts; Kong serves a certificate "
                                                 "without snis to no name"));
        list.append(std::move(certificate));
    }
    if (!list.isEmpty())
        report.notes.append(QStringLiteral("certificates: Kong's default certificate is "
                                           "ssl_cert in kong.conf; Portico's is the first one"));
    return list;
}

void readKongCertificates(const YAML::Node &list, const QString &path, ForeignYaml &yaml,
                          std::vector<CertificateConfig> &out, std::vector<QString> &sources)
{
    if (!ForeignYaml::isSet(list) || !yaml.expectList(list, path))
        return;
    for (size_t i = 0; i < list.size(); ++i) {
        const YAML::Node node = list[i];
        const QString at = indexed(path, qsizetype(i));
        if (!yaml.expectMap(node, at))
            continue;
        CertificateConfig certificate;
        yaml.string(ForeignYaml::at(node, "cert"), at + QStringLiteral(".cert"),
                    certificate.certificate);
        yaml.string(ForeignYaml::at(node, "key"), at + QStringLiteral(".key"), certificate.key);
        const YAML::Node snis = ForeignYaml::at(node, "snis");
        if (ForeignYaml::isSet(snis) && yaml.expectList(snis, at + QStringLiteral(".snis"))) {
            for (size_t s = 0; s < snis.size(); ++s) {
                const QString sniPath = indexed(at + QStringLiteral(".snis"), qsizetype(s));
                QString name;
                if (snis[s].IsMap())
                    yaml.string(ForeignYaml::at(snis[s], "name"), sniPath + QStringLiteral(".name"),
                                name);
                else
                    yaml.string(snis[s], sniPath, name);
                if (!name.isEmpty())
                    certificate.hosts.append(name);
            }
        }
        certificate.name = certificate.hosts.isEmpty()
            ? QStringLiteral("certificate-%1").arg(i + 1)
            : QString(certificate.hosts.constFirst())
                  .replace(QStringLiteral("*."), QStringLiteral("wildcard."));
        out.push_back(std::move(certificate));
        sources.push_back(at);
    }
}

} // namespace portico
