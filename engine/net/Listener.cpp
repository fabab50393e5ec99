#include "Listener.h"

namespace portico {

Listener::Listener(Dispatch dispatch, QObject *parent)
    : QTcpServer(parent)
    , m_dispatch(std::move(dispatch))
{
    setListenBacklogSize(1024);
}

void Listener::incomingConnection(qintptr descriptor)
{
    m_dispatch(descriptor);
}

} // namespace portico
