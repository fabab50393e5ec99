#include "RequestTarget.h"

namespace portico {

namespace {

bool startsWithNoCase(QByteArrayView text, QByteArrayView prefix)
{
    return text.size() >= prefix.size()
        && qstrnicmp(text.data(), prefix.size(), prefix.data(), prefix.size()) == 0;
}

} // namespace

bool toOriginForm(RequestHead &head)
{
    const QByteArray &target = head.target;
    if (target.startsWith('/'))
        return true;
    if (!startsWithNoCase(target, "http://") && !startsWithNoCase(target, "https://"))
        return false;
    const qsizetype authorityStart = target.indexOf("//") + 2;
    qsizetype pathStart = target.indexOf('/', authorityStart);
    const qsizetype queryStart = target.indexOf('?', authorityStart);
    if (pathStart < 0 || (queryStart >= 0 && queryStart < pathStart))
        pathStart = queryStart;
    const QByteArray authority =
        target.mid(authorityStart, pathStart < 0 ? -1 : pathStart - authorityStart);
    if (authority.isEmpty())
        return false;
    QByteArray originForm = pathStart < 0 ? QByteArray("/") : target.mid(pathStart);
    if (!originForm.startsWith('/'))
        originForm.prepend('/');
    head.headers.set(QByteArrayLiteral("Host"), authority);
    head.target = originForm;
    return true;
}

} // namespace portico
