#pragma once

#include "Config.h"

#include <memory>

namespace portico {

// A copy of the store's current configuration, made on a pool thread after each change, so
// that the next edit gets its working copy at once instead of first copying 100,000
// consumers. Small configurations are copied when asked, as that is cheaper than a thread.
//
// While a copy is being made, the configuration it copies must not change: call discard()
// before changing it (the copy only reads it; reading it meanwhile is fine).
class SpareConfig
{
public:
    SpareConfig() = default;
    ~SpareConfig();
    SpareConfig(const SpareConfig &) = delete;
    SpareConfig &operator=(const SpareConfig &) = delete;

    // Starts copying `current` unless a copy is ready or under way.
    void prepare(const Config &current);
    // A copy of `current`: the prepared one (waiting for it if needed), else a new one.
    Config take(const Config &current);
    // Waits for a copy under way, and drops it.
    void discard();

private:
    struct Job;
    std::shared_ptr<Job> m_job;
};

} // namespace portico
