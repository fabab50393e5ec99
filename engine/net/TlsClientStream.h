#pragma once

#include "net/TlsFailureReason.h"
#include "net/TlsStreamBase.h"

#include <QString>

#include <memory>

namespace portico {

class TlsClientContext;

// TLS to an upstream (client side) on a non-blocking descriptor, driven by socket notifiers
// like TcpStream: a TCP connect, then the handshake (SNI, the peer's chain and name verified as
// the context says, a kept session resumed), then SSL_read/SSL_write. The owner sees it
// connected once the handshake is done. When it fails, failure() says why in OpenSSL's words
// ("certificate verify failed (self-signed certificate)").
class TlsClientStream final : public TlsStreamBase
{
    Q_OBJECT
public:
    explicit TlsClientStream(std::shared_ptr<const TlsClientContext> context,
                             QObject *parent = nullptr);
    ~TlsClientStream() override;

    // Starts a non-blocking connect to `address`, then the handshake for `host` (the target's
    // host: the SNI and verified name unless the context names another). onStreamConnected or
    // onStreamClosed follows.
    void connectTo(const QHostAddress &address, quint16 port, const QString &host);
    // Why the handshake or a later TLS record failed; empty when nothing TLS went wrong.
    const QString &failure() const { return m_failureReason.text(); }
    bool failedInHandshake() const { return m_failureReason.inHandshake(); }

private:
    void onReadActivated();
    void onWriteActivated();
    void startHandshake();
    void continueHandshake();

    std::shared_ptr<const TlsClientContext> m_context;
    QString m_peerName;  // the name sent as SNI and verified
    QByteArray m_target; // "host:port": whose session is kept and resumed
    TlsFailureReason m_failureReason;
};

} // namespace portico
