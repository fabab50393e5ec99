#pragma once

#include "TestCertificate.h"

#include <QByteArray>
#include <QString>

#include <memory>

namespace portico::test {

struct TlsBackendState;

// An HTTPS origin for the upstream TLS tests, on OpenSSL directly: it listens on 127.0.0.1 with
// an ephemeral port and serves each connection on a thread of its own (blocking sockets; tests
// send a few small requests). Every request gets 200 with the JSON
// {"path": ..., "connection": N} (N counts accepted connections from 1); "Connection: close"
// on the responses when keep-alive is off. It counts connections, handshakes and resumed
// sessions, and keeps the last request head, SNI name and client certificate subject.
struct TlsBackendOptions
{
    TestCertificate certificate = TestCertificate::selfSigned();
    // Non-empty: a client certificate verified against these PEM CAs is required.
    QByteArray clientCa;
    int maxProtocol = 0; // e.g. TLS1_2_VERSION; 0 = OpenSSL's newest
};

class TlsTestBackend
{
public:
    TlsTestBackend()
        : TlsTestBackend(TlsBackendOptions())
    {
    }
    explicit TlsTestBackend(const TlsBackendOptions &options);
    ~TlsTestBackend();
    TlsTestBackend(const TlsTestBackend &) = delete;
    TlsTestBackend &operator=(const TlsTestBackend &) = delete;

    quint16 port() const { return m_port; }
    QString url() const; // "https://127.0.0.1:PORT"
    const TestCertificate &certificate() const;

    void setKeepAlive(bool enabled);
    // Thread-safe.
    int connectionCount() const; // TCP connections accepted
    int handshakeCount() const;  // handshakes completed
    int resumedCount() const;    // of those, sessions resumed
    int requestCount() const;
    QByteArray lastRequestHead() const;
    QByteArray lastServerName() const; // SNI of the last handshake; empty when none sent
    QString lastClientSubject() const; // of the last client certificate; empty when none

private:
    std::shared_ptr<TlsBackendState> m_state;
    quint16 m_port = 0;
};

} // namespace portico::test
