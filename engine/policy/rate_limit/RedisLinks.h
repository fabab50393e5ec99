#pragma once

#include <QObject>

#include <utility>
#include <vector>

namespace portico {

class RedisLink;
struct RedisEndpoint;

// A worker's connections to Redis, one per rate-limit store in use: each worker talks to
// Redis on its own connection, on its own thread, so no request waits for another thread.
// A store is known by its generation; after a settings change the older links are closed
// once a newer one is made (two are kept while requests of the old snapshot finish).
class RedisLinks : public QObject
{
    Q_OBJECT
public:
    explicit RedisLinks(QObject *parent = nullptr);
    ~RedisLinks() override;

    RedisLink &linkFor(quint64 generation, const RedisEndpoint &endpoint, int timeoutMs);

private:
    std::vector<std::pair<quint64, RedisLink *>> m_links; // children, newest last
};

} // namespace portico
