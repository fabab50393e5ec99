#include "PolicyChain.h"

#include "RequestContext.h"

namespace portico {

void PolicyChain::run(RequestContext &context, const std::weak_ptr<void> &alive,
                      const Done &done) const
{
    runFrom(0, context, alive, done);
}

namespace {

// What a paused policy needs to continue the chain, referenced until it asks for a callback.
class ChainResumer final : public PolicyResumer
{
public:
    ChainResumer(const PolicyChain &chain, qsizetype index, RequestContext &context,
                 const std::weak_ptr<void> &alive, const PolicyChain::Done &done)
        : m_chain(chain), m_index(index), m_context(context), m_alive(alive), m_done(done)
    {
    }

    Resume make() const override
    {
        // The request may have gone away by the time this runs; look before touching it.
        return [chain = &m_chain, index = m_index, context = &m_context, alive = m_alive,
                done = m_done](PolicyResult result) {
            if (alive.expired())
                return;
            if (result.status == PolicyResult::Status::Continue)
                chain->resumeAt(index + 1, *context, alive, done);
            else
                done(std::move(result));
        };
    }

private:
    const PolicyChain &m_chain;
    qsizetype m_index;
    RequestContext &m_context;
    const std::weak_ptr<void> &m_alive;
    const PolicyChain::Done &m_done;
};

} // namespace

void PolicyChain::resumeAt(qsizetype index, RequestContext &context,
                           const std::weak_ptr<void> &alive, const Done &done) const
{
    runFrom(index, context, alive, done);
}

void PolicyChain::runFrom(qsizetype index, RequestContext &context,
                          const std::weak_ptr<void> &alive, const Done &done) const
{
    for (; index < size(); ++index) {
        const Policy &policy = *m_policies[size_t(index)];
        const ChainResumer resume(*this, index, context, alive, done);
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
