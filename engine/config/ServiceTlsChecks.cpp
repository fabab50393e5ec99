#include "ServiceTlsChecks.h"

#include "Addresses.h"
#include "net/PemCertificates.h"

#include <algorithm>

namespace portico::validation {

void checkServiceTls(Checker &check, const FieldPath &base, const ServiceConfig &service,
                     const std::vector<CertificateConfig> &certificates)
{
    if (!service.caBundle.isEmpty()) {
        QString why;
        if (readPemCertificates(service.caBundle.toUtf8(), nullptr, &why) < 0)
            check.add(base.field("ca_bundle"), why);
    }
    if (!service.tlsServerName.isEmpty() && !isValidHostName(service.tlsServerName))
        check.add(base.field("tls_server_name"),
                  QStringLiteral("invalid host name \"%1\"").arg(service.tlsServerName));
    if (!service.clientCertificate.isEmpty()
        && std::none_of(certificates.begin(), certificates.end(), [&](const CertificateConfig &c) {
               return c.name == service.clientCertificate;
           }))
        check.add(base.field("client_certificate"),
                  QStringLiteral("unknown certificate \"%1\" (expected a name in certificates)")
                      .arg(service.clientCertificate));
}

} // namespace portico::validation
