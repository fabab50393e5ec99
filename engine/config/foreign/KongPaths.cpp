#include "KongPaths.h"

#include "ForeignNames.h"
#include "config/ConfigValidator.h"

#include <QRegularExpression>

namespace portico {

namespace {

const QLatin1StringView kAnywhereOpen(".*(?:");

bool isValidRegex(const QString &pattern)
{
    return QRegularExpression(pattern).isValid();
}

} // namespace

QString porticoToKongPath(const QString &path)
{
    if (path.startsWith(u'='))
        return QLatin1Char('~') + escapeRegexLiteral(path.sliced(1)) + QLatin1Char('$');
    if (!path.startsWith(u'~'))
        return path;
    const QString pattern = path.sliced(1);
    if (pattern.startsWith(u'^') && pattern.size() > 1)
        return QLatin1Char('~') + pattern.sliced(1); // Kong puts the "^" back
    if (pattern.startsWith(u'^'))
        return path;
    // Kong anchors at the start: let the pattern begin anywhere, as it does in Portico.
    return QLatin1Char('~') + kAnywhereOpen + pattern + QLatin1Char(')');
}

QString kongToPorticoPath(const QString &path)
{
    if (!path.startsWith(u'~'))
        return path;
    QString body = path.sliced(1);
    if (body.startsWith(u'^'))
        body.remove(0, 1); // "^^x" anchors like "^x"
    if (body.startsWith(kAnywhereOpen) && body.endsWith(u')')) {
        const QString inner =
            body.sliced(kAnywhereOpen.size(), body.size() - kAnywhereOpen.size() - 1);
        // Only our own wrapper: the group closes at the very end, so the inside stands alone.
        if (!inner.isEmpty() && isValidRegex(inner))
            return QLatin1Char('~') + inner;
    }
    if (body.endsWith(u'$') && !body.endsWith(QStringLiteral("\\$"))) {
        const QString literal = regexLiteral(body.chopped(1));
        if (literal.startsWith(u'/') && checkRoutePath(QLatin1Char('=') + literal).isEmpty())
            return QLatin1Char('=') + literal;
    }
    return QStringLiteral("~^") + body;
}

QString kongRegexCaveat(const QString &porticoRegex)
{
    static const QRegularExpression pcreOnly(
        QStringLiteral(R"(\(\?<?[=!]|\(\?>|\\[1-9]|\\[kgK]|[*+?}]\+|\(\?[0-9R+-]|\(\*)"));
    if (pcreOnly.match(porticoRegex).hasMatch())
        return QStringLiteral("uses PCRE syntax (look-around, back-references, atomic groups or "
                              "possessive quantifiers) that Kong's router (Rust regex) refuses");
    return {};
}

} // namespace portico
