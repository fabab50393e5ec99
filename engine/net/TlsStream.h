#pragma once

#include "net/TlsStreamBase.h"

#include <memory>

namespace portico {

class TlsServerContext;

// TLS on an accepted, non-blocking descriptor (server side), driven by socket notifiers like
// TcpStream. The handshake runs first, by itself; the owner sees the stream readable once
// application data arrives. A client that speaks plain HTTP to it gets a short 400 in plain
// text and the connection closes; the owner sees it closed. A handshake that never finishes is
// closed by the owner's request-head timeout, as a silent plain connection is.
class TlsStream final : public TlsStreamBase
{
    Q_OBJECT
public:
    TlsStream(qintptr descriptor, std::shared_ptr<const TlsServerContext> context,
              QObject *parent = nullptr);
    ~TlsStream() override;

private:
    void onReadActivated();
    void onWriteActivated();
    // Runs the handshake as far as it goes now.
    void continueHandshake();
    // True (and answered) when the first bytes are plain HTTP rather than a TLS record.
    bool answeredPlainHttp();

    std::shared_ptr<const TlsServerContext> m_context;
};

} // namespace portico
