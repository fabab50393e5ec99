#pragma once

#include "Policy.h"

#include <functional>
#include <memory>
#include <vector>

namespace portico {

// The ordered policies of one route, compiled into the snapshot. The runner, not a policy, moves
// from one policy to the next.
class PolicyChain
{
public:
    using Done = std::function<void(PolicyResult)>;

    void append(std::shared_ptr<const Policy> policy) { m_policies.push_back(std::move(policy)); }
    bool isEmpty() const { return m_policies.empty(); }
    qsizetype size() const { return qsizetype(m_policies.size()); }

    // Runs the chain from the start. `done` is called exactly once with Continue (every policy
    // passed) or Stop; synchronously when no policy pauses, later otherwise. The caller keeps the
    // context alive until then and cancels by dropping `alive` (checked before resuming).
    void run(RequestContext &context, const std::weak_ptr<void> &alive, const Done &done) const;

    // Continues a paused run at `index` (the paused policy's resume callback calls it).
    void resumeAt(qsizetype index, RequestContext &context, const std::weak_ptr<void> &alive,
                  const Done &done) const;

private:
    void runFrom(qsizetype index, RequestContext &context, const std::weak_ptr<void> &alive,
                 const Done &done) const;

    std::vector<std::shared_ptr<const Policy>> m_policies;
};

} // namespace portico
