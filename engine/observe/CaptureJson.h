#pragma once

#include "observe/CaptureRecord.h"

#include <QJsonObject>

namespace portico {

// A captured request as JSON, as GET /traffic returns it: the summary always, the headers,
// the upstream URL and bodies when they were captured. Bytes that are not UTF-8 (a body, an
// odd path) become base64 with "encoding": "base64" beside them.
QJsonObject captureToJson(const CaptureRecord &record);

// The body as JSON: {"size", "truncated", "text"} or {"size", "truncated", "base64"}.
QJsonObject capturedBodyToJson(const CapturedBody &body);

} // namespace portico
