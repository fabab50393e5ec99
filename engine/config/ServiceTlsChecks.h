#pragma once

#include "Checker.h"
#include "Config.h"

namespace portico::validation {

// Validation of how a service speaks to its https:// targets, with ConfigValidator's
// conventions: the CA bundle must be PEM certificates only, the server name a host name, the
// client certificate a name in `certificates`. Checked whether or not a target is https://:
// the settings are kept, and used once one is.
void checkServiceTls(Checker &check, const FieldPath &base, const ServiceConfig &service,
                     const std::vector<CertificateConfig> &certificates);

} // namespace portico::validation
