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

// The calling thread's CPU time: the probe runs on the GUI thread, so it is the GUI's.
double threadCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
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
    const double lateMs = std::max(0.0, double(now - m_lastNs) / 1e6 - kIntervalMs);
    ticks.lateness.record(qint64(lateMs * 1000));
    ticks.maxMs = std::max(ticks.maxMs, lateMs);
    ticks.cpuSeconds += cpu - m_lastCpu;
    ticks.wallSeconds += double(now - m_lastNs) / 1e9;
    m_lastNs = now;
    m_lastCpu = cpu;
}

GuiLatencyProbe::Figures GuiLatencyProbe::summarize(const Ticks &ticks)
{
    Figures f;
    f.ticks = qint64(ticks.lateness.count());
    f.p50Ms = ticks.lateness.percentile(0.50) / 1000;
    f.p99Ms = ticks.lateness.percentile(0.99) / 1000;
    f.maxMs = ticks.maxMs;
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
