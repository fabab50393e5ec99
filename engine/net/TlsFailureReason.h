#pragma once

#include <QString>

using SSL = struct ssl_st;

namespace portico {

// Why a client TLS stream failed, in OpenSSL's words ("certificate verify failed (self-signed
// certificate)"). Each note reads OpenSSL's error queue and leaves emptying it to the caller.
class TlsFailureReason
{
public:
    // `verifies`: the peer's chain is checked, so a verification result other than OK is why.
    explicit TlsFailureReason(bool verifies)
        : m_verifies(verifies)
    {
    }

    // Empty when nothing TLS went wrong.
    const QString &text() const { return m_text; }
    bool inHandshake() const { return m_inHandshake; }

    void noteInHandshake() { m_inHandshake = true; }
    // After a call on `ssl` that returned `result` failed.
    void note(SSL *ssl, int result);
    // After a failed write: a socket error is no TLS failure unless an alert explains it.
    void noteWrite(SSL *ssl, int result);

private:
    QString m_text;
    bool m_verifies;
    bool m_inHandshake = false;
};

} // namespace portico
