#include "PathNormalizer.h"

namespace portico {

namespace {

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool isUnreserved(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
        || c == '.' || c == '_' || c == '~';
}

// True when the path is already in its one form: no escape, no NUL, no empty, "." or ".."
// segment. Nearly every request's path is, and then it is used as it is.
bool isNormal(QByteArrayView path)
{
    if (path.isEmpty() || path[0] != '/')
        return false;
    const char *p = path.data();
    const char *const end = p + path.size();
    for (const char *segment = p + 1;; ++segment) {
        const char *slash = segment;
        while (slash != end && *slash != '/') {
            if (*slash == '%' || *slash == '\0')
                return false;
            ++slash;
        }
        const qsizetype length = slash - segment;
        const bool dots = (length == 1 && segment[0] == '.')
            || (length == 2 && segment[0] == '.' && segment[1] == '.');
        if (dots || (length == 0 && slash != end))
            return false;
        if (slash == end)
            return true;
        segment = slash;
    }
}

} // namespace

std::optional<QByteArray> normalizePath(const QByteArray &rawPath)
{
    if (isNormal(rawPath))
        return rawPath; // shared, not copied

    static constexpr char hexDigits[] = "0123456789ABCDEF";
    // From here on the path needs rewriting: decoding, resolving or rejecting.
    const qsizetype n = rawPath.size();
    if (n == 0 || rawPath[0] != '/')
        return std::nullopt;

    // One pass: each segment is decoded straight into the output after its '/', then dropped
    // again when it turns out to be "." or "..".
    QByteArray out;
    out.reserve(n);
    bool trailingSlash = false;
    qsizetype i = 0;
    while (i < n) {
        if (rawPath[i] == '/') {
            trailingSlash = true;
            ++i;
            continue;
        }
        const qsizetype segmentStart = out.size();
        out.append('/');
        for (; i < n && rawPath[i] != '/'; ++i) {
            const char c = rawPath[i];
            if (c == '\0')
                return std::nullopt;
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (i + 2 >= n)
                return std::nullopt;
            const int high = hexValue(rawPath[i + 1]);
            const int low = hexValue(rawPath[i + 2]);
            if (high < 0 || low < 0)
                return std::nullopt;
            const char decoded = char(high * 16 + low);
            if (decoded == '\0')
                return std::nullopt;
            if (isUnreserved(decoded)) {
                out.append(decoded);
            } else {
                out.append('%');
                out.append(hexDigits[high]);
                out.append(hexDigits[low]);
            }
            i += 2;
        }
        const QByteArrayView segment = QByteArrayView(out).sliced(segmentStart + 1);
        if (segment == ".") {
            out.truncate(segmentStart);
            trailingSlash = true;
        } else if (segment == "..") {
            out.truncate(segmentStart);
            if (out.isEmpty())
                return std::nullopt; // above the root
            out.truncate(out.lastIndexOf('/'));
            trailingSlash = true;
        } else {
            trailingSlash = false;
        }
    }
    if (out.isEmpty() || trailingSlash)
        out.append('/');
    return out;
}

} // namespace portico
