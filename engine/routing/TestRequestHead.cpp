#include "TestRequestHead.h"

#include "config/Config.h"

namespace portico {

namespace {

// Takes the head, stops there: what follows it (a body) is not the tester's business.
class HeadCatcher final : public HttpParserListener
{
public:
    Action onRequestHead(RequestHead &head) override
    {
        m_head = std::move(head);
        return Action::Pause;
    }
    std::optional<RequestHead> &head() { return m_head; }

private:
    std::optional<RequestHead> m_head;
};

// What a browser escapes in a URL's path and query (spaces, quotes, controls, non-ASCII);
// '%' stays, so escapes the user wrote reach the gateway as written.
QByteArray escapeTarget(const QByteArray &raw)
{
    static constexpr char kHex[] = "0123456789ABCDEF";
    QByteArray out;
    out.reserve(raw.size());
    for (const char c : raw) {
        const auto u = uchar(c);
        if (u <= 0x20 || u >= 0x7f || QByteArrayView("\"<>\\^`{|}").contains(c)) {
            out += '%';
            out += kHex[u >> 4];
            out += kHex[u & 0xf];
        } else {
            out += c;
        }
    }
    return out;
}

bool hasLineBreakOrNul(QByteArrayView bytes)
{
    return bytes.contains('\r') || bytes.contains('\n') || bytes.contains('\0');
}

struct SplitUrl
{
    QByteArray authority; // empty: none written
    QByteArray target;    // origin-form
    QString error;
};

SplitUrl splitUrl(const QString &url)
{
    SplitUrl out;
    QByteArray text = url.trimmed().toUtf8();
    const qsizetype hash = text.indexOf('#');
    if (hash >= 0)
        text.truncate(hash); // a fragment never leaves the client
    if (text.isEmpty()) {
        out.error = QStringLiteral("enter a URL such as http://127.0.0.1:8080/users");
        return out;
    }
    QByteArray rest = text;
    if (!text.startsWith('/')) {
        const qsizetype sep = text.indexOf("://");
        const QByteArray scheme = sep < 0 ? QByteArray() : text.left(sep).toLower();
        if (scheme != "http" && scheme != "https") {
            out.error = QStringLiteral("the URL must start with http:// or / (a path)");
            return out;
        }
        rest = text.mid(sep + 3);
        qsizetype end = 0;
        while (end < rest.size() && rest[end] != '/' && rest[end] != '?')
            ++end;
        out.authority = rest.left(end);
        rest = rest.mid(end);
        if (out.authority.isEmpty()) {
            out.error = QStringLiteral("the URL has no host");
            return out;
        }
        if (out.authority.contains('@')) {
            out.error = QStringLiteral("user names and passwords in a URL are not sent: use an "
                                       "Authorization header");
            return out;
        }
    }
    if (!rest.startsWith('/'))
        rest.prepend('/');
    out.target = escapeTarget(rest);
    return out;
}

} // namespace

ComposedHead composeRequestHead(const TestRequest &request, const HttpLimitsConfig &limits,
                                const QString &listen)
{
    ComposedHead out;
    const SplitUrl url = splitUrl(request.url);
    if (!url.error.isEmpty()) {
        out.inputError = url.error;
        return out;
    }
    const QByteArray method = request.method.trimmed();
    if (method.isEmpty() || hasLineBreakOrNul(method) || method.contains(' ')) {
        out.inputError = QStringLiteral("the method must be one word, such as GET");
        return out;
    }
    bool hostGiven = false;
    QByteArray fields;
    for (const auto &[name, value] : request.headers) {
        const QByteArray n = name.trimmed();
        if (n.isEmpty() || hasLineBreakOrNul(n) || hasLineBreakOrNul(value)) {
            out.inputError = QStringLiteral("header \u201c%1\u201d: a name is needed, and "
                                            "neither may hold a line break")
                                 .arg(QString::fromUtf8(n));
            return out;
        }
        hostGiven = hostGiven || HeaderMap::namesEqual(n, "Host");
        fields += n + ": " + value.trimmed() + "\r\n";
    }
    // A client writes the URL's authority as Host, first; one given by hand replaces it.
    QByteArray raw = method + ' ' + url.target + " HTTP/1.1\r\n";
    if (!hostGiven)
        raw += "Host: " + (url.authority.isEmpty() ? listen.toUtf8() : url.authority) + "\r\n";
    raw += fields + "\r\n";

    HeadCatcher catcher;
    HttpParser parser(HttpParser::Kind::Request, &catcher,
                      HeadLimits{limits.maxUriBytes, limits.maxHeaderBytes});
    const HttpParser::Result result = parser.feed(raw);
    if (result.status == HttpParser::Status::Error)
        out.error = parser.error();
    else if (catcher.head())
        out.head = std::move(*catcher.head());
    else
        out.inputError = QStringLiteral("the request head is incomplete");
    return out;
}

} // namespace portico
