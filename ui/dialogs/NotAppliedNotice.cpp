#include "NotAppliedNotice.h"

#include <QObject>

namespace portico {

QString notAppliedNotice(const StoreResult &result, qint64 revision, QString applyText)
{
    if (result.status == StoreResult::Status::Conflict) {
        return QObject::tr("Not applied: the configuration was changed elsewhere meanwhile (now "
                           "revision %1). Your changes are still in the fields; press %2 again "
                           "to apply them over the new version.")
            .arg(revision)
            .arg(applyText.remove(u'&'));
    }
    QStringList messages;
    for (const ConfigError &e : result.errors)
        messages.append(e.toString());
    return QObject::tr("Not applied: %1").arg(messages.join(u'\n'));
}

QString pageActionNotice(const StoreResult &result, const QString &shown)
{
    if (result.status == StoreResult::Status::Conflict)
        return QObject::tr("Not applied: the configuration was changed elsewhere meanwhile. The "
                           "%1 now shows the current version; check it and try again.")
            .arg(shown);
    QStringList messages;
    for (const ConfigError &e : result.errors)
        messages.append(e.toString());
    return QObject::tr("Not applied: %1").arg(messages.join(QStringLiteral("; ")));
}

QString editSummary(const QString &kind, const QString &original, const QString &name)
{
    if (original.isEmpty())
        return QObject::tr("%1 %2 added").arg(kind, name);
    if (original != name)
        return QObject::tr("%1 %2 renamed to %3").arg(kind, original, name);
    return QObject::tr("%1 %2 updated").arg(kind, name);
}

} // namespace portico
