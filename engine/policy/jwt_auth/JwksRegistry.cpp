#include "JwksRegistry.h"

namespace portico {

namespace {

QString keyOf(const JwksSource::Settings &settings)
{
    return QStringLiteral("%1 %2 %3")
        .arg(settings.url.toString())
        .arg(settings.minS)
        .arg(settings.maxS);
}

} // namespace

JwksRegistry::JwksRegistry()
    : m_fetcher(std::make_shared<JwksFetcher>())
{
}

JwksRegistry::~JwksRegistry() = default;

std::shared_ptr<JwksSource> JwksRegistry::sourceFor(const JwksSource::Settings &settings)
{
    std::shared_ptr<JwksSource> &source = m_sources[keyOf(settings)];
    if (!source)
        source = std::make_shared<JwksSource>(settings, m_fetcher);
    return source;
}

void JwksRegistry::keepOnly(const std::vector<std::shared_ptr<JwksSource>> &used)
{
    for (auto it = m_sources.begin(); it != m_sources.end();) {
        if (std::find(used.begin(), used.end(), it.value()) == used.end())
            it = m_sources.erase(it);
        else
            ++it;
    }
}

} // namespace portico
