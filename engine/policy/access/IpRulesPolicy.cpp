#include "IpRulesPolicy.h"

#include "config/Addresses.h"
#include "policy/RequestContext.h"

namespace portico {

IpRulesPolicy::IpRulesPolicy(const QStringList &allow, const QStringList &deny)
    : m_allow(parse(allow))
    , m_deny(parse(deny))
{
}

std::vector<IpRulesPolicy::Subnet> IpRulesPolicy::parse(const QStringList &entries)
{
    std::vector<Subnet> subnets;
    for (const QString &entry : entries) {
        const std::optional<Subnet> subnet = parseIpRule(entry);
        Q_ASSERT(subnet); // validated before
        if (subnet)
            subnets.push_back(*subnet);
    }
    return subnets;
}

bool IpRulesPolicy::matches(const std::vector<Subnet> &subnets, const QHostAddress &address)
{
    for (const Subnet &subnet : subnets) {
        if (address.isInSubnet(subnet.first, subnet.second))
            return true;
    }
    return false;
}

PolicyResult IpRulesPolicy::onRequest(RequestContext &context, const PolicyResumer &) const
{
    QHostAddress client = context.clientAddress ? *context.clientAddress : QHostAddress();
    bool isV4 = false;
    const quint32 v4 = client.toIPv4Address(&isV4);
    if (isV4) // ::ffff:a.b.c.d as a.b.c.d, so IPv4 rules apply to it
        client = QHostAddress(v4);
    const bool denied = matches(m_deny, client);
    if (denied || (!m_allow.empty() && !matches(m_allow, client))) {
        context.record(QByteArrayLiteral("ip_rules"),
                       context.clientIp + (denied ? " is denied" : " is not allowed"));
        return PolicyResult::stop(LocalReply{403, "client address not allowed", {}});
    }
    return PolicyResult::proceed();
}

} // namespace portico
