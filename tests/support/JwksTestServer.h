#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QTcpServer>

namespace portico::test {

// An identity provider's JWKS endpoint on 127.0.0.1 (port 0), on the thread that creates it:
// answers every GET with the document set last, its status and Cache-Control, optionally after
// a delay, and counts the requests. One answer per connection (Connection: close).
class JwksTestServer : public QObject
{
    Q_OBJECT
public:
    JwksTestServer();

    quint16 port() const { return m_server.serverPort(); }
    QString url() const; // http://127.0.0.1:PORT/jwks.json

    void serve(QByteArray document, int status = 200, QByteArray cacheControl = {});
    void setDelayMs(int ms) { m_delayMs = ms; }
    int requestCount() const { return m_requests; }

private:
    void answer(class QTcpSocket *socket);

    QTcpServer m_server;
    QByteArray m_document;
    QByteArray m_cacheControl;
    int m_status = 200;
    int m_delayMs = 0;
    int m_requests = 0;
};

} // namespace portico::test
