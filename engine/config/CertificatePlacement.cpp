#include "CertificatePlacement.h"

#include <algorithm>

namespace portico {

CertificatePlace placeCertificate(std::vector<CertificateConfig> &list,
                                  const CertificateConfig &certificate)
{
    const auto it = std::find_if(list.begin(), list.end(), [&](const CertificateConfig &c) {
        return c.name == certificate.name;
    });
    if (it == list.end()) {
        list.push_back(certificate);
        return {list.size() - 1, false};
    }
    it->certificate = certificate.certificate;
    it->key = certificate.key;
    if (!certificate.hosts.isEmpty())
        it->hosts = certificate.hosts;
    return {size_t(it - list.begin()), true};
}

} // namespace portico
