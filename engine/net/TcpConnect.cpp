#include "TcpConnect.h"

#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace portico {

int startTcpConnect(const QHostAddress &address, quint16 port, StreamError *error)
{
    sockaddr_storage storage{};
    socklen_t length = 0;
    if (address.protocol() == QAbstractSocket::IPv6Protocol) {
        auto *sa = reinterpret_cast<sockaddr_in6 *>(&storage);
        sa->sin6_family = AF_INET6;
        sa->sin6_port = htons(port);
        const Q_IPV6ADDR ip = address.toIPv6Address();
        memcpy(&sa->sin6_addr, &ip, sizeof ip);
        length = sizeof *sa;
    } else {
        auto *sa = reinterpret_cast<sockaddr_in *>(&storage);
        sa->sin_family = AF_INET;
        sa->sin_port = htons(port);
        sa->sin_addr.s_addr = htonl(address.toIPv4Address());
        length = sizeof *sa;
    }
    const int fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *error = StreamError::Other;
        return -1;
    }
    if (::connect(fd, reinterpret_cast<sockaddr *>(&storage), length) < 0 && errno != EINPROGRESS) {
        *error = errno == ECONNREFUSED ? StreamError::Refused : StreamError::Other;
        ::close(fd);
        return -1;
    }
    return fd;
}

StreamError finishedTcpConnect(int fd)
{
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error == 0)
        return StreamError::None;
    return error == ECONNREFUSED ? StreamError::Refused : StreamError::Other;
}

} // namespace portico
