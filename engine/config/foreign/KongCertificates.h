#pragma once

#include "ForeignReport.h"
#include "ForeignYaml.h"
#include "config/ConfigTree.h"
#include "config/TreeValue.h"

namespace YAML {
class Node;
}

namespace portico {

// Certificates in decK terms: `certificates: [{cert, key, snis: [names]}]`. decK needs the
// private key, so without PrivateKeys::Include none goes and the report says so per
// certificate; with keys, the first certificate (Portico's default) is not marked as Kong's
// default, which Kong sets in kong.conf (ssl_cert): a note says so.
TreeValue kongCertificates(const Config &config, PrivateKeys keys, ForeignReport &report);

// Reads decK's `certificates` (cert, key, snis as names or {name}); each becomes a certificate
// named after its first SNI (or "certificate-N") serving those names. `path` is where the list
// is in the document ("certificates").
void readKongCertificates(const YAML::Node &list, const QString &path, ForeignYaml &yaml,
                          std::vector<CertificateConfig> &out, std::vector<QString> &sources);

} // namespace portico
