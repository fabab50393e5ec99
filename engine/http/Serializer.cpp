#include "Serializer.h"

#include "ByteScan.h"
#include "ShortCopy.h"

#include <cstring>

namespace portico {

namespace {

bool isSafeName(QByteArrayView name)
{
    // No byte that would end the name early or split the message: ':', or anything up to and
    // including space (NUL, tab, CR, LF and the other controls, none of which a field name may
    // hold). A word at a time: every field of every head written passes here.
    return !name.isEmpty() && !anyWord(name.data(), name.size(), 'x', [](quint64 word) {
        return hasByteBelow(word, 0x21) || hasByte(word, ':');
    });
}

bool hasControlByte(QByteArrayView value)
{
    return anyWord(value.data(), value.size(), 'x', [](quint64 word) {
        return hasByteBelow(word, 0x20) || hasByte(word, 0x7f);
    });
}

bool isUnsafeValueByte(char c)
{
    return c == '\r' || c == '\n' || c == '\0';
}

// Writes into space reserved up front: a head is written with one allocation at most, which
// matters because every proxied request writes two of them.
class HeadWriter
{
public:
    HeadWriter(QByteArray &out, qsizetype reserve)
        : m_out(out)
        , m_start(out.size())
    {
        out.resize(m_start + reserve);
        m_pos = out.data() + m_start;
    }
    ~HeadWriter() { m_out.resize(m_pos - m_out.constData()); }

    void put(QByteArrayView bytes)
    {
        copyShort(m_pos, bytes.data(), bytes.size());
        m_pos += bytes.size();
    }
    void put(char c) { *m_pos++ = c; }
    void putValue(QByteArrayView value)
    {
        if (!hasControlByte(value)) {
            put(value); // the usual case
            return;
        }
        // A value from configuration or a transform must not split the message.
        for (char c : value)
            *m_pos++ = isUnsafeValueByte(c) ? ' ' : c;
    }
    void putVersion(int major, int minor)
    {
        put("HTTP/");
        put(char('0' + major));
        put('.');
        put(char('0' + minor));
    }
    void putHeaders(const HeaderMap &headers)
    {
        for (const auto &[name, value] : headers.fields()) {
            if (!isSafeName(name))
                continue;
            put(name);
            put(": ");
            putValue(value);
            put("\r\n");
        }
    }

private:
    QByteArray &m_out;
    qsizetype m_start;
    char *m_pos;
};

qsizetype headersSize(const HeaderMap &headers)
{
    qsizetype total = 0;
    for (const auto &[name, value] : headers.fields())
        total += name.size() + value.size() + 4;
    return total;
}

} // namespace

void appendHeaders(QByteArray &out, const HeaderMap &headers)
{
    HeadWriter writer(out, headersSize(headers));
    writer.putHeaders(headers);
}

void appendRequestHead(QByteArray &out, const RequestHead &head)
{
    HeadWriter writer(out,
                      head.method.size() + head.target.size() + headersSize(head.headers) + 16);
    writer.put(head.method);
    writer.put(' ');
    writer.put(head.target);
    writer.put(' ');
    writer.putVersion(head.versionMajor, head.versionMinor);
    writer.put("\r\n");
    writer.putHeaders(head.headers);
    writer.put("\r\n");
}

void appendResponseHead(QByteArray &out, const ResponseHead &head)
{
    const QByteArray reason = head.reason.isEmpty() ? reasonPhrase(head.status) : head.reason;
    const QByteArray status = statusCodeText(head.status); // shared text, no formatting
    HeadWriter writer(out, 16 + status.size() + reason.size() + headersSize(head.headers));
    writer.putVersion(head.versionMajor, head.versionMinor);
    writer.put(' ');
    writer.put(status);
    writer.put(' ');
    writer.putValue(reason);
    writer.put("\r\n");
    writer.putHeaders(head.headers);
    writer.put("\r\n");
}

void appendChunk(QByteArray &out, QByteArrayView data)
{
    if (data.isEmpty())
        return;
    out += QByteArray::number(qulonglong(data.size()), 16);
    out += "\r\n";
    out += data;
    out += "\r\n";
}

void appendLastChunk(QByteArray &out)
{
    out += "0\r\n\r\n";
}

QByteArray serializeResponse(const ResponseHead &head, QByteArrayView body)
{
    QByteArray out;
    out.reserve(256 + body.size());
    const bool bodiless =
        (head.status >= 100 && head.status < 200) || head.status == 204 || head.status == 304;
    if (bodiless || head.headers.contains("Content-Length")
        || head.headers.contains("Transfer-Encoding")) {
        appendResponseHead(out, head);
    } else {
        // Without a length a keep-alive client could not tell where the body ends.
        ResponseHead framed = head;
        framed.headers.add("Content-Length", QByteArray::number(body.size()));
        appendResponseHead(out, framed);
    }
    if (!bodiless)
        out += body;
    return out;
}

} // namespace portico
