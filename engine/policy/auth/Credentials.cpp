#include "Credentials.h"

#include "http/HttpMessage.h"

#include <QList>

#include <optional>

namespace portico {

namespace {

// "Bearer <value>" (the scheme is case-insensitive, RFC 9110 11.1): the value's place in the
// header, or nullopt when it is not Bearer.
std::optional<QByteArrayView> bearerValue(const QByteArray &authorization)
{
    constexpr QByteArrayView kScheme = "bearer ";
    if (authorization.size() <= kScheme.size()
        || qstrnicmp(authorization.constData(), kScheme.size(), kScheme.data(), kScheme.size()))
        return std::nullopt;
    return QByteArrayView(authorization).sliced(kScheme.size()).trimmed();
}

// Removes every `apikey` parameter from the target's query; returns the decoded value of the
// first and how many there were.
int takeQueryKey(RequestHead &head, QByteArray *value)
{
    const qsizetype q = head.target.indexOf('?');
    if (q < 0)
        return 0;
    const QByteArray query = head.target.sliced(q + 1);
    QByteArray kept;
    int found = 0;
    for (const QByteArray &part : query.split('&')) {
        const qsizetype eq = part.indexOf('=');
        const QByteArrayView whole(part); // a view of the view: QByteArray::first() would copy
        const QByteArrayView name = eq < 0 ? whole : whole.first(eq);
        if (name == "apikey") {
            if (found++ == 0 && eq >= 0)
                *value = QByteArray::fromPercentEncoding(part.sliced(eq + 1).replace('+', ' '));
            continue;
        }
        if (!kept.isEmpty())
            kept += '&';
        kept += part;
    }
    if (found) {
        head.target.truncate(q);
        if (!kept.isEmpty())
            head.target += '?' + kept;
    }
    return found;
}

} // namespace

bool looksLikeJwt(QByteArrayView value)
{
    return value.count('.') == 2 && !value.startsWith('.') && !value.endsWith('.');
}

Credential takeCredential(RequestHead &head, const CredentialSources &sources)
{
    Credential header;
    if (sources.keys) {
        const int fields = head.headers.count(sources.keyHeader);
        if (fields) {
            const QByteArray value = head.headers.value(sources.keyHeader);
            header = Credential{fields > 1 ? Credential::Kind::Ambiguous
                                           : Credential::Kind::ApiKey,
                                value, QByteArrayView(value).trimmed(), "header"};
            head.headers.remove(sources.keyHeader);
        }
    }
    Credential query;
    if (sources.keys && sources.keyInQuery) {
        QByteArray value;
        const int found = takeQueryKey(head, &value);
        if (found)
            query = Credential{found > 1 ? Credential::Kind::Ambiguous
                                         : Credential::Kind::ApiKey,
                               value, value, "query"};
    }
    // A bearer credential is the gateway's on an authenticated route, whichever was used.
    Credential bearer;
    const int authorizations = head.headers.count("Authorization");
    const QByteArray authorization = head.headers.value("Authorization");
    if (const std::optional<QByteArrayView> text = bearerValue(authorization)) {
        head.headers.remove("Authorization");
        const bool token = sources.tokens && (!sources.keys || looksLikeJwt(*text));
        bearer = Credential{authorizations > 1 ? Credential::Kind::Ambiguous
                            : token            ? Credential::Kind::Token
                                               : Credential::Kind::ApiKey,
                            authorization, *text, "bearer"};
    }
    for (Credential *c : {&header, &query, &bearer}) {
        if (c->kind != Credential::Kind::None)
            return std::move(*c);
    }
    return {};
}

} // namespace portico
