#pragma once

#include "Checker.h"
#include "Config.h"
#include "FieldPath.h"

namespace portico::validation {

// Validation of the HTTPS listener's settings and of the certificates, with ConfigValidator's
// conventions (one error per problem, in field order, each naming its path).

// settings.listen_tls, redirect_http, hsts_max_age_s, certificate_warning_days.
void checkTlsSettings(Checker &check, const SettingsConfig &settings,
                      const std::vector<CertificateConfig> &certificates);

// Each certificate: a unique name, a PEM certificate that parses, the key that belongs to it,
// valid SNI names, none served by two certificates.
void checkCertificates(Checker &check, const std::vector<CertificateConfig> &certificates);

} // namespace portico::validation
