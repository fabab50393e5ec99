#include "MockServiceHost.h"

#include "MockApi.h"
#include "MockConnection.h"
#include "MockServices.h"

#include <QTcpServer>
#include <QTcpSocket>

namespace portico {

MockServiceHost::MockServiceHost(QObject *parent)
    : QObject(parent)
{
}

// Connections are children of this object; Qt deletes them (and their sockets) before the
// MockApi objects they point to go away with m_services.
MockServiceHost::~MockServiceHost()
{
    const QObjectList kids = children(); // a copy: deleting a child edits children()
    qDeleteAll(kids);
}

bool MockServiceHost::listen(quint16 firstPreferredPort, QString *error)
{
    const QStringList names = MockServices::serviceNames();
    for (int i = 0; i < names.size(); ++i) {
        auto service = std::make_unique<Service>();
        service->name = names[i];
        service->api = std::make_unique<MockApi>(names[i]);
        service->server = new QTcpServer(this);
        const quint16 preferred = firstPreferredPort ? quint16(firstPreferredPort + i) : 0;
        bool ok = service->server->listen(QHostAddress::LocalHost, preferred);
        if (!ok && preferred != 0) // busy: any free port will do, the demo config follows it
            ok = service->server->listen(QHostAddress::LocalHost, 0);
        if (!ok) {
            if (error) {
                *error = QStringLiteral("mock service %1: cannot listen on 127.0.0.1: %2")
                             .arg(names[i], service->server->errorString());
            }
            return false;
        }
        Service *s = service.get();
        connect(s->server, &QTcpServer::newConnection, this, [this, s] { acceptPending(s); });
        m_services.push_back(std::move(service));
    }
    return true;
}

QHash<QString, quint16> MockServiceHost::ports() const
{
    QHash<QString, quint16> ports;
    for (const auto &s : m_services)
        ports.insert(s->name, s->server->serverPort());
    return ports;
}

void MockServiceHost::acceptPending(Service *service)
{
    while (QTcpSocket *socket = service->server->nextPendingConnection())
        new MockConnection(socket, service->api.get(), this);
}

} // namespace portico
