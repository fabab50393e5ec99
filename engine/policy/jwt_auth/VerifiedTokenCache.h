#pragma once

#include <QByteArrayView>
#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QString>

#include <array>
#include <optional>

namespace portico {

// What the gateway needs from a verified token's claims, in UTF-8 as headers and lookups use
// them (converted once, when the token is verified, not on every cache hit).
struct VerifiedToken
{
    QByteArray subject;
    QByteArray scope;
    QByteArray consumer;          // the provider's consumer_claim value, if any
    std::optional<qint64> expiry; // "exp", whole seconds

    // Extracts the fields (see jwtSubject, jwtScope, jwtClaimString).
    static VerifiedToken fromClaims(const QJsonObject &claims, QStringView consumerClaim);

    friend bool operator==(const VerifiedToken &, const VerifiedToken &) = default;
};

// Tokens that already passed verification, so a client sending the same token again costs one
// SHA-256 and a hash probe instead of an RSA or ECDSA verify. Keyed by the token's SHA-256
// (the token itself is never stored). An entry lives until min(exp, insert time + kMaxAgeS).
// One cache per provider: an entry says the token passed that provider's rules. Thread-safe:
// 16 shards, each a mutex and a hash, bounded in total.
class VerifiedTokenCache
{
public:
    static constexpr int kShardCount = 16;
    static constexpr qsizetype kDefaultCapacity = 10000;
    static constexpr qint64 kMaxAgeS = 300;

    explicit VerifiedTokenCache(qsizetype capacity = kDefaultCapacity);

    struct Digest
    {
        std::array<quint64, 4> words{};
        friend bool operator==(const Digest &, const Digest &) = default;
    };

    // A token's SHA-256, the key of its entry: computed once by a caller that looks a token up
    // in several caches, or looks it up and then inserts it.
    static Digest digestOf(QByteArrayView compact);
    // Until when (seconds) an entry for `token` stored at `now` is kept: its exp, at most
    // kMaxAgeS from now.
    static qint64 keptUntil(const VerifiedToken &token, qint64 now);

    // The stored values when `compact` was inserted and its entry has not expired at `now`.
    std::optional<VerifiedToken> find(QByteArrayView compact, qint64 now) const;
    std::optional<VerifiedToken> find(const Digest &digest, qint64 now) const;
    // Stores a verified token. A full shard drops its expired entries first, then an arbitrary
    // one. A token already expired at `now` is not stored.
    void insert(QByteArrayView compact, const VerifiedToken &token, qint64 now);
    void insert(const Digest &digest, const VerifiedToken &token, qint64 now);

    qsizetype size() const;
    qsizetype capacity() const { return m_shardCapacity * kShardCount; }
    void clear();

private:
    struct Entry
    {
        VerifiedToken token;
        qint64 expiresAt = 0; // the entry is a miss from this second on
    };
    struct alignas(64) Shard // own cache line: workers on different shards do not contend
    {
        mutable QMutex mutex;
        QHash<Digest, Entry> entries;
    };

    Shard &shardFor(const Digest &digest) const;

    qsizetype m_shardCapacity;
    mutable std::array<Shard, kShardCount> m_shards;
};

// SHA-256 output is uniform: any 64 bits of it are a good hash.
inline size_t qHash(const VerifiedTokenCache::Digest &digest, size_t seed = 0) noexcept
{
    return size_t(digest.words[1]) ^ seed;
}

} // namespace portico
