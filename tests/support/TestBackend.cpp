#include "TestBackend.h"

#include "BackendConnection.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QTest>
#include <QThread>

namespace portico::test {

BackendServer::BackendServer(std::shared_ptr<BackendState> state)
    : m_state(std::move(state))
{
}

void BackendServer::incomingConnection(qintptr descriptor)
{
    int number = 0;
    {
        QMutexLocker lock(&m_state->mutex);
        number = ++m_state->connections;
        ++m_state->openConnections;
    }
    new BackendConnection(descriptor, number, m_state, this);
}

TestBackend::TestBackend(const QString &name)
    : m_state(std::make_shared<BackendState>())
    , m_thread(new QThread)
{
    m_state->name = name;
    m_thread->setObjectName(QStringLiteral("TestBackend"));
    m_thread->start();
    // The server and its sockets are created on the backend thread, which owns them.
    m_context = new QObject;
    m_context->moveToThread(m_thread);
    QMetaObject::invokeMethod(
        m_context,
        [this] {
            m_server = new BackendServer(m_state);
            if (m_server->listen(QHostAddress::LocalHost, 0))
                m_port = m_server->serverPort();
            else
                qWarning("TestBackend: listen failed: %s", qPrintable(m_server->errorString()));
        },
        Qt::BlockingQueuedConnection);
}

TestBackend::~TestBackend()
{
    // Connections are children of the server: deleting it on its thread closes them all.
    QMetaObject::invokeMethod(
        m_context, [this] { delete m_server; }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_context;
    delete m_thread;
}

QString TestBackend::url() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_port);
}

QString TestBackend::name() const
{
    QMutexLocker lock(&m_state->mutex);
    return m_state->name;
}

void TestBackend::setName(const QString &name)
{
    QMutexLocker lock(&m_state->mutex);
    m_state->name = name;
}

void TestBackend::setKeepAlive(bool enabled)
{
    QMutexLocker lock(&m_state->mutex);
    m_state->keepAlive = enabled;
}

int TestBackend::requestCount() const
{
    QMutexLocker lock(&m_state->mutex);
    return int(m_state->requests.size());
}

QList<BackendRequest> TestBackend::requests() const
{
    QMutexLocker lock(&m_state->mutex);
    return m_state->requests;
}

BackendRequest TestBackend::lastRequest() const
{
    QMutexLocker lock(&m_state->mutex);
    return m_state->requests.isEmpty() ? BackendRequest{} : m_state->requests.back();
}

int TestBackend::connectionCount() const
{
    QMutexLocker lock(&m_state->mutex);
    return m_state->connections;
}

int TestBackend::openConnectionCount() const
{
    QMutexLocker lock(&m_state->mutex);
    return m_state->openConnections;
}

void TestBackend::clear()
{
    QMutexLocker lock(&m_state->mutex);
    m_state->requests.clear();
    ++m_state->generation;
    m_state->connections = 0;
}

bool TestBackend::waitForRequests(int n, int timeoutMs, bool complete) const
{
    const QDeadlineTimer deadline(timeoutMs);
    while (true) {
        int done = 0;
        {
            QMutexLocker lock(&m_state->mutex);
            for (const BackendRequest &r : m_state->requests)
                done += (!complete || r.complete) ? 1 : 0;
        }
        if (done >= n)
            return true;
        if (deadline.hasExpired())
            return false;
        QTest::qWait(5);
    }
}

QByteArray TestBackend::pattern(qint64 offset, qint64 size)
{
    QByteArray out(size, Qt::Uninitialized);
    int v = int(offset % 251);
    char *p = out.data();
    for (qint64 i = 0; i < size; ++i) {
        p[i] = char(v);
        if (++v == 251)
            v = 0;
    }
    return out;
}

QByteArray TestBackend::patternSha256(qint64 size)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    constexpr qint64 kPiece = 1024 * 1024;
    for (qint64 off = 0; off < size; off += kPiece)
        hash.addData(pattern(off, qMin(kPiece, size - off)));
    return hash.result().toHex();
}

} // namespace portico::test
