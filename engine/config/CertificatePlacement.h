#pragma once

#include "Config.h"

#include <vector>

namespace portico {

// Where a certificate goes in the configuration's list, and whether it replaced one there.
struct CertificatePlace
{
    size_t index = 0;
    bool replaces = false;
};

// Appends `certificate`, or renews the one of its name: that one takes its chain and key, and
// keeps its hosts unless `certificate.hosts` names some. What the desktop app and
// `porticod --issue-certificate` do with a certificate of a name already taken.
CertificatePlace placeCertificate(std::vector<CertificateConfig> &list,
                                  const CertificateConfig &certificate);

} // namespace portico
