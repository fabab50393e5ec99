#include "RedisLinks.h"

#include "policy/rate_limit/RedisLink.h"

namespace portico {

namespace {
constexpr size_t kKeptLinks = 2;
}

RedisLinks::RedisLinks(QObject *parent) : QObject(parent) {}

RedisLinks::~RedisLinks() = default;

RedisLink &RedisLinks::linkFor(quint64 generation, const RedisEndpoint &endpoint, int timeoutMs)
{
    for (const auto &[g, link] : m_links) {
        if (g == generation)
            return *link;
    }
    if (m_links.size() >= kKeptLinks) {
        delete m_links.front().second;
        m_links.erase(m_links.begin());
    }
    auto *link = new RedisLink(endpoint, timeoutMs, this);
    m_links.emplace_back(generation, link);
    return *link;
}

} // namespace portico
