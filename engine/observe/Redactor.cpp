#include "Redactor.h"

#include "http/HeaderMap.h"

namespace portico {

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
        if (secret.size() < 64)
            m_lengths |= quint64(1) << secret.size();
    }
}

bool Redactor::isSecret(QByteArrayView name) const
{
    // Most fields differ in length from every secret name: one bit test rules them out.
    if (name.size() < 64 && !(m_lengths & (quint64(1) << name.size())))
        return false;
    for (const QByteArray &secret : m_names) {
        if (HeaderMap::namesEqual(name, secret))
            return true;
    }
    return false;
}

std::vector<CapturedField> Redactor::redactedFields(const HeaderMap &headers) const
{
    // Shared static bytes: a redacted field costs no allocation.
    static const QByteArray redacted = QByteArrayLiteral("[redacted]");
    std::vector<CapturedField> fields;
    fields.reserve(headers.fields().size());
    for (const auto &[name, value] : headers.fields())
        fields.push_back({name, isSecret(name) ? redacted : value});
    return fields;
}

QByteArray Redactor::redactedTarget(const QByteArray &target)
{
    const qsizetype query = target.indexOf('?');
    if (query < 0)
        return target;
    static const QByteArrayView kSecretParameters[] = {"apikey", "api_key", "access_token"};
    QByteArray out = target.first(query + 1);
    bool changed = false;
    qsizetype start = query + 1;
    while (start <= target.size()) {
        qsizetype end = target.indexOf('&', start);
        if (end < 0)
            end = target.size();
        const QByteArrayView parameter = QByteArrayView(target).sliced(start, end - start);
        const qsizetype equals = parameter.indexOf('=');
        const QByteArrayView name = equals < 0 ? parameter : parameter.first(equals);
        const bool secret = std::any_of(std::begin(kSecretParameters), std::end(kSecretParameters),
                                        [&](QByteArrayView s) { return name.compare(s, Qt::CaseInsensitive) == 0; });
        if (start > query + 1)
            out += '&';
        if (secret && equals >= 0) {
            out += name;
            out += '=';
            out += kRedacted;
            changed = true;
        } else {
            out += parameter;
        }
        start = end + 1;
    }
    return changed ? out : target;
}

} // namespace portico
