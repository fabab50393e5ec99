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
    const QByteArray who = consumer ? "consumer " + consumer->name : "anonymous caller";
    if (const QByteArray *denied = firstMembership(consumer, m_deny)) {
        context.record(QByteArrayLiteral("acl"), who + " is in denied group " + *denied);
        return PolicyResult::stop(LocalReply{403, "consumer not allowed", {}});
    }
    if (!m_allow.empty() && !firstMembership(consumer, m_allow)) {
        context.record(QByteArrayLiteral("acl"), who + " is in no allowed group");
        return PolicyResult::stop(LocalReply{403, "consumer not allowed", {}});
    }
    return PolicyResult::proceed();
}

} // namespace portico
