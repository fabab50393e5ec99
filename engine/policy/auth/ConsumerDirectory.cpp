#include "ConsumerDirectory.h"

#include "KeyUsageRecorder.h"

#include "policy/jwt_auth/OpenSslSupport.h"
#include "policy/rate_limit/RateQuery.h"

#include <openssl/crypto.h>

namespace portico {

namespace {

QByteArray digestOfStoredHash(const QString &hash)
{
    // "sha256:" + 64 hex digits, checked by the validator.
    return QByteArray::fromHex(hash.sliced(hash.indexOf(QLatin1Char(':')) + 1).toLatin1());
}

qint64 msOrZero(const QDateTime &time)
{
    return time.isValid() ? time.toMSecsSinceEpoch() : 0;
}

} // namespace

bool CompiledConsumer::inGroup(QByteArrayView group) const
{
    for (const QByteArray &g : groups) {
        if (g == group)
            return true;
    }
    return false;
}

ConsumerDirectory::ConsumerDirectory(const QList<ConsumerConfig> &consumers,
                                     std::shared_ptr<KeyUsageRecorder> usage)
    : m_source(consumers)
    , m_usage(std::move(usage))
{
    m_consumers.reserve(size_t(consumers.size()));
    m_consumerByName.reserve(size_t(consumers.size()));
    qsizetype keyCount = 0;
    for (const ConsumerConfig &c : consumers)
        keyCount += qsizetype(c.keys.size());
    m_keys = std::vector<CompiledKey>(size_t(keyCount)); // atomics: sized once, never moved
    m_keyByDigest.reserve(size_t(keyCount));

    size_t k = 0;
    for (const ConsumerConfig &c : consumers) {
        const int index = int(m_consumers.size());
        CompiledConsumer compiled;
        compiled.name = c.name.toUtf8();
        compiled.id = c.customId.isEmpty() ? compiled.name : c.customId.toUtf8();
        compiled.plan = c.plan;
        compiled.rateSubject = consumerRateSubject(compiled.name);
        for (const QString &group : c.groups)
            compiled.groups.push_back(group.toUtf8());
        m_consumerByName.emplace(compiled.name, index);
        m_consumers.push_back(std::move(compiled));
        for (const ApiKeyConfig &key : c.keys) {
            CompiledKey &out = m_keys[k];
            out.consumerIndex = index;
            out.id = key.id.toLatin1();
            out.prefix = key.prefix.toUtf8();
            out.digest = digestOfStoredHash(key.hash);
            out.expiresMs = msOrZero(key.expires);
            out.revoked = key.revoked.isValid();
            out.accepted = "key " + out.id + " consumer " + m_consumers[size_t(index)].name;
            m_keyByDigest.emplace(out.digest, int(k));
            ++k;
        }
    }
}

ConsumerDirectory::KeyMatch ConsumerDirectory::findKey(QByteArrayView presented,
                                                       qint64 nowMs) const
{
    // OpenSSL's SHA-256 (hardware-assisted where the CPU has it), into the stack: no
    // allocation on the request path.
    unsigned char digest[32];
    if (!openssl::sha256Of(presented, digest))
        return {};
    const auto found = m_keyByDigest.find(
        QByteArray::fromRawData(reinterpret_cast<const char *>(digest), sizeof digest));
    if (found == m_keyByDigest.end())
        return {};
    const CompiledKey &key = m_keys[size_t(found->second)];
    // The table compared the digests already; comparing again in constant time keeps the
    // promise whatever the table's own comparison did on the way.
    if (CRYPTO_memcmp(key.digest.constData(), digest, sizeof digest) != 0)
        return {};
    return recheck(key, nowMs);
}

ConsumerDirectory::KeyMatch ConsumerDirectory::recheck(const CompiledKey &key,
                                                       qint64 nowMs) const
{
    if (key.revoked)
        return {KeyVerdict::Revoked, &key};
    if (key.expiresMs && nowMs >= key.expiresMs)
        return {KeyVerdict::Expired, &key};
    return {KeyVerdict::Valid, &key};
}

void ConsumerDirectory::noteUse(const CompiledKey &key, qint64 nowMs) const
{
    const qint64 second = nowMs / 1000;
    if (!m_usage || key.lastReportedS.load(std::memory_order_relaxed) == second)
        return;
    if (key.lastReportedS.exchange(second, std::memory_order_relaxed) != second)
        m_usage->record(key.id, nowMs);
}

const CompiledConsumer *ConsumerDirectory::consumerByName(const QByteArray &name) const
{
    const auto found = m_consumerByName.find(name);
    return found == m_consumerByName.end() ? nullptr : &m_consumers[size_t(found->second)];
}

bool ConsumerDirectory::isCompiledFrom(const QList<ConsumerConfig> &consumers) const
{
    return m_source.constData() == consumers.constData() && m_source.size() == consumers.size();
}

} // namespace portico
