#include "BodyText.h"

#include "observe/CaptureText.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace portico {

namespace {

bool looksBinary(QByteArrayView bytes)
{
    if (!isUtf8(bytes))
        return true;
    // Control characters other than whitespace mean data, not text.
    for (char c : bytes) {
        const auto u = uchar(c);
        if (u < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f')
            return true;
    }
    return false;
}

bool isJsonType(QByteArrayView contentType)
{
    const QByteArray type = contentType.toByteArray().toLower();
    return type.contains("/json") || type.contains("+json");
}

// Indents JSON that is known to parse, keeping its text as it is: keys in their order, numbers
// as written (QJsonDocument would sort keys and reformat numbers).
QString indentJson(const QString &json)
{
    QString out;
    out.reserve(json.size() * 2);
    int depth = 0;
    bool inString = false;
    const auto newline = [&] {
        out += u'\n';
        out += QString(depth * 2, u' ');
    };
    for (qsizetype i = 0; i < json.size(); ++i) {
        const QChar c = json[i];
        if (inString) {
            out += c;
            if (c == u'\\' && i + 1 < json.size())
                out += json[++i];
            else if (c == u'"')
                inString = false;
            continue;
        }
        switch (c.unicode()) {
        case u'"':
            inString = true;
            out += c;
            break;
        case u'{':
        case u'[': {
            // An empty object or array stays on its line.
            qsizetype next = i + 1;
            while (next < json.size() && json[next].isSpace())
                ++next;
            if (next < json.size() && (json[next] == u'}' || json[next] == u']')) {
                out += c;
                out += json[next];
                i = next;
                break;
            }
            out += c;
            ++depth;
            newline();
            break;
        }
        case u'}':
        case u']':
            --depth;
            newline();
            out += c;
            break;
        case u',':
            out += c;
            newline();
            break;
        case u':': out += QStringLiteral(": "); break;
        case u' ':
        case u'\t':
        case u'\n':
        case u'\r': break;
        default: out += c;
        }
    }
    return out;
}

} // namespace

QString hexDump(QByteArrayView bytes)
{
    static const char digits[] = "0123456789abcdef";
    QString out;
    out.reserve((bytes.size() / 16 + 1) * 78);
    for (qsizetype offset = 0; offset < bytes.size(); offset += 16) {
        out += QStringLiteral("%1  ").arg(offset, 8, 16, QLatin1Char('0'));
        QString ascii;
        for (qsizetype i = 0; i < 16; ++i) {
            if (offset + i < bytes.size()) {
                const auto b = uchar(bytes[offset + i]);
                out += QLatin1Char(digits[b >> 4]);
                out += QLatin1Char(digits[b & 0xf]);
                out += u' ';
                ascii += b >= 0x20 && b < 0x7f ? QChar(b) : QChar(u'.');
            } else {
                out += QStringLiteral("   ");
            }
            if (i == 7)
                out += u' ';
        }
        out += u' ';
        out += ascii;
        out += u'\n';
    }
    return out;
}

BodyPresentation presentBody(QByteArrayView bytes, QByteArrayView contentType)
{
    if (bytes.isEmpty())
        return {};
    if (looksBinary(bytes))
        return {BodyKind::Binary, hexDump(bytes)};
    const QByteArray trimmed = bytes.toByteArray().trimmed();
    const bool jsonShaped = trimmed.startsWith('{') || trimmed.startsWith('[');
    if (isJsonType(contentType) || jsonShaped) {
        QJsonParseError error;
        QJsonDocument::fromJson(trimmed, &error);
        if (error.error == QJsonParseError::NoError)
            return {BodyKind::Json, indentJson(QString::fromUtf8(trimmed))};
    }
    return {BodyKind::Text, QString::fromUtf8(bytes)};
}

} // namespace portico
