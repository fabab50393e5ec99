#pragma once

#include <QHash>
#include <QObject>
#include <QString>

#include <memory>
#include <vector>

class QTcpServer;

namespace portico {

class MockApi;

// The listeners and state of the mock services; lives on MockServices' thread, where it is
// created, used and deleted.
class MockServiceHost : public QObject
{
    Q_OBJECT
public:
    explicit MockServiceHost(QObject *parent = nullptr);
    ~MockServiceHost() override;

    // Binds each service on 127.0.0.1 (see MockServices).
    bool listen(quint16 firstPreferredPort, QString *error);
    QHash<QString, quint16> ports() const;

private:
    struct Service
    {
        QString name;
        std::unique_ptr<MockApi> api;
        QTcpServer *server = nullptr; // child of this
    };
    void acceptPending(Service *service);

    std::vector<std::unique_ptr<Service>> m_services;
};

} // namespace portico
