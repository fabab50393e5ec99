#pragma once

#include "observe/CaptureRecord.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace portico {

// Captured bytes as text for export (HAR, curl): UTF-8 when they are, else Latin-1, so every
// byte still shows as one character.
QString captureText(QByteArrayView bytes);
// Whether the bytes are UTF-8 that converts to text and back unchanged.
bool isUtf8(QByteArrayView bytes);

// The URL the client asked for: scheme://host + target (the target itself in absolute form).
QByteArray requestUrl(const CaptureRecord &record);

} // namespace portico
