#pragma once

#include <QByteArray>
#include <QList>
#include <QVarLengthArray>

#include <cstddef>

namespace portico {

// Command words as hiredis's *CommandArgv functions take them. Borrows the words: they must
// outlive it (hiredis copies them while formatting the command).
class RedisArgv
{
public:
    explicit RedisArgv(const QList<QByteArray> &words)
    {
        for (const QByteArray &word : words) {
            m_argv.append(word.constData());
            m_lengths.append(size_t(word.size()));
        }
    }

    int count() const { return int(m_argv.size()); }
    const char **argv() { return m_argv.data(); }
    const size_t *lengths() const { return m_lengths.constData(); }

private:
    QVarLengthArray<const char *, 16> m_argv;
    QVarLengthArray<size_t, 16> m_lengths;
};

} // namespace portico
