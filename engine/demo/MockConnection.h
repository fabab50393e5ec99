#pragma once

#include "http/HttpParser.h"

#include <QByteArray>
#include <QObject>

class QTcpSocket;

namespace portico {

class MockApi;

// One client connection to a mock service: HTTP/1.1 keep-alive, pipelined requests answered in
// order, HTTP/1.0 clients, Content-Length and chunked request bodies. Deletes itself once the
// socket is closed.
class MockConnection : public QObject, private HttpParserListener
{
    Q_OBJECT
public:
    // Takes ownership of `socket`, which must live on this thread.
    MockConnection(QTcpSocket *socket, MockApi *api, QObject *parent = nullptr);
    ~MockConnection() override;

private:
    Action onRequestHead(RequestHead &head) override;
    Action onBody(QByteArrayView data) override;
    Action onMessageComplete() override;

    void processInput();
    void answer(int status, const QByteArray &body, const QByteArray &allow, bool keepAlive);
    void fail(int status, const QByteArray &message);

    QTcpSocket *m_socket;
    MockApi *m_api;
    HttpParser m_parser;
    QByteArray m_input; // received bytes the parser has not consumed yet
    RequestHead m_head; // the request being received
    QByteArray m_body;
    int m_rejectStatus = 0; // set by a callback to answer with an error and close
    bool m_closing = false;
};

} // namespace portico
