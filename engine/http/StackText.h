#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <charconv>
#include <cstring>

namespace portico {

// Short texts built on the stack and copied into a QByteArray once, at their final size: one
// allocation, none of QByteArray's growth checks per piece. Numbers are written with
// std::to_chars: QByteArray::number() goes through a generic conversion that cost more than a
// whole rate-limit decision on the request path (measured with perf). What does not fit is cut.
template<int Capacity>
class StackText
{
public:
    StackText &operator<<(QByteArrayView text)
    {
        const qsizetype n = std::min<qsizetype>(text.size(), Capacity - m_size);
        std::memcpy(m_buffer + m_size, text.data(), size_t(n));
        m_size += n;
        return *this;
    }
    StackText &operator<<(char c) { return *this << QByteArrayView(&c, 1); }
    StackText &operator<<(qint64 value)
    {
        char digits[24];
        const std::to_chars_result end = std::to_chars(digits, digits + sizeof digits, value);
        return *this << QByteArrayView(digits, end.ptr - digits);
    }
    QByteArray toByteArray() const { return QByteArray(m_buffer, m_size); }

private:
    char m_buffer[Capacity];
    qsizetype m_size = 0;
};

} // namespace portico
