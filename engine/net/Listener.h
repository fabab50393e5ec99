#pragma once

#include <QTcpServer>

#include <functional>

namespace portico {

// Accepts connections on its own thread and hands each descriptor to a worker; it never creates
// a socket object itself, so the worker's thread owns the connection from the start.
class Listener : public QTcpServer
{
    Q_OBJECT
public:
    using Dispatch = std::function<void(qintptr descriptor)>;
    explicit Listener(Dispatch dispatch, QObject *parent = nullptr);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    Dispatch m_dispatch;
};

} // namespace portico
