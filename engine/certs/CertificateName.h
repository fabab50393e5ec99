#pragma once

#include <QString>

#include <optional>

namespace portico {

// One name a certificate is issued for, as its subject alternative name will hold it.
struct CertificateName
{
    enum class Kind { Dns, IpAddress };
    Kind kind = Kind::Dns;
    QString text; // lower-case ASCII (IDNA for international names), or the canonical address
};

// `name` checked and normalized: a host name ("api.example.test"), a wildcard ("*.app.test": one
// leftmost label, at least two labels after it, as browsers require) or an IPv4 or IPv6 literal.
// nullopt with `error` saying what is wrong otherwise.
std::optional<CertificateName> parseCertificateName(const QString &name, QString *error);

} // namespace portico
