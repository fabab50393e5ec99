#pragma once

#include <QHostAddress>

#include <netinet/in.h>
#include <sys/socket.h>

namespace portico {

// The other end of a connected socket; a null address and port 0 when there is none.
inline QHostAddress peerAddressOf(int fd)
{
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    if (fd < 0 || ::getpeername(fd, reinterpret_cast<sockaddr *>(&storage), &length) != 0)
        return {};
    return QHostAddress(reinterpret_cast<const sockaddr *>(&storage));
}

inline quint16 peerPortOf(int fd)
{
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    if (fd < 0 || ::getpeername(fd, reinterpret_cast<sockaddr *>(&storage), &length) != 0)
        return 0;
    if (storage.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<const sockaddr_in6 *>(&storage)->sin6_port);
    return ntohs(reinterpret_cast<const sockaddr_in *>(&storage)->sin_port);
}

} // namespace portico
