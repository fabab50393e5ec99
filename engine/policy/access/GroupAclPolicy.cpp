#include "GroupAclPolicy.h"

#include "policy/RequestContext.h"
#include "policy/auth/ConsumerDirectory.h"

namespace portico {

namespace {

std::vector<QByteArray> utf8(const QStringList &names)
{
    std::vector<QByteArray> out;
    for (const QString &name : names)
        out.push_back(name.toUtf8());
    return out;
}

// The first of `groups` the consumer is in, or null.
const QByteArray *firstMembership(const CompiledConsumer *consumer,
                                  const std::vector<QByteArray> &groups)
{
    if (!consumer)
        return nullptr;
    for (const QByteArray &group : groups) {
        if (consumer->inGroup(group))
            return &group;
    }
    return nullptr;
}

} // namespace

GroupAclPolicy::GroupAclPolicy(const QStringList &allow, const QStringList &deny)
    : m_allow(utf8(allow))
    , m_deny(utf8(deny))
{
}

PolicyResult GroupAclPolicy::onRequest(RequestContext &context, const PolicyResumer &) const
{
    const CompiledConsumer *consumer = context.identity.consumer;
    QByteArray why; // built only for a refusal: a passing request records nothing here
    if (const QByteArray *denied = firstMembership(consumer, m_deny))
        why = " is in denied group " + *denied;
    else if (!m_allow.empty() && !firstMembership(consumer, m_allow))
        why = " is in no allowed group";
    else
        return PolicyResult::proceed();
    context.record(QByteArrayLiteral("acl"),
                   (consumer ? "consumer " + consumer->name : "anonymous caller") + why);
    return PolicyResult::stop(LocalReply{403, "consumer not allowed", {}});
}

} // namespace portico
