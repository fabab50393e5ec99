#pragma once

#include "http/HttpMessage.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <memory>
#include <utility>

class QTcpSocket;

namespace portico::test {

// A response as RawHttpClient read it.
struct RawResponse
{
    bool ok = false; // a complete response was parsed
    QString error;   // why not, when !ok
    int status = 0;
    QByteArray reason;
    int versionMinor = 1;
    HeaderMap headers;
    BodyFraming framing = BodyFraming::None;
    bool keepAlive = true;
    QByteArray body;       // empty for streaming reads
    qint64 bodySize = 0;   // always counted
    QByteArray bodySha256; // lowercase hex, always computed

    QByteArray header(QByteArrayView name) const { return headers.value(name); }
    QJsonObject json() const; // the body parsed as a JSON object (empty when it is not one)
};

using RawHeaders = QList<std::pair<QByteArray, QByteArray>>;

class ClientParser;

// A blocking HTTP/1.1 client for tests that writes exactly the bytes it is given and parses
// what comes back with portico::HttpParser (response mode). Waiting spins the calling thread's
// event loop, so objects living on that thread keep working meanwhile. Responses are read in
// order from one parser, so pipelined answers are split exactly; 1xx responses are returned
// as responses of their own.
class RawHttpClient
{
public:
    RawHttpClient();
    // Connects at once (see isConnected()).
    explicit RawHttpClient(quint16 port, int timeoutMs = 5000);
    ~RawHttpClient();
    RawHttpClient(const RawHttpClient &) = delete;
    RawHttpClient &operator=(const RawHttpClient &) = delete;

    bool connectTo(quint16 port, int timeoutMs = 5000);
    bool isConnected() const;
    quint16 port() const { return m_port; }
    void close();

    // Writes the bytes and waits until they are handed to the kernel.
    bool send(const QByteArray &raw, int timeoutMs = 5000);
    // The next response; pass headRequest for the answer to a HEAD (no body follows).
    RawResponse readResponse(int timeoutMs = 5000, bool headRequest = false);
    // n responses in order (pipelining); stops at the first failure, which is included.
    QList<RawResponse> readResponses(int n, int timeoutMs = 5000, bool headRequests = false);
    // Like readResponse but the body is only counted and hashed, never stored.
    RawResponse readResponseStreaming(int timeoutMs = 30000, bool headRequest = false);
    // Raw bytes as they arrive (bypassing the parser): whatever is there within the timeout.
    QByteArray readRaw(int timeoutMs = 1000);

    // True when the peer closed the connection (FIN or RST) within the timeout. Bytes that
    // arrive meanwhile are kept for the next read.
    bool isClosedByPeer(int timeoutMs = 2000);

    // Conveniences: send one request on this connection (never reconnecting) and read its
    // response. A Host header is added unless extraHeaders has one; a body (and any POST or
    // PUT) gets a Content-Length unless extraHeaders frames it.
    RawResponse get(const QByteArray &path, const RawHeaders &extraHeaders = {},
                    int timeoutMs = 5000);
    RawResponse request(const QByteArray &method, const QByteArray &path,
                        const QByteArray &body = {}, const RawHeaders &extraHeaders = {},
                        int timeoutMs = 5000);
    static QByteArray buildRequest(const QByteArray &method, const QByteArray &path, quint16 port,
                                   const QByteArray &body = {},
                                   const RawHeaders &extraHeaders = {});

    QTcpSocket *socket() const { return m_socket.get(); }

private:
    RawResponse read(int timeoutMs, bool headRequest, bool storeBody);
    bool waitForActivity(int timeoutMs);

    std::unique_ptr<QTcpSocket> m_socket;
    std::unique_ptr<ClientParser> m_parser;
    QByteArray m_buffer; // received, not yet parsed
    quint16 m_port = 0;
    bool m_peerClosed = false;
};

} // namespace portico::test
