#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

#include <memory>

class QThread;

namespace portico {

class MockServiceHost;

// Built-in mock upstream services for the demo: small JSON APIs served in-process on loopback,
// on a thread of their own so the gateway's workers talk to them over real sockets.
//   users        GET /users, GET /users/{id}, POST /users (echoes the object with a new id)
//   orders       GET /orders, GET /orders/{id}
//   payments     GET /payments, GET /payments/{id}  answering "version": "v1"
//   payments-v2  the same answering "version": "v2", so a canary split is visible
// Every answer names the service, the path it saw and the X-Request-Id / X-Forwarded-For
// headers it received; anything else is a 404 JSON answer.
class MockServices
{
public:
    static constexpr quint16 kDefaultFirstPort = 19001;

    // Services bind firstPreferredPort, +1, ... in serviceNames() order on 127.0.0.1, falling
    // back to any free port when one is busy. 0 means any port for all of them.
    explicit MockServices(quint16 firstPreferredPort = kDefaultFirstPort);
    ~MockServices();
    MockServices(const MockServices &) = delete;
    MockServices &operator=(const MockServices &) = delete;

    // Starts the thread and binds every service; on failure nothing keeps running.
    bool start(QString *error = nullptr);
    // Closes every listener and connection and joins the thread. Safe to call twice.
    void stop();
    bool isRunning() const { return m_host != nullptr; }

    // 0 / empty for an unknown service or when not running.
    quint16 port(const QString &service) const;
    QString url(const QString &service) const; // "http://127.0.0.1:19001"

    static QStringList serviceNames(); // users, orders, payments, payments-v2

private:
    quint16 m_firstPreferredPort;
    std::unique_ptr<QThread> m_thread;
    MockServiceHost *m_host = nullptr; // lives on m_thread
    QHash<QString, quint16> m_ports;
};

} // namespace portico
