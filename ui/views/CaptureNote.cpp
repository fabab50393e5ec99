#include "CaptureNote.h"

#include "config/Config.h"

#include <QObject>

namespace portico {

CaptureNote captureNote(const ObserveConfig &observe)
{
    CaptureNote note;
    note.notCaptured = QObject::tr("[headers not captured]");
    if (observe.captureRecords <= 0 || observe.capture == QLatin1String("off")) {
        note.line = observe.captureRecords <= 0
            ? QObject::tr("Capture is off (settings: capture_records 0)")
            : QObject::tr("Capture is off (settings: capture off)");
        return note;
    }
    note.line = observe.capture == QLatin1String("always")
        ? QObject::tr("Every request is captured (capture: always)")
        : QObject::tr("Requests are captured while this page is open (capture: watched)");
    note.line += observe.captureBodyKib > 0
        ? QObject::tr(", with the first %1 KiB of bodies").arg(observe.captureBodyKib)
        : QObject::tr("; bodies are not kept (capture_body_kib: 0)");
    return note;
}

} // namespace portico
