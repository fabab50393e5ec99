#include "GatewayEngine.h"

#include "config/Snapshot.h"
#include "net/EngineCore.h"

#include <QTimer>

namespace portico {

namespace {
constexpr int kSampleIntervalMs = 250;
}

GatewayEngine::GatewayEngine(QObject *parent)
    : QObject(parent)
    , m_core(std::make_unique<EngineCore>())
{
    qRegisterMetaType<portico::TrafficSample>();
    m_sampler = new QTimer(this);
    m_sampler->setInterval(kSampleIntervalMs);
    connect(m_sampler, &QTimer::timeout, this,
            [this] { Q_EMIT trafficUpdated(m_core->sample()); });
}

GatewayEngine::~GatewayEngine()
{
    stop();
}

void GatewayEngine::setListenerTls(std::shared_ptr<const TlsServerContext> tls)
{
    m_core->setListenerTls(std::move(tls));
}

bool GatewayEngine::start(const Config &config, ConfigErrors *errors)
{
    if (!m_core->start(config, errors))
        return false;
    m_sampler->start();
    Q_EMIT runningChanged(true);
    Q_EMIT snapshotApplied(m_core->snapshot()->version);
    return true;
}

ConfigErrors GatewayEngine::apply(const Config &config, ConfigCheck check)
{
    ConfigErrors errors = m_core->apply(config, check);
    if (errors.empty())
        Q_EMIT snapshotApplied(m_core->snapshot()->version);
    return errors;
}

void GatewayEngine::stop()
{
    if (!m_core->isRunning())
        return;
    m_sampler->stop();
    m_core->stop();
    Q_EMIT runningChanged(false);
}

bool GatewayEngine::isRunning() const
{
    return m_core->isRunning();
}

QStringList GatewayEngine::listenerUrls() const
{
    return m_core->listenerUrls();
}

quint16 GatewayEngine::listenPort() const
{
    return m_core->listenPort();
}

int GatewayEngine::workerCount() const
{
    return m_core->workerCount();
}

KeyUsageRecorder &GatewayEngine::keyUsage()
{
    return m_core->keyUsage();
}

TrafficCapture &GatewayEngine::capture()
{
    return m_core->capture();
}

LocalCounters &GatewayEngine::rateCounters()
{
    return m_core->rateCounters();
}

std::unique_ptr<EngineRegistries> GatewayEngine::dryRunRegistries() const
{
    return m_core->dryRunRegistries();
}

std::shared_ptr<const Snapshot> GatewayEngine::snapshot() const
{
    return m_core->snapshot();
}

TrafficSample GatewayEngine::traffic() const
{
    return m_core->lastSample();
}

TrafficMetrics GatewayEngine::metrics(bool withConsumers) const
{
    return m_core->metrics(withConsumers);
}

} // namespace portico
