#include "RedisScript.h"

#include <QCryptographicHash>

namespace portico {

namespace {

QList<QByteArray> scriptCommand(const char *verb, const QByteArray &script,
                                const std::vector<QByteArray> &keys,
                                const std::vector<QByteArray> &args)
{
    QList<QByteArray> words;
    words.reserve(qsizetype(3 + keys.size() + args.size()));
    words << QByteArray(verb) << script << QByteArray::number(qulonglong(keys.size()));
    for (const QByteArray &key : keys)
        words << key;
    for (const QByteArray &arg : args)
        words << arg;
    return words;
}

} // namespace

RedisScript::RedisScript(QByteArray source)
    : m_source(std::move(source))
    , m_sha1(QCryptographicHash::hash(m_source, QCryptographicHash::Sha1).toHex())
{
}

QList<QByteArray> RedisScript::evalShaCommand(const std::vector<QByteArray> &keys,
                                              const std::vector<QByteArray> &args) const
{
    return scriptCommand("EVALSHA", m_sha1, keys, args);
}

QList<QByteArray> RedisScript::evalCommand(const std::vector<QByteArray> &keys,
                                           const std::vector<QByteArray> &args) const
{
    return scriptCommand("EVAL", m_source, keys, args);
}

} // namespace portico
