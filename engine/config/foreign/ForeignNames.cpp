#include "ForeignNames.h"

namespace portico {

namespace {

bool isNameChar(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9')
        || c == u'.' || c == u'_' || c == u'-';
}

// Special in PCRE2 and in Rust's regex crate (Kong's router) outside a character class.
constexpr QStringView kRegexSpecial = u"\\.^$|?*+()[]{}";

} // namespace

QString sanitizeName(const QString &name)
{
    QString out;
    out.reserve(name.size());
    bool replaced = false;
    for (QChar c : name) {
        if (isNameChar(c)) {
            out.append(c);
        } else {
            replaced = true;
            if (!out.endsWith(u'-'))
                out.append(u'-');
        }
    }
    // "get /pets/{id}" -> "get-pets-id", not "get-pets-id-".
    if (replaced && out.endsWith(u'-') && !name.endsWith(u'-'))
        out.chop(1);
    if (out.size() > 128)
        out.truncate(128);
    // A name made only of replaced characters says nothing; let the caller generate one.
    if (replaced && out.count(u'-') == out.size())
        return {};
    return out;
}

QString uniqueName(const QString &name, QSet<QString> &taken)
{
    QString candidate = name;
    for (int n = 2; taken.contains(candidate); ++n) {
        const QString suffix = QLatin1Char('-') + QString::number(n);
        candidate = name.left(128 - suffix.size()) + suffix;
    }
    taken.insert(candidate);
    return candidate;
}

QString escapeRegexLiteral(const QString &text)
{
    QString out;
    out.reserve(text.size() + 8);
    for (QChar c : text) {
        if (kRegexSpecial.contains(c))
            out.append(u'\\');
        out.append(c);
    }
    return out;
}

QString regexLiteral(const QString &body)
{
    QString out;
    for (qsizetype i = 0; i < body.size(); ++i) {
        const QChar c = body[i];
        if (c == u'\\') {
            if (i + 1 >= body.size() || !kRegexSpecial.contains(body[i + 1]))
                return {}; // \d, \w, ...: a class, not a literal
            out.append(body[++i]);
        } else if (kRegexSpecial.contains(c)) {
            return {};
        } else {
            out.append(c);
        }
    }
    return out;
}

void SourcePaths::add(const QString &porticoPath, const QString &sourcePath)
{
    m_map.insert(porticoPath, sourcePath);
}

QString SourcePaths::translate(const QString &porticoPath) const
{
    for (qsizetype end = porticoPath.size(); end > 0; --end) {
        if (end < porticoPath.size() && porticoPath[end] != u'.' && porticoPath[end] != u'[')
            continue;
        const auto it = m_map.constFind(porticoPath.left(end));
        if (it != m_map.cend())
            return *it + porticoPath.sliced(end);
    }
    return porticoPath;
}

ConfigErrors SourcePaths::translate(ConfigErrors errors) const
{
    for (ConfigError &error : errors)
        error.path = translate(error.path);
    return errors;
}

QString indexed(const QString &list, qsizetype index)
{
    return list + QLatin1Char('[') + QString::number(index) + QLatin1Char(']');
}

QString entityLabel(const QString &path, const QString &name)
{
    return name.isEmpty() ? path : path + QStringLiteral(" (") + name + QLatin1Char(')');
}

} // namespace portico
