#include "JwksSource.h"

#include "JwkSet.h"

#include <QDateTime>

namespace portico {

JwksSource::JwksSource(Settings settings, std::weak_ptr<JwksFetcher> fetcher)
    : m_settings(std::move(settings))
    , m_fetcher(std::move(fetcher))
{
}

std::shared_ptr<const JwkSet> JwksSource::keys() const
{
    QMutexLocker lock(&m_mutex);
    return m_keys;
}

JwksSource::Status JwksSource::status() const
{
    QMutexLocker lock(&m_mutex);
    return m_status;
}

void JwksSource::refreshIfStale(qint64 nowMs)
{
    QMutexLocker lock(&m_mutex);
    if (m_keys && nowMs >= m_status.freshUntilMs)
        startFetchLocked(nowMs);
}

bool JwksSource::waitForKeys(qint64 nowMs, Ready ready)
{
    QMutexLocker lock(&m_mutex);
    if (m_keys)
        return false; // arrived meanwhile
    if (!m_inFlight && !startFetchLocked(nowMs))
        return false; // the first fetch failed moments ago
    m_waiting.push_back(std::move(ready));
    return true;
}

bool JwksSource::refetchForUnknownKid(qint64 nowMs, Ready ready)
{
    QMutexLocker lock(&m_mutex);
    if (!m_inFlight) {
        // A flood of tokens with made-up kids must not become a flood of fetches.
        if (kidRefetchLimitedLocked(nowMs))
            return false;
        m_lastKidRefetchMs = nowMs;
        if (!startFetchLocked(nowMs))
            return false;
    }
    m_waiting.push_back(std::move(ready));
    return true;
}

bool JwksSource::wouldWaitForKeys(qint64 nowMs) const
{
    QMutexLocker lock(&m_mutex);
    return !m_keys && (m_inFlight || (!failedRecentlyLocked(nowMs) && !m_fetcher.expired()));
}

bool JwksSource::wouldRefetchForUnknownKid(qint64 nowMs) const
{
    QMutexLocker lock(&m_mutex);
    return m_inFlight
        || (!kidRefetchLimitedLocked(nowMs) && !failedRecentlyLocked(nowMs)
            && !m_fetcher.expired());
}

bool JwksSource::failedRecentlyLocked(qint64 nowMs) const
{
    return m_status.lastAttemptMs && !m_status.lastError.isEmpty()
        && nowMs - m_status.lastAttemptMs < kRetryAfterFailureS * 1000;
}

bool JwksSource::kidRefetchLimitedLocked(qint64 nowMs) const
{
    return m_lastKidRefetchMs && nowMs - m_lastKidRefetchMs < kUnknownKidRefetchS * 1000;
}

bool JwksSource::startFetchLocked(qint64 nowMs)
{
    if (m_inFlight)
        return true;
    if (failedRecentlyLocked(nowMs))
        return false;
    const std::shared_ptr<JwksFetcher> fetcher = m_fetcher.lock();
    if (!fetcher)
        return false; // the engine is shutting down
    m_inFlight = true;
    m_status.lastAttemptMs = nowMs;
    ++m_status.fetches;
    std::weak_ptr<JwksSource> self = weak_from_this();
    fetcher->fetch(m_settings.url, [self](JwksResponse response) {
        if (const std::shared_ptr<JwksSource> source = self.lock())
            source->onFetched(response);
    });
    return true;
}

void JwksSource::onFetched(const JwksResponse &response)
{
    QString error = response.error;
    std::optional<JwkSet> parsed;
    if (error.isEmpty()) {
        parsed = parseJwkSet(response.body, &error);
        if (parsed && parsed->keys.empty())
            error = QStringLiteral("no usable key in the set");
    }
    std::vector<Ready> waiting;
    {
        QMutexLocker lock(&m_mutex);
        const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
        m_inFlight = false;
        if (error.isEmpty()) {
            m_keys = std::make_shared<const JwkSet>(std::move(*parsed));
            m_status.keyCount = int(m_keys->keys.size());
            m_status.fetchedMs = nowMs;
            m_status.freshUntilMs = nowMs + lifetimeMs(response.cacheControl);
            m_status.lastError.clear();
        } else {
            // Stale keys stay; the next attempt waits kRetryAfterFailureS.
            m_status.lastError = error;
            qWarning("portico: JWKS %s: %s", qPrintable(m_settings.url.toString()),
                     qPrintable(error));
        }
        waiting.swap(m_waiting);
    }
    for (Ready &ready : waiting)
        ready();
}

qint64 JwksSource::lifetimeMs(const QByteArray &cacheControl) const
{
    // max-age (RFC 9111 5.2.2.1); no-store and no-cache ask for the shortest life allowed.
    qint64 seconds = m_settings.minS;
    bool noCache = false;
    for (const QByteArray &directive : cacheControl.split(',')) {
        const QByteArray d = directive.trimmed().toLower();
        if (d == "no-store" || d == "no-cache")
            noCache = true;
        else if (d.startsWith("max-age=")) {
            bool ok = false;
            const qint64 value = d.mid(8).replace('"', "").toLongLong(&ok);
            if (ok && value >= 0)
                seconds = value;
        }
    }
    if (noCache)
        seconds = m_settings.minS;
    return std::clamp<qint64>(seconds, m_settings.minS, m_settings.maxS) * 1000;
}

} // namespace portico
