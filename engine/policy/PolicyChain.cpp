#include "PolicyChain.h"

#include "RequestContext.h"

namespace portico {

void PolicyChain::run(RequestContext &context, std::weak_ptr<void> alive, Done done) const
{
    runFrom(0, context, std::move(alive), std::move(done));
}

void PolicyChain::runFrom(qsizetype index, RequestContext &context, std::weak_ptr<void> alive,
                          Done done) const
{
    for (; index < size(); ++index) {
        const Policy &policy = *m_policies[size_t(index)];
        // A paused policy resumes here; the request may have gone away meanwhile.
        auto resume = [this, index, &context, alive, done](PolicyResult result) {
            if (alive.expired())
                return;
            if (result.status == PolicyResult::Status::Continue)
                runFrom(index + 1, context, alive, done);
            else
                done(std::move(result));
        };
        PolicyResult result = policy.onRequest(context, resume);
        if (result.status == PolicyResult::Status::Pause)
            return;
        if (result.status == PolicyResult::Status::Stop) {
            done(std::move(result));
            return;
        }
    }
    done(PolicyResult::proceed());
}

} // namespace portico
