#pragma once

#include <QHostAddress>
#include <QObject>
#include <QString>

class QTcpServer;

namespace portico {

class AdminApi;

// Serves the Admin API over HTTP/1.1 on settings.admin_listen, on the thread it lives on (the
// one the ConfigService lives on). Requests are parsed with the gateway's strict parser, read
// whole (bodies up to kMaxBodyBytes), answered in order on keep-alive connections.
class AdminServer : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 kMaxBodyBytes = 256 * 1024 * 1024; // a full export of a big store
    static constexpr int kIdleTimeoutMs = 60'000;

    explicit AdminServer(AdminApi &api, QObject *parent = nullptr);
    ~AdminServer() override;

    // "127.0.0.1:8081"; port 0 picks a free one. On failure `error` says why.
    bool listen(const QString &hostPort, QString *error);
    void close();
    bool isListening() const;
    quint16 port() const;
    QString url() const; // "http://127.0.0.1:8081"

private:
    void acceptPending();

    AdminApi &m_api;
    QTcpServer *m_server = nullptr;
};

} // namespace portico
