#pragma once

#include <QByteArray>
#include <QList>

#include <vector>

namespace portico {

// A Lua script for EVALSHA, with its SHA1 computed once (what Redis names a loaded script by).
class RedisScript
{
public:
    explicit RedisScript(QByteArray source);

    const QByteArray &source() const { return m_source; }
    const QByteArray &sha1() const { return m_sha1; } // 40 lowercase hex digits

    // The command words: EVALSHA sha1 numkeys key... arg..., and EVAL source numkeys ...
    QList<QByteArray> evalShaCommand(const std::vector<QByteArray> &keys,
                                     const std::vector<QByteArray> &args) const;
    QList<QByteArray> evalCommand(const std::vector<QByteArray> &keys,
                                  const std::vector<QByteArray> &args) const;

private:
    QByteArray m_source;
    QByteArray m_sha1;
};

} // namespace portico
