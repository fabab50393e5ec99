#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace portico {

// A random UUID (version 4) as 36 lowercase characters, from a per-thread generator (no
// lock).
QByteArray generateRequestId();
// A client-supplied X-Request-Id is kept when it is short printable ASCII without separators.
bool isAcceptableRequestId(QByteArrayView id);

} // namespace portico
