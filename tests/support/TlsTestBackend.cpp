#include "TlsTestBackend.h"

#include <QList>
#include <QMutex>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <arpa/inet.h>
#include <csignal>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

namespace portico::test {

struct TlsBackendState
{
    TestCertificate certificate;
    SSL_CTX *context = nullptr;
    int listenFd = -1;
    std::atomic<bool> stopping{false};
    std::thread acceptor;

    mutable QMutex mutex;
    std::vector<std::thread> connections;
    std::vector<int> openFds;
    bool keepAlive = true;
    int connectionCount = 0;
    int handshakes = 0;
    int resumed = 0;
    int requests = 0;
    QByteArray lastHead;
    QByteArray lastServerName;
    QString lastClientSubject;

    void acceptLoop();
    void serve(int fd, int number);
    void forget(int fd)
    {
        const QMutexLocker lock(&mutex);
        std::erase(openFds, fd);
    }
};

namespace {

SSL_CTX *serverContext(const TlsBackendOptions &options)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    if (options.maxProtocol)
        SSL_CTX_set_max_proto_version(ctx, options.maxProtocol);
    BIO *certBio = BIO_new_mem_buf(options.certificate.certificatePem.constData(), -1);
    X509 *cert = PEM_read_bio_X509(certBio, nullptr, nullptr, nullptr);
    BIO_free(certBio);
    SSL_CTX_use_certificate(ctx, cert);
    X509_free(cert);
    BIO *keyBio = BIO_new_mem_buf(options.certificate.keyPem.constData(), -1);
    EVP_PKEY *key = PEM_read_bio_PrivateKey(keyBio, nullptr, nullptr, nullptr);
    BIO_free(keyBio);
    SSL_CTX_use_PrivateKey(ctx, key);
    EVP_PKEY_free(key);
    static const unsigned char kSessionContext[] = "tls-test-backend";
    SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof kSessionContext - 1);
    if (!options.clientCa.isEmpty()) {
        BIO *caBio = BIO_new_mem_buf(options.clientCa.constData(), -1);
        while (X509 *ca = PEM_read_bio_X509(caBio, nullptr, nullptr, nullptr)) {
            X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), ca);
            X509_free(ca);
        }
        BIO_free(caBio);
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    }
    ERR_clear_error();
    return ctx;
}

// Reads one request head (requests here have no body); empty at the end of the connection.
QByteArray readHead(SSL *ssl, QByteArray &buffer)
{
    while (!buffer.contains("\r\n\r\n")) {
        char chunk[4096];
        const int n = SSL_read(ssl, chunk, sizeof chunk);
        if (n <= 0)
            return {};
        buffer.append(chunk, n);
    }
    const qsizetype end = buffer.indexOf("\r\n\r\n") + 4;
    const QByteArray head = buffer.left(end);
    buffer.remove(0, end);
    return head;
}

bool writeAll(SSL *ssl, const QByteArray &bytes)
{
    for (qsizetype sent = 0; sent < bytes.size();) {
        const int n = SSL_write(ssl, bytes.constData() + sent, int(bytes.size() - sent));
        if (n <= 0)
            return false;
        sent += n;
    }
    return true;
}

} // namespace

void TlsBackendState::acceptLoop()
{
    for (;;) {
        const int fd = ::accept(listenFd, nullptr, nullptr);
        if (fd < 0 || stopping) {
            if (fd >= 0)
                ::close(fd);
            return;
        }
        const QMutexLocker lock(&mutex);
        const int number = ++connectionCount;
        openFds.push_back(fd);
        connections.emplace_back([this, fd, number] { serve(fd, number); });
    }
}

