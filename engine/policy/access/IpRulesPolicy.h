#pragma once

#include "policy/Policy.h"

#include <QHostAddress>
#include <QStringList>

#include <utility>
#include <vector>

namespace portico {

// A route's client address rules: a match in the deny list, or no match in a non-empty allow
// list, is answered 403 before any other policy runs. Entries are single addresses or CIDR
// ranges, IPv4 or IPv6; an IPv4 client on a dual-stack listener matches IPv4 entries.
class IpRulesPolicy : public Policy
{
public:
    IpRulesPolicy(const QStringList &allow, const QStringList &deny);

    QByteArray name() const override { return QByteArrayLiteral("ip_rules"); }
    PolicyResult onRequest(RequestContext &context, const PolicyResumer &resume) const override;

private:
    using Subnet = std::pair<QHostAddress, int>;
    static std::vector<Subnet> parse(const QStringList &entries);
    static bool matches(const std::vector<Subnet> &subnets, const QHostAddress &address);

    std::vector<Subnet> m_allow;
    std::vector<Subnet> m_deny;
};

} // namespace portico
