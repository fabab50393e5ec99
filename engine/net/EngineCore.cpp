#include "EngineCore.h"

#include "certs/CertificateInfo.h"
#include "config/Addresses.h"
#include "config/Snapshot.h"
#include "net/EpollEventDispatcher.h"
#include "net/ListenAddress.h"
#include "net/Listener.h"
#include "net/TlsServerContext.h"
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

// Each certificate with the server names it is chosen for: its `hosts`, or else the DNS names
// it carries (an address is never a server name: SNI has none).
std::vector<TlsServerContext::Certificate>
tlsCertificates(const std::vector<CertificateConfig> &certificates)
{
    std::vector<TlsServerContext::Certificate> out;
    for (const CertificateConfig &c : certificates) {
        TlsServerContext::Certificate served{c.certificate.toUtf8(), c.key.toUtf8(), c.hosts};
        if (served.names.isEmpty()) {
            QString unreadable; // validation refused such a certificate already
            if (const auto info = inspectCertificate(served.chain, &unreadable))
                served.names = info->dnsNames;
        }
        out.push_back(std::move(served));
    }
    return out;
}

// Binds a listener on the calling (accept) thread; null with `error` set when it cannot.
Listener *bindListener(const HostPort &address, Listener::Dispatch dispatch, QString *error)
{
    auto *listener = new Listener(std::move(dispatch));
    const std::optional<QHostAddress> host = resolveListenHost(address.host, error);
    if (!host || !listener->listen(*host, address.port)) {
        if (host)
            *error = listener->errorString();
        delete listener;
        return nullptr;
    }
    return listener;
}

QString hostInUrl(const QString &host)
{
    return host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
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
    if (!config.settings.listenTls.isEmpty() && !serveCertificates(config.certificates, errors))
        return false;
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
        auto *worker = new Worker(i, &m_publisher, &m_capture, &m_accessLog, &m_httpsPort);
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
    QString httpsBindError;
    const std::optional<HostPort> httpsAddress = parseHostPort(config.settings.listenTls);
    auto *context = new QObject;
    context->moveToThread(m_acceptThread);
    QMetaObject::invokeMethod(
        context,
        [&] {
            m_listener = bindListener(
                *address, [this](qintptr fd) { dispatch(fd, m_tls); }, &bindError);
            if (!m_listener || !httpsAddress)
                return;
            m_httpsListener = bindListener(
                *httpsAddress, [this](qintptr fd) { dispatch(fd, httpsContext()); },
                &httpsBindError);
            // Before this thread accepts anything: a redirect always knows where to go.
            if (m_httpsListener)
                m_httpsPort.store(m_httpsListener->serverPort(), std::memory_order_relaxed);
        },
        Qt::BlockingQueuedConnection);
    QMetaObject::invokeMethod(context, &QObject::deleteLater, Qt::QueuedConnection);
    for (Listener *listener : {m_listener, m_httpsListener}) {
        if (listener) // closed and deleted on the accept thread when it finishes
            QObject::connect(m_acceptThread, &QThread::finished, listener,
                             &QObject::deleteLater);
    }

    m_host = address->host;
    m_running = true;
    if (!m_listener || (httpsAddress && !m_httpsListener)) {
        stop();
        if (errors) {
            const bool plain = !bindError.isEmpty();
            errors->push_back(ConfigError{
                plain ? QStringLiteral("settings.listen") : QStringLiteral("settings.listen_tls"),
                QStringLiteral("cannot listen on %1: %2")
                    .arg(plain ? config.settings.listen : config.settings.listenTls,
                         (plain ? bindError : httpsBindError).toLower())});
        }
        return false;
    }
    m_port = m_listener->serverPort();
    if (m_httpsListener)
        m_httpsHost = httpsAddress->host;
    return true;
}

void EngineCore::dispatch(qintptr descriptor, std::shared_ptr<const TlsServerContext> tls)
{
    Worker *worker =
        m_workers[m_nextWorker.fetch_add(1, std::memory_order_relaxed) % m_workers.size()];
    QMetaObject::invokeMethod(
        worker,
        [worker, descriptor, tls = std::move(tls)] { worker->addConnection(descriptor, tls); },
        Qt::QueuedConnection);
}

std::shared_ptr<const TlsServerContext> EngineCore::httpsContext() const
{
    QMutexLocker lock(&m_httpsMutex);
    return m_httpsContext;
}

bool EngineCore::serveCertificates(const std::vector<CertificateConfig> &certificates,
                                   ConfigErrors *errors)
{
    {
        QMutexLocker lock(&m_httpsMutex);
        if (m_httpsContext && certificates == m_servedCertificates)
            return true;
    }
    QString error;
    std::shared_ptr<const TlsServerContext> built =
        TlsServerContext::fromCertificates(tlsCertificates(certificates), &error);
    if (!built) {
        if (errors)
            errors->push_back({QStringLiteral("certificates"), error});
        return false;
    }
    QMutexLocker lock(&m_httpsMutex);
    m_httpsContext = std::move(built);
    m_servedCertificates = certificates;
    return true;
}

ConfigErrors EngineCore::apply(const Config &config, ConfigCheck check)
{
    ConfigErrors errors;
    std::shared_ptr<const Snapshot> snapshot =
        compileSnapshot(config, m_nextVersion, m_registries, &errors, check);
    if (!snapshot)
        return errors;
    // Only a listener bound at start serves HTTPS; a new certificate takes effect right away.
    if (m_httpsListener && !serveCertificates(config.certificates, &errors))
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
    for (Listener **listener : {&m_listener, &m_httpsListener}) {
        if (!*listener)
            continue;
        // Closed on its own thread; deleted there when the thread finishes.
        QMetaObject::invokeMethod(*listener, &QTcpServer::close, Qt::BlockingQueuedConnection);
        *listener = nullptr;
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
    m_httpsPort.store(0, std::memory_order_relaxed);
    QMutexLocker lock(&m_httpsMutex);
    m_httpsContext.reset();
    m_servedCertificates.clear();
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
    const QString scheme = m_tls ? QStringLiteral("https") : QStringLiteral("http");
    QStringList urls{QStringLiteral("%1://%2:%3").arg(scheme, hostInUrl(m_host)).arg(m_port)};
    if (const quint16 https = httpsPort())
        urls.append(QStringLiteral("https://%1:%2").arg(hostInUrl(m_httpsHost)).arg(https));
    return urls;
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
