#include "Redactor.h"

#include "config/Config.h"
#include "http/HeaderMap.h"

namespace portico {

namespace {

// Shared static bytes: a redacted field costs no allocation.
const QByteArray &redactedValue()
{
    static const QByteArray value = QByteArrayLiteral("[redacted]");
    return value;
}

// Names compared case-insensitively, after percent-decoding (api%5Fkey is api_key).
bool isSecretParameter(QByteArrayView name)
{
    QByteArray decoded;
    if (name.contains('%')) { // rare: only then is a copy made
        decoded = QByteArray::fromPercentEncoding(name.toByteArray());
        name = decoded;
    }
    for (QByteArrayView secret :
         {QByteArrayView("apikey"), QByteArrayView("api_key"), QByteArrayView("access_token")}) {
        if (name.compare(secret, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace

Redactor::Redactor()
    : Redactor(QStringList{})
{
}

Redactor::Redactor(const QStringList &extraNames)
    : m_names{"authorization", "proxy-authorization", "x-api-key", "cookie", "set-cookie"}
{
    for (const QString &name : extraNames) {
        QByteArray lower = name.toUtf8().toLower();
        if (std::find(m_names.cbegin(), m_names.cend(), lower) == m_names.cend())
            m_names.push_back(std::move(lower));
    }
    for (const QByteArray &secret : m_names) {
        if (!secret.isEmpty())
            m_prefilter |= quint64(1) << prefilterBit(secret);
    }
}

Redactor Redactor::forConfig(const Config &config)
{
    QStringList names = config.settings.observe.redactHeaders;
    for (const RouteConfig &route : config.routes) {
        if (route.auth.contains(QLatin1String("key")) && !names.contains(route.keyHeader))
            names.append(route.keyHeader);
    }
    return Redactor(names);
}

bool Redactor::isSecretName(QByteArrayView name) const
{
    for (const QByteArray &secret : m_names) { // lower case: only `name` needs lowering
        if (secret.size() != name.size())
            continue;
        const char *a = name.data();
        const char *b = secret.constData();
        qsizetype i = 0;
        while (i < name.size() && HeaderMap::asciiLower(a[i]) == b[i])
            ++i;
        if (i == name.size())
            return true;
    }
    return false;
}

std::vector<CapturedField> Redactor::redactedFields(const HeaderMap &headers) const
{
    std::vector<CapturedField> fields;
    fields.reserve(headers.fields().size());
    for (const auto &[name, value] : headers.fields())
        fields.push_back({name, isSecret(name) ? redactedValue() : value});
    return fields;
}

void Redactor::redact(HeaderMap &headers) const
{
    for (auto &[name, value] : headers.fields()) {
        if (isSecret(name))
            value = redactedValue();
    }
}

QByteArray Redactor::redactedTarget(const QByteArray &target)
{
    const qsizetype query = target.indexOf('?');
    if (query < 0)
        return target;
    QByteArray out;
    out.reserve(target.size());
    out.append(QByteArrayView(target).first(query + 1));
    bool changed = false;
    qsizetype start = query + 1;
    while (start <= target.size()) {
        qsizetype end = target.indexOf('&', start);
        if (end < 0)
            end = target.size();
        const QByteArrayView part = QByteArrayView(target).sliced(start, end - start);
        const qsizetype equals = part.indexOf('=');
        if (equals >= 0 && isSecretParameter(part.first(equals))) {
            out.append(part.first(equals + 1));
            out.append(kRedacted);
            changed = true;
        } else {
            out.append(part);
        }
        if (end < target.size())
            out += '&';
        start = end + 1;
    }
    return changed ? out : target;
}

} // namespace portico