void TlsBackendState::serve(int fd, int number)
{
    timeval timeout{10, 0}; // never hang a test
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    SSL *ssl = SSL_new(context);
    SSL_set_fd(ssl, fd);
    const bool accepted = SSL_accept(ssl) == 1;
    {
        const QMutexLocker lock(&mutex);
        const char *sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
        lastServerName = sni ? QByteArray(sni) : QByteArray(); // sent before any failure
    }
    if (accepted) {
        {
            const QMutexLocker lock(&mutex);
            ++handshakes;
            resumed += SSL_session_reused(ssl) ? 1 : 0;
            lastClientSubject.clear();
            if (X509 *peer = SSL_get1_peer_certificate(ssl)) {
                char subject[256];
                X509_NAME_oneline(X509_get_subject_name(peer), subject, sizeof subject);
                lastClientSubject = QString::fromLatin1(subject);
                X509_free(peer);
            }
        }
        QByteArray buffer;
        for (;;) {
            const QByteArray head = readHead(ssl, buffer);
            if (head.isEmpty())
                break;
            bool keep = false;
            {
                const QMutexLocker lock(&mutex);
                ++requests;
                lastHead = head;
                keep = keepAlive;
            }
            const QByteArray path = head.split(' ').value(1);
            const QByteArray body =
                "{\"path\":\"" + path + "\",\"connection\":" + QByteArray::number(number) + "}";
            const QByteArray response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                        "Content-Length: "
                + QByteArray::number(body.size()) + "\r\n" + (keep ? "" : "Connection: close\r\n")
                + "\r\n" + body;
            if (!writeAll(ssl, response) || !keep)
                break;
        }
        SSL_shutdown(ssl);
    }
    ERR_clear_error();
    SSL_free(ssl);
    forget(fd);
    ::close(fd);
}

TlsTestBackend::TlsTestBackend(const TlsBackendOptions &options)
    : m_state(std::make_shared<TlsBackendState>())
{
    std::signal(SIGPIPE, SIG_IGN); // a client gone mid-write is EPIPE for that thread only
    m_state->certificate = options.certificate;
    m_state->context = serverContext(options);
    m_state->listenFd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ::bind(m_state->listenFd, reinterpret_cast<sockaddr *>(&address), length);
    ::listen(m_state->listenFd, 64);
    ::getsockname(m_state->listenFd, reinterpret_cast<sockaddr *>(&address), &length);
    m_port = ntohs(address.sin_port);
    m_state->acceptor = std::thread([state = m_state.get()] { state->acceptLoop(); });
}

TlsTestBackend::~TlsTestBackend()
{
    m_state->stopping = true;
    ::shutdown(m_state->listenFd, SHUT_RDWR); // wakes accept()
    m_state->acceptor.join();
    ::close(m_state->listenFd);
    std::vector<std::thread> connections;
    {
        const QMutexLocker lock(&m_state->mutex);
        for (int fd : m_state->openFds)
            ::shutdown(fd, SHUT_RDWR); // wakes their reads
        connections.swap(m_state->connections);
    }
    for (std::thread &thread : connections)
        thread.join();
    SSL_CTX_free(m_state->context);
}

QString TlsTestBackend::url() const
{
    return QStringLiteral("https://127.0.0.1:%1").arg(m_port);
}

const TestCertificate &TlsTestBackend::certificate() const
{
    return m_state->certificate;
}

void TlsTestBackend::setKeepAlive(bool enabled)
{
    const QMutexLocker lock(&m_state->mutex);
    m_state->keepAlive = enabled;
}

int TlsTestBackend::connectionCount() const
{
    const QMutexLocker lock(&m_state->mutex);
    return m_state->connectionCount;
}

int TlsTestBackend::handshakeCount() const
{
    const QMutexLocker lock(&m_state->mutex);
    return m_state->handshakes;
}

int TlsTestBackend::resumedCount() const
{
    const QMutexLocker lock(&m_state->mutex);
    return m_state->resumed;
}

int TlsTestBackend::requestCount() const
{
    const QMutexLocker lock(&m_state->mutex);
    return m_state->requests;
}

QByteArray TlsTestBackend::lastRequestHead() const
{
    const QMutexLocker lock(&m_state->mutex);
    return m_state->lastHead;
}

QByteArray TlsTestBackend::lastServerName() const
{
    const QMutexLocker lock(&m_state->mutex);
    return m_state->lastServerName;
}

QString TlsTestBackend::lastClientSubject() const
{
    const QMutexLocker lock(&m_state->mutex);
    return m_state->lastClientSubject;
}

} // namespace portico::test
