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

} // namespace portico
