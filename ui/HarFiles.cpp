#include "HarFiles.h"

#include "observe/HarFormat.h"

#include <QFile>
#include <QFileInfo>
#include <QObject>
#include <QSaveFile>

namespace portico {

namespace {

constexpr qint64 kMaxHarBytes = 256 * 1024 * 1024;

} // namespace

bool writeHarFile(const QString &path, const CaptureRecords &records, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)
        || file.write(toHar(records, QStringLiteral(PORTICO_VERSION))) < 0 || !file.commit()) {
        *error =
            QObject::tr("cannot write %1: %2").arg(QFileInfo(path).fileName(), file.errorString());
        return false;
    }
    return true;
}

CaptureRecords readHarFile(const QString &path, QString *error)
{
    const QString name = QFileInfo(path).fileName();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QObject::tr("cannot open %1: %2").arg(name, file.errorString());
        return {};
    }
    if (file.size() > kMaxHarBytes) {
        *error = QObject::tr("%1 is larger than 256 MiB").arg(name);
        return {};
    }
    QString why;
    CaptureRecords records = fromHar(file.readAll(), &why);
    if (!why.isEmpty()) {
        *error = QObject::tr("%1 is not a capture: %2").arg(name, why);
        return {};
    }
    return records;
}

} // namespace portico
