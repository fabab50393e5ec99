#include "ObserveChecks.h"

#include "http/RequestValidation.h"

#include <QFileInfo>

namespace portico::validation {

void checkObserveSettings(Checker &check, const ObserveConfig &o)
{
    constexpr qint64 kMiB = 1024 * 1024;
    check.range(QStringLiteral("settings.capture_records"), o.captureRecords, 0, 1'000'000);
    check.range(QStringLiteral("settings.capture_bytes"), o.captureBytes, 64 * 1024, 4096 * kMiB);
    check.oneOf(QStringLiteral("settings.capture"), o.capture,
                {QStringLiteral("watched"), QStringLiteral("always"), QStringLiteral("off")});
    check.range(QStringLiteral("settings.capture_body_kib"), o.captureBodyKib, 0, 1024);
    for (qsizetype i = 0; i < o.redactHeaders.size(); ++i) {
        if (!isHttpToken(o.redactHeaders[i].toUtf8()))
            check.add(QStringLiteral("settings.redact_headers[%1]").arg(i),
                      QStringLiteral("\"%1\" is not a header field name")
                          .arg(o.redactHeaders[i]));
    }
    if (!o.accessLog.isEmpty()) {
        // Checked here, where the gateway runs: a log that cannot be written is a config error.
        const QFileInfo file(o.accessLog);
        const QFileInfo folder(file.absolutePath());
        if (file.isDir())
            check.add(QStringLiteral("settings.access_log"),
                      QStringLiteral("\"%1\" is a folder, not a file").arg(o.accessLog));
        else if (!folder.isDir() || !folder.isWritable())
            check.add(QStringLiteral("settings.access_log"),
                      QStringLiteral("folder \"%1\" does not exist or is not writable")
                          .arg(folder.filePath()));
    }
    check.range(QStringLiteral("settings.access_log_max_bytes"), o.accessLogMaxBytes, 4096,
                1024 * 1024 * kMiB);
    check.range(QStringLiteral("settings.access_log_files"), o.accessLogFiles, 0, 100);
}

} // namespace portico::validation
