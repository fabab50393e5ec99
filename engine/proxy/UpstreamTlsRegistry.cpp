#include "UpstreamTlsRegistry.h"

#include <QCryptographicHash>

#include <algorithm>

namespace portico {

namespace {

QByteArray fingerprintOf(const TlsClientSettings &s)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    // Each text with its length first, so no two settings hash the same input.
    const auto add = [&](const QByteArray &bytes) {
        hash.addData(QByteArray::number(bytes.size()) + ':');
        hash.addData(bytes);
    };
    add(s.verify ? "verify" : "trust");
    add(s.caBundle);
    add(s.serverName.toUtf8());
    add(s.certificate);
    add(s.key);
    return hash.result();
}

} // namespace

std::shared_ptr<const TlsClientContext>
UpstreamTlsRegistry::contextFor(const TlsClientSettings &settings, QString *error)
{
    const QByteArray fingerprint = fingerprintOf(settings);
    if (const auto found = m_contexts.constFind(fingerprint); found != m_contexts.cend())
        return *found;
    std::shared_ptr<const TlsClientContext> context = TlsClientContext::create(settings, error);
    if (context)
        m_contexts.insert(fingerprint, context);
    return context;
}

void UpstreamTlsRegistry::keepOnly(
    const std::vector<std::shared_ptr<const TlsClientContext>> &inUse)
{
    m_contexts.removeIf([&](const auto &entry) {
        return std::find(inUse.begin(), inUse.end(), entry.value()) == inUse.end();
    });
}

} // namespace portico
