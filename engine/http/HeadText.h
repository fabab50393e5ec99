#pragma once

#include "ShortCopy.h"

#include <QByteArray>
#include <QByteArrayView>

#include <algorithm>

namespace portico {

// The texts of one message head (request target, header values, uncommon header names) in one
// buffer: a head costs one allocation and no memcpy call instead of one of each per text. Each
// text is copied in as it is parsed; once the head is complete each is handed out as a
// QByteArray sharing the buffer, which lives as long as any of them does. A text is followed by
// a NUL in the buffer, so a shared one is terminated like any QByteArray; writing to one copies
// it first, unless it holds the buffer alone, and then no other text is there to overwrite.
class HeadText
{
public:
    struct Span
    {
        qsizetype offset = 0;
        qsizetype size = 0;
    };

    // A fresh buffer for the next head; the previous one stays with the texts sharing it.
    void start(qsizetype capacity)
    {
        m_buffer = QByteArray(capacity, Qt::Uninitialized);
        m_used = 0;
    }
    Span add(QByteArrayView text)
    {
        if (m_used + text.size() + 1 > m_buffer.size())
            grow(m_used + text.size() + 1);
        char *out = m_buffer.data() + m_used;
        copyShort(out, text.data(), text.size());
        out[text.size()] = '\0';
        const Span span{m_used, text.size()};
        m_used += text.size() + 1;
        return span;
    }
    // Only once every text is added: adding may move the buffer.
    QByteArray share(Span span)
    {
        QByteArray::DataPointer &whole = m_buffer.data_ptr();
        whole.ref();
        return QByteArray(
            QByteArray::DataPointer(whole.d_ptr(), whole.data() + span.offset, span.size));
    }
    // Lets go of the buffer: the texts shared are its only owners from now on.
    void release() { m_buffer = QByteArray(); }

private:
    // A head larger than the capacity given (one split across reads).
    void grow(qsizetype needed)
    {
        QByteArray larger(std::max(needed, 2 * m_buffer.size()), Qt::Uninitialized);
        memcpy(larger.data(), m_buffer.constData(), size_t(m_used));
        m_buffer.swap(larger);
    }

    QByteArray m_buffer; // its size is the capacity; m_used bytes of it are written
    qsizetype m_used = 0;
};

} // namespace portico
