#include "SocketPairHandshake.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <memory>

#include <sys/socket.h>
#include <unistd.h>

namespace portico::test {

namespace {

struct SslFree
{
    void operator()(SSL *ssl) const { SSL_free(ssl); }
};
using SslPtr = std::unique_ptr<SSL, SslFree>;

enum class Step { Running, Done, Failed };

Step advance(SSL *ssl, Step step)
{
    if (step != Step::Running)
        return step;
    const int result = SSL_do_handshake(ssl);
    if (result == 1)
        return Step::Done;
    const int reason = SSL_get_error(ssl, result);
    return reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE ? Step::Running
                                                                           : Step::Failed;
}

} // namespace

HandshakeOutcome handshakeOverSocketPair(SSL_CTX *server, SSL_CTX *client, const QByteArray &host)
{
    HandshakeOutcome outcome;
    int sockets[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sockets) != 0)
        return outcome;
    SslPtr serverEnd(SSL_new(server));
    SslPtr clientEnd(SSL_new(client));
    SSL_set_fd(serverEnd.get(), sockets[0]);
    SSL_set_fd(clientEnd.get(), sockets[1]);
    SSL_set_accept_state(serverEnd.get());
    SSL_set_connect_state(clientEnd.get());
    SSL_set_tlsext_host_name(clientEnd.get(), host.constData());
    SSL_set1_host(clientEnd.get(), host.constData());

    // A failing side sends an alert that ends the other one; the bound only guards the test.
    Step serverStep = Step::Running;
    Step clientStep = Step::Running;
    for (int turn = 0; turn < 100 && (serverStep == Step::Running || clientStep == Step::Running);
         ++turn) {
        clientStep = advance(clientEnd.get(), clientStep);
        serverStep = advance(serverEnd.get(), serverStep);
    }
    outcome.clientDone = clientStep == Step::Done;
    outcome.serverDone = serverStep == Step::Done;
    outcome.clientVerifyResult = SSL_get_verify_result(clientEnd.get());
    ERR_clear_error();
    clientEnd.reset();
    serverEnd.reset();
    close(sockets[0]);
    close(sockets[1]);
    return outcome;
}

} // namespace portico::test
