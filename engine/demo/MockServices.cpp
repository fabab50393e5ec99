#include "MockServices.h"

#include "MockServiceHost.h"

#include <QThread>

namespace portico {

MockServices::MockServices(quint16 firstPreferredPort)
    : m_firstPreferredPort(firstPreferredPort)
{
}

MockServices::~MockServices()
{
    stop();
}

QStringList MockServices::serviceNames()
{
    return {QStringLiteral("users"), QStringLiteral("orders"), QStringLiteral("payments"),
            QStringLiteral("payments-v2")};
}

bool MockServices::start(QString *error)
{
    if (isRunning())
        return true;
    m_thread = std::make_unique<QThread>();
    m_thread->setObjectName(QStringLiteral("portico-mock"));
    m_host = new MockServiceHost;
    m_host->moveToThread(m_thread.get());
    m_thread->start();

    // Bind on the services' own thread (sockets belong to the thread that creates them) and
    // wait for the answer, so callers can build a config from the ports right away.
    bool ok = false;
    QString why;
    QHash<QString, quint16> ports;
    MockServiceHost *host = m_host;
    const quint16 first = m_firstPreferredPort;
    QMetaObject::invokeMethod(
        host,
        [host, first, &ok, &why, &ports] {
            ok = host->listen(first, &why);
            ports = host->ports();
        },
        Qt::BlockingQueuedConnection);
    if (!ok) {
        stop();
        if (error)
            *error = why;
        return false;
    }
    m_ports = ports;
    return true;
}

void MockServices::stop()
{
    if (!m_thread)
        return;
    if (m_host) {
        MockServiceHost *host = m_host;
        QMetaObject::invokeMethod(
            host, [host] { delete host; }, Qt::BlockingQueuedConnection);
        m_host = nullptr;
    }
    m_thread->quit();
    m_thread->wait();
    m_thread.reset();
    m_ports.clear();
}

quint16 MockServices::port(const QString &service) const
{
    return m_ports.value(service, 0);
}

QString MockServices::url(const QString &service) const
{
    const quint16 p = port(service);
    return p ? QStringLiteral("http://127.0.0.1:%1").arg(p) : QString();
}

} // namespace portico
