#include "CurlCommand.h"

#include "CaptureText.h"
#include "http/HeaderMap.h"

#include <QStringList>

namespace portico {

namespace {

const QByteArrayView kRedacted = "[redacted]";

// Text that a single-quoted word carries as is and that survives a copy and paste: UTF-8
// without control characters but tab and newline.
bool isPlainText(QByteArrayView bytes)
{
    for (char c : bytes) {
        const uchar u = uchar(c);
        if ((u < 0x20 && c != '\t' && c != '\n') || u == 0x7f)
            return false;
    }
    return isUtf8(bytes);
}

// A printf format that prints exactly these bytes, for inside single quotes.
QString printfFormat(QByteArrayView bytes)
{
    QString format;
    format.reserve(bytes.size() * 2);
    for (char c : bytes) {
        const uchar u = uchar(c);
        if (c == '%')
            format += QLatin1StringView("%%");
        else if (c == '\\')
            format += QLatin1StringView("\\\\");
        else if (c == '\'')
            format += QLatin1StringView("'\\''");
        else if (u >= 0x20 && u < 0x7f)
            format += QLatin1Char(c);
        else
            format += QStringLiteral("\\%1").arg(u, 3, 8, QLatin1Char('0'));
    }
    return format;
}

// Tokens that need no quoting in a shell (curl's options, methods such as GET).
bool isShellWord(QByteArrayView bytes)
{
    if (bytes.isEmpty())
        return false;
    for (char c : bytes) {
        const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '-' || c == '_' || c == '.';
        if (!safe)
            return false;
    }
    return true;
}

// The authority of a URL ("host:port" of "http://host:port/path").
QByteArrayView authorityOf(QByteArrayView url)
{
    const qsizetype scheme = url.indexOf("://");
    if (scheme < 0)
        return {};
    qsizetype end = scheme + 3;
    while (end < url.size() && url[end] != '/' && url[end] != '?' && url[end] != '#')
        ++end;
    return url.sliced(scheme + 3, end - scheme - 3);
}

// curl removes "." and ".." segments unless told not to; the request had them as sent.
bool hasDotSegments(QByteArrayView url)
{
    qsizetype path = url.indexOf("://");
    path = path < 0 ? 0 : url.indexOf('/', path + 3);
    if (path < 0)
        return false;
    qsizetype end = url.indexOf('?', path);
    if (end < 0)
        end = url.size();
    for (qsizetype i = path; i < end; ++i) {
        if (url[i] != '/')
            continue;
        qsizetype next = url.indexOf('/', i + 1);
        if (next < 0 || next > end)
            next = end;
        const QByteArrayView segment = url.sliced(i + 1, next - i - 1);
        if (segment == "." || segment == "..")
            return true;
    }
    return false;
}

bool mentionsRedacted(const CaptureRecord &record)
{
    if (record.target.contains(kRedacted) || record.requestBody.bytes.contains(kRedacted))
        return true;
    for (const CapturedField &field : record.requestHeaders) {
        if (field.value.contains(kRedacted))
            return true;
    }
    return false;
}

QStringList notes(const CaptureRecord &record)
{
    QStringList notes;
    const CapturedBody &body = record.requestBody;
    if (body.truncated) {
        notes << QStringLiteral("request body truncated: only the first %1 of %2 bytes were "
                                "captured")
                     .arg(body.bytes.size())
                     .arg(qMax(body.size, record.requestBytes));
    } else if (body.bytes.isEmpty() && record.requestBytes > 0) {
        notes << QStringLiteral("request body of %1 bytes not captured: none is sent")
                     .arg(record.requestBytes);
    }
    if (!record.hasHeaders)
        notes << QStringLiteral("request headers not captured: none are sent");
    if (mentionsRedacted(record))
        notes << QStringLiteral("values shown as [redacted] were hidden at capture");
    return notes;
}

} // namespace

QString shellQuote(QByteArrayView bytes)
{
    if (!isPlainText(bytes))
        return QLatin1StringView("\"$(printf '") + printfFormat(bytes) + QLatin1StringView("')\"");
    QString text = QString::fromUtf8(bytes);
    text.replace(QLatin1Char('\''), QLatin1StringView("'\\''"));
    return QLatin1Char('\'') + text + QLatin1Char('\'');
}

QString curlCommand(const CaptureRecord &record)
{
    const QByteArray url = requestUrl(record);
    const QByteArray &body = record.requestBody.bytes;
    const bool hasBody = !body.isEmpty();

    QStringList lines;
    for (const QString &note : notes(record))
        lines << QLatin1StringView("# ") + note;

    // The first line: method and URL; then one option a line.
    QString command;
    const bool pipedBody = hasBody && !isPlainText(body);
    if (pipedBody)
        command += QLatin1StringView("printf '") + printfFormat(body) + QLatin1StringView("' | ");
    command += QLatin1StringView("curl");
    if (record.method == "HEAD" && !hasBody) {
        command += QLatin1StringView(" -I");
    } else if (record.method != "GET" || hasBody) {
        command += QLatin1StringView(" -X ");
        command += isShellWord(record.method) ? QString::fromLatin1(record.method)
                                              : shellQuote(record.method);
    }
    if (record.httpVersion == "HTTP/1.0")
        command += QLatin1StringView(" --http1.0");
    // curl reads [] and {} in a URL as globs, and drops dot segments.
    for (char c : url) {
        if (c == '[' || c == ']' || c == '{' || c == '}') {
            command += QLatin1StringView(" --globoff");
            break;
        }
    }
    if (hasDotSegments(url))
        command += QLatin1StringView(" --path-as-is");
    command += QLatin1Char(' ') + shellQuote(url);

    QStringList options;
    const QByteArrayView authority = authorityOf(url);
    bool hasContentType = false;
    for (const CapturedField &field : record.requestHeaders) {
        // HTTP/2 pseudo-fields (a browser's HAR) are not header fields; curl counts the body.
        if (field.name.startsWith(':') || HeaderMap::namesEqual(field.name, "content-length"))
            continue;
        if (HeaderMap::namesEqual(field.name, "host")
            && HeaderMap::namesEqual(field.value, authority))
            continue;
        hasContentType = hasContentType || HeaderMap::namesEqual(field.name, "content-type");
        // "Name:" would make curl remove the field; "Name;" sends it empty.
        const QByteArray header =
            field.value.isEmpty() ? field.name + ';' : field.name + ": " + field.value;
        options << QLatin1StringView("-H ") + shellQuote(header);
    }
    if (hasBody) {
        // Without this, curl labels the body application/x-www-form-urlencoded.
        if (!hasContentType && record.hasHeaders)
            options << QLatin1StringView("-H 'Content-Type:'");
        options << QLatin1StringView("--data-binary ")
                + (pipedBody ? QLatin1StringView("@-") : shellQuote(body));
    }

    for (const QString &option : options)
        command += QLatin1StringView(" \\\n  ") + option;
    lines << command;
    return lines.join(QLatin1Char('\n'));
}

} // namespace portico
