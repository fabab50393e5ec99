#pragma once

#include "policy/Policy.h"

#include <QStringList>

#include <vector>

namespace portico {

// Which consumer groups may use a route, checked after authentication: a consumer in a denied
// group, or in none of a non-empty allow list, gets 403. An authenticated caller without a
// consumer (a token naming none, where the route allows it) belongs to no group.
class GroupAclPolicy : public Policy
{
public:
    GroupAclPolicy(const QStringList &allow, const QStringList &deny);

    QByteArray name() const override { return QByteArrayLiteral("acl"); }
    PolicyResult onRequest(RequestContext &context, const PolicyResumer &resume) const override;

private:
    std::vector<QByteArray> m_allow;
    std::vector<QByteArray> m_deny;
};

} // namespace portico
