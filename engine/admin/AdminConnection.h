#pragma once

#include "AdminMessage.h"
#include "http/HttpParser.h"

#include <QObject>

class QTcpSocket;
class QTimer;

namespace portico {

class AdminApi;

// One client of the Admin API: parses requests, hands each whole request to AdminApi and writes
// the answer. Malformed HTTP gets its 4xx and the connection closes. Deletes itself when done.
class AdminConnection : public QObject, private HttpParserListener
{
    Q_OBJECT
public:
    AdminConnection(QTcpSocket *socket, AdminApi &api, qint64 maxBodyBytes, int idleTimeoutMs);

private:
    Action onRequestHead(RequestHead &head) override;
    Action onBody(QByteArrayView data) override;
    Action onMessageComplete() override;

    void readAvailable();
    void respond(const AdminResponse &response, bool keepAlive);
    void finish();

    QTcpSocket *m_socket;
    AdminApi &m_api;
    HttpParser m_parser;
    qint64 m_maxBodyBytes;
    QTimer *m_idle = nullptr;
    AdminRequest m_request;
    bool m_keepAlive = true;
    bool m_tooLarge = false;
    bool m_headOnly = false;
    bool m_closing = false;
    QByteArray m_pending; // bytes after a complete request, parsed once it is answered
};

} // namespace portico
