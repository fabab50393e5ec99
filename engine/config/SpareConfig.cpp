#include "SpareConfig.h"

#include <QThreadPool>

#include <condition_variable>
#include <mutex>

namespace portico {

namespace {

constexpr size_t kWorthAThread = 10'000; // routes and consumers

} // namespace

struct SpareConfig::Job
{
    const Config *source = nullptr;
    std::mutex mutex;
    std::condition_variable finished;
    bool done = false;
    Config copy;

    void wait()
    {
        std::unique_lock lock(mutex);
        finished.wait(lock, [this] { return done; });
    }
};

SpareConfig::~SpareConfig()
{
    discard();
}

void SpareConfig::prepare(const Config &current)
{
    if (m_job || current.consumers.size() + current.routes.size() < kWorthAThread)
        return;
    m_job = std::make_shared<Job>();
    m_job->source = &current;
    QThreadPool::globalInstance()->start([job = m_job] {
        Config copy = *job->source;
        const std::lock_guard lock(job->mutex);
        job->copy = std::move(copy);
        job->done = true;
        job->finished.notify_all();
    });
}

Config SpareConfig::take(const Config &current)
{
    if (!m_job)
        return current;
    Q_ASSERT(m_job->source == &current);
    m_job->wait();
    Config copy = std::move(m_job->copy);
    m_job.reset();
    return copy;
}

void SpareConfig::discard()
{
    if (!m_job)
        return;
    m_job->wait();
    // The copy goes with the last reference to the job, on this thread or the pool's.
    m_job.reset();
}

} // namespace portico
