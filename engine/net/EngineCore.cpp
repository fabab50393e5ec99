#include "EngineCore.h"

#include "config/Addresses.h"
#include "config/Snapshot.h"
#include "net/EpollEventDispatcher.h"
#include "net/ListenAddress.h"
#include "net/Listener.h"
#include "net/Worker.h"

#include <QDateTime>
#include <QHostAddress>
#include <QThread>

namespace portico {

namespace {

AccessLogOptions accessLogOptions(const SettingsConfig &settings)
{
    const ObserveConfig &o = settings.observe;
    return AccessLogOptions{o.accessLog, o.accessLogMaxBytes, o.accessLogFiles};
}

} // namespace

EngineCore::~EngineCore()
{
    stop();
}

bool EngineCore::start(const Config &config, ConfigErrors *errors)
{
    if (m_running)
        stop();
    ConfigErrors found;
    std::shared_ptr<const Snapshot> snapshot =
        compileSnapshot(config, m_nextVersion, m_registries, &found);
    if (!snapshot) {
        if (errors)
            *errors = std::move(found);
        return false;
    }
    const std::optional<HostPort> address = parseHostPort(config.settings.listen);
    Q_ASSERT(address); // validated
    m_capture.configure(config.settings.observe);
    m_publisher.publish(snapshot, m_nextVersion++);
    m_accessLog.configure(accessLogOptions(config.settings));
    m_aggregator.reset(); // figures since this start
    {
        QMutexLocker lock(&m_mutex);
        m_aggregator.reset(); // figures since this start
        m_lastSample = TrafficSample{};
    }

    const int workers = config.settings.workers > 0 ? config.settings.workers
                                                    : std::max(1, QThread::idealThreadCount());
    for (int i = 0; i < workers; ++i) {
        auto *thread = new QThread;
        thread->setObjectName(QStringLiteral("portico-worker-%1").arg(i));
        // Qt's own dispatcher would poll every connection of the worker on each iteration.
        thread->setEventDispatcher(new EpollEventDispatcher);
        auto *worker = new Worker(i, &m_publisher, &m_capture, &m_accessLog);
        worker->moveToThread(thread);
        // Deferred deletion still runs after the loop stops: the worker dies on its own thread.
        QObject::connect(thread, &QThread::finished, worker, &QObject::deleteLater);
        thread->start();
        m_workerThreads.push_back(thread);
        m_workers.push_back(worker);
    }

    m_acceptThread = new QThread;
    m_acceptThread->setObjectName(QStringLiteral("portico-accept"));
    m_acceptThread->setEventDispatcher(new EpollEventDispatcher);
    m_acceptThread->start();
    QString bindError;
    auto *context = new QObject;
    context->moveToThread(m_acceptThread);
    QMetaObject::invokeMethod(
        context,
        [&] {
            m_listener = new Listener([this](qintptr fd) { dispatch(fd); });
            const std::optional<QHostAddress> host =
                resolveListenHost(address->host, &bindError);
            if (!host) {
                delete m_listener;
                m_listener = nullptr;
                return;
            }
            if (!m_listener->listen(*host, address->port)) {
                bindError = m_listener->errorString();
                delete m_listener;
                m_listener = nullptr;
                return;
            }
            m_port = m_listener->serverPort();
            QObject::connect(m_acceptThread, &QThread::finished, m_listener, &QObject::deleteLater);
        },
        Qt::BlockingQueuedConnection);
    QMetaObject::invokeMethod(context, &QObject::deleteLater, Qt::QueuedConnection);

    m_host = address->host;
    m_running = true;
    if (!m_listener) {
        stop();
        if (errors) {
            errors->push_back(ConfigError{QStringLiteral("settings.listen"),
                                          QStringLiteral("cannot listen on %1: %2")
                                              .arg(config.settings.listen, bindError.toLower())});
        }
        return false;
    }
    return true;
}

void EngineCore::dispatch(qintptr descriptor)
{
    Worker *worker =
        m_workers[m_nextWorker.fetch_add(1, std::memory_order_relaxed) % m_workers.size()];
    QMetaObject::invokeMethod(
        worker, [worker, descriptor, tls = m_tls] { worker->addConnection(descriptor, tls); },
        Qt::QueuedConnection);
}

ConfigErrors EngineCore::apply(const Config &config, ConfigCheck check)
{
    ConfigErrors errors;
    std::shared_ptr<const Snapshot> snapshot =
        compileSnapshot(config, m_nextVersion, m_registries, &errors, check);
    if (!snapshot)
        return errors;
    m_capture.configure(config.settings.observe);
    m_publisher.publish(snapshot, m_nextVersion++);
    // Requests still finishing on the old snapshot log to the new file: none is lost.
    m_accessLog.configure(accessLogOptions(config.settings));
    for (Worker *worker : m_workers)
        QMetaObject::invokeMethod(worker, &Worker::refreshSnapshot, Qt::QueuedConnection);
    return {};
}

void EngineCore::stop()
{
    if (!m_running)
        return;
    if (m_listener) {
        // Closed on its own thread; deleted there when the thread finishes.
        QMetaObject::invokeMethod(m_listener, &QTcpServer::close, Qt::BlockingQueuedConnection);
        m_listener = nullptr;
    }
    m_acceptThread->quit();
    m_acceptThread->wait();
    delete m_acceptThread;
    m_acceptThread = nullptr;

    const int timeoutMs = snapshot()->config.settings.shutdownTimeoutMs;
    stopThreads(timeoutMs);
    m_accessLog.close(); // after the workers: their last lines are in
    m_running = false;
    m_port = 0;
}

void EngineCore::stopThreads(int timeoutMs)
{
    for (Worker *worker : m_workers) {
        QMetaObject::invokeMethod(
            worker, [worker, timeoutMs] { worker->beginShutdown(timeoutMs); },
            Qt::QueuedConnection);
    }
    for (QThread *thread : m_workerThreads) {
        thread->wait();
        delete thread;
    }
    m_workerThreads.clear();
    m_workers.clear();
}

QStringList EngineCore::listenerUrls() const
{
    if (!m_running)
        return {};
    const QString host =
        m_host.contains(QLatin1Char(':')) ? QLatin1Char('[') + m_host + QLatin1Char(']') : m_host;
    const QString scheme = m_tls ? QStringLiteral("https") : QStringLiteral("http");
    return {QStringLiteral("%1://%2:%3").arg(scheme, host).arg(m_port)};
}

std::shared_ptr<const Snapshot> EngineCore::snapshot() const
{
    return m_publisher.current();
}

TrafficSample EngineCore::sample()
{
    TrafficSample s;
    s.msecsSinceEpoch = QDateTime::currentMSecsSinceEpoch();
    for (Worker *worker : m_workers) {
        const WorkerCounters &c = worker->counters();
        s.requests += c.requests.load(std::memory_order_relaxed);
        for (size_t i = 0; i < s.byStatusClass.size(); ++i)
            s.byStatusClass[i] += c.byStatusClass[i].load(std::memory_order_relaxed);
        s.upstreamErrors += c.upstreamErrors.load(std::memory_order_relaxed);
        s.rateLimited += c.rateLimited.load(std::memory_order_relaxed);
        s.activeConnections += c.activeConnections.load(std::memory_order_relaxed);
    }
    // The lock is for metrics(), which another thread may call; nothing else waits on it.
    QMutexLocker lock(&m_mutex);
    for (Worker *worker : m_workers) {
        // What it flushed when the last sample asked; this one asks for the next (see header).
        for (const TrafficDelta &delta : worker->trafficOutbox().take())
            m_aggregator.add(delta);
        QMetaObject::invokeMethod(worker, &Worker::flushTraffic, Qt::QueuedConnection);
    }
    m_aggregator.finish(s);
    m_lastSample = s;
    return s;
}

TrafficSample EngineCore::lastSample() const
{
    QMutexLocker lock(&m_mutex);
    return m_lastSample;
}

TrafficMetrics EngineCore::metrics(bool withConsumers) const
{
    QMutexLocker lock(&m_mutex);
    return m_aggregator.metrics(withConsumers);
}

} // namespace portico
