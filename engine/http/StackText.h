#pragma once

#include "ShortCopy.h"

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
        copyShort(m_buffer + m_size, text.data(), n);
        m_size += n;
        return *this;
    }
    StackText &operator<<(char c)
    {
        if (m_size < Capacity)
            m_buffer[m_size++] = c;
        return *this;
    }
    StackText &operator<<(qint64 value)
    {
        char digits[24];
        const std::to_chars_result end = std::to_chars(digits, digits + sizeof digits, value);
        return *this << QByteArrayView(digits, end.ptr - digits);
    }
    QByteArray toByteArray() const
    {
        QByteArray bytes(m_size, Qt::Uninitialized);
        copyShort(bytes.data(), m_buffer, m_size);
        return bytes;
    }

private:
    char m_buffer[Capacity];
    qsizetype m_size = 0;
};

} // namespace portico
