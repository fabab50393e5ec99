#pragma once

#include "http/HeaderMap.h"

#include <QByteArray>

#include <functional>

namespace portico {

struct RequestContext;

// A reply the gateway makes itself instead of proxying (401, 403, 429, ...).
struct LocalReply
{
    int status = 500;
    QByteArray error;      // short machine-readable reason, goes into the JSON body
    HeaderMap headers;     // extra headers (WWW-Authenticate, Retry-After, ...)
};

// What a policy decided about a request.
struct PolicyResult
{
    enum class Status {
        Continue, // go on to the next policy
        Stop,     // answer with `reply` now
        Pause,    // async work pending: the policy calls the resume callback when done
    };
    Status status = Status::Continue;
    LocalReply reply;

    static PolicyResult proceed() { return {}; }
    static PolicyResult stop(LocalReply reply) { return {Status::Stop, std::move(reply)}; }
    static PolicyResult pause() { return {Status::Pause, {}}; }
};

// How a policy that pauses continues the chain later. The callback is made only by a policy
// that does pause, so the common path builds no std::function per policy and request.
class PolicyResumer
{
public:
    using Resume = std::function<void(PolicyResult)>;
    // To be called later, on the request's worker thread, with the policy's final result; it
    // does nothing when the request has gone away meanwhile.
    virtual Resume make() const = 0;

protected:
    ~PolicyResumer() = default;
};

// One step of the request chain. Settings are parsed once when the snapshot is compiled; the
// instance is shared by every worker, so onRequest must not mutate the policy itself.
class Policy
{
public:
    virtual ~Policy() = default;
    virtual QByteArray name() const = 0;
    // Returns Pause after taking `resume.make()`, which then carries the final result.
    virtual PolicyResult onRequest(RequestContext &context,
                                   const PolicyResumer &resume) const = 0;
};

} // namespace portico
