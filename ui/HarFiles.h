#pragma once

#include "observe/CaptureRecord.h"

#include <QString>

namespace portico {

// Captured requests to and from HAR files (toHar / fromHar). Plain functions on their
// arguments only, so the Traffic page runs them on a thread of their own: 10,000 records take
// most of a second to write.
bool writeHarFile(const QString &path, const CaptureRecords &records, QString *error);
// The records of a HAR file; on failure none and *error says why (a file over 256 MiB is
// refused before it is read).
CaptureRecords readHarFile(const QString &path, QString *error);

} // namespace portico
