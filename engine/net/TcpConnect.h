#pragma once

#include "net/ByteStream.h"

#include <QHostAddress>

namespace portico {

// Starts a non-blocking TCP connect (TcpStream, TlsClientStream): the new descriptor, whose
// writability then tells that the connect finished (SO_ERROR says how), or -1 with `error`
// set when it failed at once.
int startTcpConnect(const QHostAddress &address, quint16 port, StreamError *error);

// After the descriptor became writable: None when connected, otherwise why not.
StreamError finishedTcpConnect(int fd);

} // namespace portico
