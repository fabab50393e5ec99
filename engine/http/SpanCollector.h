#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace portico {

// Collects a token llhttp reports in one or more spans of its input. A token that arrives in
// one span stays a view into the input (no copy, no allocation) until it is used; one split
// across reads is copied. materialize() must run before the input buffer goes away.
class SpanCollector
{
public:
    void add(const char *at, qsizetype length)
    {
        if (!m_hasView && m_buffer.isEmpty()) {
            m_view = QByteArrayView(at, length);
            m_hasView = true;
            return;
        }
        materialize();
        m_buffer.append(at, length);
    }
    void materialize()
    {
        if (!m_hasView)
            return;
        m_buffer.append(m_view);
        m_hasView = false;
    }
    QByteArrayView view() const { return m_hasView ? m_view : QByteArrayView(m_buffer); }
    void clear()
    {
        m_hasView = false;
        // Keeps the capacity for the next token. Most tokens never touch the buffer, and
        // resize() costs a call into Qt even on an empty one: twice per header field.
        if (!m_buffer.isEmpty())
            m_buffer.resize(0);
    }

private:
    QByteArrayView m_view;
    bool m_hasView = false;
    QByteArray m_buffer;
};

} // namespace portico
