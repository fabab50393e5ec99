#pragma once

#include "net/TlsClientContext.h"

#include <QByteArray>
#include <QHash>

#include <memory>
#include <vector>

namespace portico {

// The services' client TLS contexts, kept across snapshots (EngineRegistries): a service whose
// TLS settings an edit left alone keeps its context, so its pooled connections and kept
// sessions stay usable and its CA bundle is not loaded again. Used where snapshots are compiled.
class UpstreamTlsRegistry
{
public:
    // The context for these settings: the one made before for the same settings, else a new one
    // (null with `error` set when it cannot be made).
    std::shared_ptr<const TlsClientContext> contextFor(const TlsClientSettings &settings,
                                                       QString *error);
    // Forgets the contexts not in `inUse` (connections still holding one keep it alive).
    void keepOnly(const std::vector<std::shared_ptr<const TlsClientContext>> &inUse);
    // Starts with the same contexts as `other` (a dry run's registry reads the engine's).
    void shareFrom(const UpstreamTlsRegistry &other) { m_contexts = other.m_contexts; }

private:
    QHash<QByteArray, std::shared_ptr<const TlsClientContext>> m_contexts; // by settings' hash
};

} // namespace portico
