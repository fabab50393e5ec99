#include "VerifiedTokenCache.h"

#include "JwtVerifier.h"
#include "OpenSslSupport.h"

#include <QMutexLocker>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace portico {

VerifiedToken VerifiedToken::fromClaims(const QJsonObject &claims, QStringView consumerClaim)
{
    VerifiedToken token;
    token.subject = jwtSubject(claims).toUtf8();
    token.scope = jwtScope(claims).toUtf8();
    if (!consumerClaim.isEmpty())
        token.consumer = jwtClaimString(claims, consumerClaim).value_or(QString()).toUtf8();
    const QJsonValue exp = claims.value(QLatin1String("exp"));
    if (exp.isDouble()) {
        // Clamped so the cast is defined; the cache only needs "far in the future".
        const double seconds = std::clamp(std::floor(exp.toDouble()), -9.0e15, 9.0e15);
        token.expiry = qint64(seconds);
    }
    return token;
}

VerifiedTokenCache::VerifiedTokenCache(qsizetype capacity)
    : m_shardCapacity(std::max<qsizetype>(1, (capacity + kShardCount - 1) / kShardCount))
{
}

VerifiedTokenCache::Digest VerifiedTokenCache::digestOf(QByteArrayView compact)
{
    unsigned char bytes[32] = {};
    if (!openssl::sha256Of(compact, bytes))
        qFatal("SHA-256 failed"); // would only happen out of memory
    Digest digest;
    std::memcpy(digest.words.data(), bytes, sizeof bytes);
    return digest;
}

VerifiedTokenCache::Shard &VerifiedTokenCache::shardFor(const Digest &digest) const
{
    // words[0] picks the shard, words[1] the bucket: independent bits of the digest.
    return m_shards[size_t(digest.words[0] % kShardCount)];
}

qint64 VerifiedTokenCache::keptUntil(const VerifiedToken &token, qint64 now)
{
    return std::min(token.expiry.value_or(now + kMaxAgeS), now + kMaxAgeS);
}

std::optional<VerifiedToken> VerifiedTokenCache::find(QByteArrayView compact, qint64 now) const
{
    return find(digestOf(compact), now);
}

std::optional<VerifiedToken> VerifiedTokenCache::find(const Digest &digest, qint64 now) const
{
    Shard &shard = shardFor(digest);
    QMutexLocker lock(&shard.mutex);
    const auto it = shard.entries.constFind(digest);
    if (it == shard.entries.cend())
        return std::nullopt;
    if (now >= it->expiresAt) {
        shard.entries.erase(it);
        return std::nullopt;
    }
    return it->token;
}

void VerifiedTokenCache::insert(QByteArrayView compact, const VerifiedToken &token, qint64 now)
{
    insert(digestOf(compact), token, now);
}

void VerifiedTokenCache::insert(const Digest &digest, const VerifiedToken &token, qint64 now)
{
    const qint64 expiresAt = keptUntil(token, now);
    if (expiresAt <= now)
        return;
    Shard &shard = shardFor(digest);
    QMutexLocker lock(&shard.mutex);
    auto &entries = shard.entries;
    if (entries.size() >= m_shardCapacity && !entries.contains(digest)) {
        entries.removeIf([now](const auto &entry) { return now >= entry.value().expiresAt; });
        if (entries.size() >= m_shardCapacity)
            entries.erase(entries.begin());
    }
    entries.insert(digest, Entry{token, expiresAt});
}

qsizetype VerifiedTokenCache::size() const
{
    qsizetype total = 0;
    for (const Shard &shard : m_shards) {
        QMutexLocker lock(&shard.mutex);
        total += shard.entries.size();
    }
    return total;
}

void VerifiedTokenCache::clear()
{
    for (Shard &shard : m_shards) {
        QMutexLocker lock(&shard.mutex);
        shard.entries.clear();
    }
}

} // namespace portico
