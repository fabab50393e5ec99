#include "GuiLatencyProbe.h"

#include "net/GatewayEngine.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

#include <algorithm>
#include <ctime>

namespace portico {

namespace {

constexpr int kIntervalMs = 10;
constexpr double kLoadedRequestsPerSecond = 1000; // far above anyone clicking through the app
constexpr size_t kMaxTicks = 10'000'000;          // 28 hours of ticks: bounded either way

// The calling thread's CPU time: the probe runs on the GUI thread, so it is the GUI's.
double threadCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

double percentile(std::vector<float> sorted, double q)
{
    if (sorted.empty())
        return 0;
    const size_t i = std::min(sorted.size() - 1, size_t(q * double(sorted.size())));
    std::nth_element(sorted.begin(), sorted.begin() + qsizetype(i), sorted.end());
    return sorted[i];
}

QJsonObject toJson(const GuiLatencyProbe::Figures &f)
{
    return QJsonObject{{QStringLiteral("ticks"), f.ticks},
                       {QStringLiteral("p50_ms"), f.p50Ms},
                       {QStringLiteral("p99_ms"), f.p99Ms},
                       {QStringLiteral("max_ms"), f.maxMs},
                       {QStringLiteral("gui_cpu_s"), f.cpuSeconds},
                       {QStringLiteral("wall_s"), f.wallSeconds},
                       {QStringLiteral("gui_cpu_share"),
                        f.wallSeconds > 0 ? f.cpuSeconds / f.wallSeconds : 0.0}};
}

} // namespace

GuiLatencyProbe::GuiLatencyProbe(GatewayEngine *engine, QString outputPath, QObject *parent)
    : QObject(parent)
    , m_output(std::move(outputPath))
    , m_timer(new QTimer(this))
{
    m_timer->setTimerType(Qt::PreciseTimer);
    m_timer->setInterval(kIntervalMs);
    connect(m_timer, &QTimer::timeout, this, &GuiLatencyProbe::onTick);
    connect(
        engine, &GatewayEngine::trafficUpdated, this,
        [this](const TrafficSample &s) {
            m_underLoad = s.requestsPerSecond >= kLoadedRequestsPerSecond;
        },
        Qt::QueuedConnection);
    m_clock.start();
    m_lastNs = m_clock.nsecsElapsed();
    m_lastCpu = threadCpuSeconds();
    m_timer->start();
}

GuiLatencyProbe::~GuiLatencyProbe()
{
    write();
}

void GuiLatencyProbe::onTick()
{
    const qint64 now = m_clock.nsecsElapsed();
    const double cpu = threadCpuSeconds();
    Ticks &ticks = m_underLoad ? m_loaded : m_idle;
    if (ticks.latenessMs.size() < kMaxTicks) {
        const double late = double(now - m_lastNs) / 1e6 - kIntervalMs;
        ticks.latenessMs.push_back(float(std::max(0.0, late)));
        ticks.cpuSeconds += cpu - m_lastCpu;
        ticks.wallSeconds += double(now - m_lastNs) / 1e9;
    }
    m_lastNs = now;
    m_lastCpu = cpu;
}

GuiLatencyProbe::Figures GuiLatencyProbe::summarize(const Ticks &ticks)
{
    Figures f;
    f.ticks = qint64(ticks.latenessMs.size());
    f.p50Ms = percentile(ticks.latenessMs, 0.50);
    f.p99Ms = percentile(ticks.latenessMs, 0.99);
    f.maxMs = ticks.latenessMs.empty()
        ? 0
        : *std::max_element(ticks.latenessMs.begin(), ticks.latenessMs.end());
    f.cpuSeconds = ticks.cpuSeconds;
    f.wallSeconds = ticks.wallSeconds;
    return f;
}

bool GuiLatencyProbe::write() const
{
    QFile file(m_output);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    const QJsonObject out{{QStringLiteral("interval_ms"), kIntervalMs},
                          {QStringLiteral("loaded_above_rps"), kLoadedRequestsPerSecond},
                          {QStringLiteral("loaded"), toJson(loaded())},
                          {QStringLiteral("idle"), toJson(idle())}};
    return file.write(QJsonDocument(out).toJson()) > 0;
}

} // namespace portico
