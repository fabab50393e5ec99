#include "Serializer.h"

namespace portico {

namespace {

void appendVersion(QByteArray &out, int major, int minor)
{
    out += "HTTP/";
    out += char('0' + major);
    out += '.';
    out += char('0' + minor);
}

} // namespace

void appendHeaders(QByteArray &out, const HeaderMap &headers)
{
    for (const auto &[name, value] : headers.fields()) {
        // A name or value from configuration or a transform must not split the message.
        if (name.isEmpty() || name.contains(':') || name.contains('\r') || name.contains('\n')
            || name.contains(' ') || name.contains('\t') || name.contains('\0'))
            continue;
        out += name;
        out += ": ";
        const qsizetype start = out.size();
        out += value;
        for (qsizetype i = start; i < out.size(); ++i) {
            if (out[i] == '\r' || out[i] == '\n' || out[i] == '\0')
                out[i] = ' ';
        }
        out += "\r\n";
    }
}

void appendRequestHead(QByteArray &out, const RequestHead &head)
{
    out += head.method;
    out += ' ';
    out += head.target;
    out += ' ';
    appendVersion(out, head.versionMajor, head.versionMinor);
    out += "\r\n";
    appendHeaders(out, head.headers);
    out += "\r\n";
}

void appendResponseHead(QByteArray &out, const ResponseHead &head)
{
    appendVersion(out, head.versionMajor, head.versionMinor);
    out += ' ';
    out += QByteArray::number(head.status);
    out += ' ';
    out += head.reason.isEmpty() ? reasonPhrase(head.status) : head.reason;
    out += "\r\n";
    appendHeaders(out, head.headers);
    out += "\r\n";
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
