#pragma once

#include "JwksSource.h"

#include <QHash>
#include <QString>

#include <memory>

namespace portico {

// The JWK Sets of every provider the running configuration names, kept across snapshots so a
// configuration edit does not refetch them, with the one fetcher thread they share.
class JwksRegistry
{
public:
    JwksRegistry();
    ~JwksRegistry();

    // The source for these settings: the existing one while URL and bounds stay the same.
    std::shared_ptr<JwksSource> sourceFor(const JwksSource::Settings &settings);
    // Forgets the sources not in `used` (providers removed or changed).
    void keepOnly(const std::vector<std::shared_ptr<JwksSource>> &used);
    // Starts with `other`'s sources and the keys they hold (a dry run's registry reads the
    // engine's). Both on the thread that compiles snapshots with `other`.
    void shareFrom(const JwksRegistry &other) { m_sources = other.m_sources; }

private:
    std::shared_ptr<JwksFetcher> m_fetcher;
    QHash<QString, std::shared_ptr<JwksSource>> m_sources;
};

} // namespace portico
